//! Send-to and recv-from rules on UDP sockets.
//!
//! `policy_datagrams filtered PEER`: run with `--allow-bind 127.0.0.1/32:0`,
//! `--allow-recv-from 127.0.0.1/32:*` and `--allow-send-to
//! 127.0.0.3/32:PEER`, where a native socket on 127.0.0.3:PEER answers
//! `pong` to a `ping`. Prints `bound on PORT`; the host then sends, in
//! turn, a datagram from 127.0.0.2 (dropped) and one from 127.0.0.1, three
//! times. Every receive call skips the dropped ones. Sending is granted to
//! PEER only, connecting not at all, and PEER's reply arrives although no
//! recv-from rule names it: a peer the guest may send to may answer.
//!
//! `policy_datagrams open`: run with `--allow-bind 127.0.0.1/32:0` only.
//! Prints `bound on PORT`; the host sends `open` from 127.0.0.2, which
//! arrives: without recv-from rules every source is allowed.

use std::net::{IpAddr, SocketAddr};

use wasock::net::UdpSocket;
use wasock::socket::{MessageFlags, Socket};
use wasock_test_programs::{args, expect_denied};

fn main() {
    let args = args();
    let socket = UdpSocket::bind("127.0.0.1:0").expect("binding is granted");
    match args[0].as_str() {
        "filtered" => filtered(socket, args[1].parse().unwrap()),
        "open" => open(socket),
        other => panic!("unknown mode {other}"),
    }
}

fn filtered(socket: UdpSocket, peer_port: u16) {
    let peer = SocketAddr::from(([127, 0, 0, 3], peer_port));
    let raw = Socket::from(socket.try_clone().unwrap());
    println!("bound on {}", socket.local_addr().unwrap().port());
    let allowed: IpAddr = "127.0.0.1".parse().unwrap();

    let mut buffer = [0; 64];
    let (n, from) = socket.peek_from(&mut buffer).unwrap();
    assert_eq!((&buffer[..n], from.ip()), (&b"allowed 1"[..], allowed));
    let (n, from) = socket.recv_from(&mut buffer).unwrap();
    assert_eq!((&buffer[..n], from.ip()), (&b"allowed 1"[..], allowed));
    let message = raw.recv_msg(64, 0, MessageFlags::empty()).unwrap();
    assert_eq!(message.data, b"allowed 2");
    let n = socket.recv(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"allowed 3");
    println!("denied sources dropped");

    socket.send_to(b"ping", peer).expect("send-to is granted");
    let text = expect_denied("connect", socket.connect(peer));
    assert!(text.contains("--allow-connect"), "{text}");
    expect_denied(
        "send-to another port",
        socket.send_to(b"ping", ("127.0.0.3", peer_port.wrapping_add(1))),
    );
    expect_denied(
        "send-to another address",
        socket.send_to(b"ping", ("127.0.0.4", peer_port)),
    );
    let (n, from) = socket.recv_from(&mut buffer).unwrap();
    assert_eq!((&buffer[..n], from), (&b"pong"[..], peer));
    println!("datagram rules enforced");
}

fn open(socket: UdpSocket) {
    println!("bound on {}", socket.local_addr().unwrap().port());
    let mut buffer = [0; 64];
    let (n, from) = socket.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"open");
    assert_eq!(from.ip(), "127.0.0.2".parse::<IpAddr>().unwrap());
    println!("every source allowed");
}
