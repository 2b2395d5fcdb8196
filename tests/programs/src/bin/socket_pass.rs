//! Passes a connected TCP socket from one guest to another over the
//! sockets the embedder handed them (one end of a socket pair each).
//!
//! `socket_pass send PORT` connects to 127.0.0.1:PORT (granted) and sends the
//! connection. `socket_pass echo`, run with NO network grant, receives it and
//! echoes what the native peer writes: data on a socket its owner chose to
//! share flows, but any new network use of it is checked against the
//! receiver's own policy.

use std::net::SocketAddr;

use wasock::ErrorCode;
use wasock::net::TcpStream;
use wasock::socket::{Domain, SockAddr, Socket, Type, take_inherited_sockets};
use wasock_test_programs::{args, expect_code};

fn main() {
    let args = args();
    match args[0].as_str() {
        "send" => send(args[1].parse().unwrap()),
        "echo" => echo(),
        other => panic!("unknown mode {other}"),
    }
}

fn send(port: u16) {
    let connection = Socket::from(TcpStream::connect(("127.0.0.1", port)).unwrap());
    let mut inherited = take_inherited_sockets().unwrap();
    assert_eq!(inherited.len(), 1, "the embedder handed over one socket");
    assert!(
        take_inherited_sockets().unwrap().is_empty(),
        "inherited sockets are taken once"
    );
    let channel = inherited.pop().unwrap();
    channel
        .send_with_sockets(b"take it", &[&connection])
        .unwrap();
    println!("passed");
}

fn echo() {
    let channel = take_inherited_sockets()
        .unwrap()
        .pop()
        .expect("a channel to the sender");
    let (note, mut sockets) = channel.recv_with_sockets(16, 1).unwrap();
    assert_eq!(note, b"take it");
    let connection = sockets.pop().expect("the passed connection");
    assert_eq!(
        (connection.family(), connection.socket_type()),
        (Domain::IPV4, Type::STREAM)
    );
    let peer: SocketAddr = connection.peer_addr().unwrap().as_inet().unwrap();
    let greeting = connection.recv(64).unwrap();
    connection.send_all(&greeting).unwrap();
    println!("echoed {} bytes to {}", greeting.len(), peer.ip());

    let elsewhere = SockAddr::Inet("127.0.0.1:9".parse().unwrap());
    expect_code(
        "reconnect under this guest's policy",
        connection.connect(&elsewhere),
        ErrorCode::AccessDenied,
    );
    expect_code(
        "send-to under this guest's policy",
        connection.send_to(b"x", &elsewhere),
        ErrorCode::AccessDenied,
    );
}
