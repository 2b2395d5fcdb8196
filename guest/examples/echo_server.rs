use std::io::{Read, Write};

use wasock::net::TcpListener;

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:10000")?;
    println!("listening on {}", listener.local_addr()?);
    for stream in listener.incoming() {
        let mut stream = stream?;
        let mut buf = [0; 4096];
        loop {
            let len = stream.read(&mut buf)?;
            if len == 0 {
                break;
            }
            stream.write_all(&buf[..len])?;
        }
    }
    Ok(())
}
