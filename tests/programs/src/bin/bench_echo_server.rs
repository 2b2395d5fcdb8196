//! The benchmark's echo server: `bench_echo_server tcp|udp HOST PORT` or
//! `bench_echo_server unix PATH`. Prints `listening on PORT` (or `PATH`),
//! then echoes forever (streams: one connection at a time, 64 KiB reads;
//! UDP: datagram by datagram). `bench_std_echo_server` is the same program
//! on `std::net`.

use std::io::{Read, Write};

use wasock::net::{TcpListener, UdpSocket};
use wasock::unix::UnixListener;
use wasock_test_programs::args;

/// Echo one connection until the peer closes it or an error ends it.
fn echo<S: Read + Write>(mut stream: S, buffer: &mut [u8]) {
    loop {
        match stream.read(buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if stream.write_all(&buffer[..n]).is_err() {
                    return;
                }
            }
        }
    }
}

fn main() {
    let args = args();
    let mut buffer = vec![0; 65536];
    if args[0] == "unix" {
        let listener = UnixListener::bind(&args[1]).unwrap();
        println!("listening on {}", args[1]);
        for stream in listener.incoming().flatten() {
            echo(stream, &mut buffer);
        }
        return;
    }
    let address = format!("{}:{}", args[1], args[2]);
    match args[0].as_str() {
        "tcp" => {
            let listener = TcpListener::bind(address.as_str()).unwrap();
            println!("listening on {}", listener.local_addr().unwrap().port());
            for stream in listener.incoming().flatten() {
                echo(stream, &mut buffer);
            }
        }
        "udp" => {
            let socket = UdpSocket::bind(address.as_str()).unwrap();
            println!("listening on {}", socket.local_addr().unwrap().port());
            loop {
                let (n, from) = socket.recv_from(&mut buffer).unwrap();
                socket.send_to(&buffer[..n], from).unwrap();
            }
        }
        other => panic!("unknown protocol {other}"),
    }
}
