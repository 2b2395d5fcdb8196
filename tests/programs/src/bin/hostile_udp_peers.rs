//! UDP with denied peers: sending to them is denied, and what they send is
//! dropped before this guest sees it, whichever receive call it uses. A
//! send-to grant does not let a TCP Fast Open send connect.
//!
//! `hostile_udp_peers ALLOWED DENIED LISTENER`: ports of native sockets on
//! 127.0.0.1 (LISTENER a TCP listener), run with `--allow-bind
//! 127.0.0.1:*`, `--allow-send-to` for ALLOWED and LISTENER and
//! `--allow-recv-from` for ALLOWED only. Prints `bound on PORT`, then for
//! each receive call `ready CALL`; the host sends a datagram from DENIED
//! and then one from ALLOWED, and the guest must get the allowed one.

use std::net::SocketAddr;

use wasock::net::UdpSocket;
use wasock::socket::{Domain, MessageFlags, SockAddr, Socket, Type};
use wasock_test_programs::{args, expect_denied};

fn main() {
    let args = args();
    let allowed: SocketAddr = format!("127.0.0.1:{}", args[0]).parse().unwrap();
    let denied: SocketAddr = format!("127.0.0.1:{}", args[1]).parse().unwrap();
    let listener: SocketAddr = format!("127.0.0.1:{}", args[2]).parse().unwrap();
    let stream = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    expect_denied(
        "fast open to a send-to grant",
        stream.send_to_with_flags(b"syn", &listener.into(), MessageFlags::FAST_OPEN),
    );
    expect_denied(
        "send-msg with fast open to a send-to grant",
        stream.send_msg(
            &[b"syn"],
            &[],
            MessageFlags::FAST_OPEN,
            Some(&SockAddr::from(listener)),
        ),
    );
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    expect_denied("send-to a denied peer", socket.send_to(b"leak", denied));
    let raw = Socket::from(socket.try_clone().unwrap());
    expect_denied(
        "send-msg to a denied peer",
        raw.send_msg(
            &[b"leak"],
            &[],
            MessageFlags::empty(),
            Some(&SockAddr::from(denied)),
        ),
    );
    expect_denied("connect to a denied peer", socket.connect(denied));
    socket
        .send_to(b"hi", allowed)
        .expect("the allowed peer is reachable");
    println!("bound on {}", socket.local_addr().unwrap().port());

    println!("ready recv-from");
    let mut buffer = [0; 64];
    let (n, from) = socket.recv_from(&mut buffer).unwrap();
    assert_eq!((&buffer[..n], from), (&b"good"[..], allowed));

    println!("ready recv");
    let n = raw.recv_into(&mut buffer, MessageFlags::empty()).unwrap();
    assert_eq!(&buffer[..n], b"good");

    println!("ready recv-msg");
    let message = raw.recv_msg(64, 0, MessageFlags::empty()).unwrap();
    assert_eq!(message.data, b"good");
    assert_eq!(message.address.and_then(|a| a.as_inet()), Some(allowed));

    println!("ready peek");
    let peeked = raw.recv_with_flags(64, MessageFlags::PEEK).unwrap();
    assert_eq!(peeked, b"good", "a peek skips denied datagrams too");
    raw.recv(64).unwrap();
    println!("peers confined");
}
