//! `bench_echo_server` written with `std::net`, which on `wasm32-wasip2`
//! runs over `wasi:sockets`: the peer the benchmark measures wasock
//! against. `bench_std_echo_server tcp|udp HOST PORT` prints
//! `listening on PORT`, then echoes forever (TCP: one connection at a time,
//! 64 KiB reads; UDP: datagram by datagram). `wasi:sockets` has no Unix
//! sockets.

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};

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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut buffer = vec![0; 65536];
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
