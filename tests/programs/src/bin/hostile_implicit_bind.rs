//! The implicit binds of `connect`, `send-to`, `send-msg` and `listen`
//! to denied addresses: each is denied before any system call, so the
//! socket stays unbound and nothing reaches the native peers.
//!
//! `hostile_implicit_bind TCP_PORT UDP_PORT`, run with a policy that grants
//! nothing on 127.0.0.1; TCP_PORT is a native listener, UDP_PORT a native
//! datagram socket.

use std::net::SocketAddr;

use wasock::ErrorCode;
use wasock::socket::{Domain, MessageFlags, SockAddr, Socket, Type};
use wasock_test_programs::{args, expect_code, expect_denied};

/// Whether the socket still has no address (`0.0.0.0:0` or `[::]:0`).
fn assert_unbound(what: &str, socket: &Socket) {
    let local = socket.local_addr().unwrap().as_inet().unwrap();
    assert!(
        local.ip().is_unspecified() && local.port() == 0,
        "{what}: the socket stayed unbound, not {local}"
    );
}

fn main() {
    let args = args();
    let tcp: SocketAddr = format!("127.0.0.1:{}", args[0]).parse().unwrap();
    let udp: SocketAddr = format!("127.0.0.1:{}", args[1]).parse().unwrap();
    let mapped: SocketAddr = format!("[::ffff:127.0.0.1]:{}", args[0]).parse().unwrap();

    let stream = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    expect_denied("connect", stream.connect(&tcp.into()));
    assert_unbound("connect", &stream);
    stream.set_nonblocking(true).unwrap();
    expect_denied("non-blocking connect", stream.connect(&tcp.into()));
    expect_denied(
        "send-to with fast open",
        stream.send_to_with_flags(b"x", &tcp.into(), MessageFlags::FAST_OPEN),
    );
    assert_unbound("fast open", &stream);
    expect_denied("listen", stream.listen(16));
    assert_unbound("listen", &stream);
    expect_denied("bind", stream.bind(&tcp.into()));
    assert_unbound("bind", &stream);

    if let Ok(stream6) = Socket::new(Domain::IPV6, Type::STREAM, None) {
        expect_denied("connect mapped", stream6.connect(&mapped.into()));
        expect_denied("listen on ::", stream6.listen(16));
    }

    let datagram = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    expect_denied("send-to", datagram.send_to(b"x", &udp.into()));
    assert_unbound("send-to", &datagram);
    expect_denied(
        "send-msg",
        datagram.send_msg(
            &[b"x"],
            &[],
            MessageFlags::empty(),
            Some(&SockAddr::from(udp)),
        ),
    );
    assert_unbound("send-msg", &datagram);
    expect_denied("datagram connect", datagram.connect(&udp.into()));
    expect_code(
        "send after a denied connect",
        datagram.send(b"x"),
        ErrorCode::DestinationAddressRequired,
    );
    assert_unbound("datagram connect", &datagram);
    println!("implicit binds denied");
}
