//! The benchmark's echo server: `bench_echo_server tcp|udp HOST PORT`.
//! Prints `listening on PORT`, then echoes forever (TCP: one connection at a
//! time, 64 KiB reads; UDP: datagram by datagram).

use std::io::{Read, Write};

use wasock::net::{TcpListener, UdpSocket};
use wasock_test_programs::args;

fn main() {
    let args = args();
    let address = format!("{}:{}", args[1], args[2]);
    let mut buffer = vec![0; 65536];
    match args[0].as_str() {
        "tcp" => {
            let listener = TcpListener::bind(address.as_str()).unwrap();
            println!("listening on {}", listener.local_addr().unwrap().port());
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                loop {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if stream.write_all(&buffer[..n]).is_err() {
                                break;
                            }
                        }
                    }
                }
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
