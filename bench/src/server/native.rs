//! The native contender: the guests' echo logic on Rust `std::net` and
//! `std::os::unix::net`, on threads of this process.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, UdpSocket};
use std::os::unix::net::UnixListener;
use std::thread;

use anyhow::{Result, bail};

use super::Service;

/// Start serving; return the address to connect to.
pub fn start(service: &Service) -> Result<Vec<String>> {
    let mut buffer = vec![0; 65536];
    let address = match service {
        Service::Tcp => {
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
            let address = listener.local_addr()?.to_string();
            thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    echo(stream, &mut buffer);
                }
            });
            address
        }
        Service::Udp => {
            let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
            let address = socket.local_addr()?.to_string();
            thread::spawn(move || {
                while let Ok((n, from)) = socket.recv_from(&mut buffer) {
                    if socket.send_to(&buffer[..n], from).is_err() {
                        return;
                    }
                }
            });
            address
        }
        Service::Unix(path) => {
            let _ = std::fs::remove_file(path);
            let listener = UnixListener::bind(path)?;
            thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    echo(stream, &mut buffer);
                }
            });
            path.display().to_string()
        }
        Service::Scale | Service::Instances(_) => {
            bail!("the native contender serves tcp, udp, unix")
        }
    };
    Ok(vec![address])
}

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
