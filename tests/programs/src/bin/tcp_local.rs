//! A TCP client and server in one guest. Run with
//! `--allow-bind 127.0.0.1/32:* --allow-connect 127.0.0.1/32:*` (and the same
//! for `[::1]` when the argument `ipv6` is given).

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr};

use wasock::ErrorCode;
use wasock::net::{TcpListener, TcpStream};
use wasock_test_programs::{args, expect_code};

fn main() {
    exchange("127.0.0.1:0");
    if args().iter().any(|a| a == "ipv6") {
        exchange("[::1]:0");
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    expect_code(
        "nobody listening",
        TcpStream::connect(("127.0.0.1", port)),
        ErrorCode::ConnectionRefused,
    );
    println!("tcp ok");
}

fn exchange(bind: &str) {
    let listener = TcpListener::bind(bind).unwrap();
    let server_addr = listener.local_addr().unwrap();
    assert_ne!(server_addr.port(), 0, "an ephemeral port was chosen");
    let mut client = TcpStream::connect(server_addr).unwrap();
    let (mut server, peer) = listener.accept().unwrap();
    assert_eq!(
        peer,
        client.local_addr().unwrap(),
        "accept reports the client's address"
    );
    assert_eq!(client.peer_addr().unwrap(), server_addr);
    assert_eq!(server.peer_addr().unwrap(), peer);

    client
        .write_all(&[7; 100_000])
        .unwrap_or_else(|e| panic!("{e}"));
    let mut received = vec![0; 100_000];
    server.read_exact(&mut received).unwrap();
    assert!(received.iter().all(|&b| b == 7));

    client.write_all(b"peek").unwrap();
    let mut peeked = [0; 4];
    assert_eq!(server.peek(&mut peeked).unwrap(), 4);
    let mut read = [0; 4];
    server.read_exact(&mut read).unwrap();
    assert_eq!(&peeked, b"peek");
    assert_eq!(&read, b"peek");

    client.shutdown(Shutdown::Write).unwrap();
    let mut rest = Vec::new();
    server.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "shutdown(write) is seen as end of stream");
    server.write_all(b"bye").unwrap();
    let mut reply = String::new();
    drop(server);
    client.read_to_string(&mut reply).unwrap();
    assert_eq!(
        reply, "bye",
        "the other direction still works after shutdown(write)"
    );
    let family = if matches!(server_addr, SocketAddr::V6(_)) {
        "IPv6"
    } else {
        "IPv4"
    };
    println!("{family} exchange ok");
}
