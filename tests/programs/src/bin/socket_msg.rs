//! `send-msg`/`recv-msg` inside one guest: gathered data, truncation flags,
//! source addresses, passing sockets over a socket pair, and the policy on
//! `send-msg` destinations. Run with `--allow-bind 127.0.0.1/32:*
//! --allow-connect 127.0.0.1/32:*`.

use std::net::SocketAddr;

use wasock::ErrorCode;
use wasock::socket::{Ancillary, Domain, MessageFlags, SockAddr, Socket, Type, rights_space};
use wasock_test_programs::expect_code;

fn main() {
    let (a, b) = Socket::pair(Domain::UNIX, Type::DGRAM, None).unwrap();
    let sent = a
        .send_msg(&[b"gath", b"ered"], &[], MessageFlags::empty(), None)
        .unwrap();
    assert_eq!(sent, 8);
    let message = b.recv_msg(64, 0, MessageFlags::empty()).unwrap();
    assert_eq!(
        message.data, b"gathered",
        "the parts arrive as one datagram"
    );
    assert!(message.flags.is_empty(), "{:?}", message.flags);

    a.send(b"too long for the buffer").unwrap();
    let message = b.recv_msg(3, 0, MessageFlags::empty()).unwrap();
    assert_eq!(message.data, b"too");
    assert!(
        message.flags.contains(MessageFlags::TRUNCATE),
        "MSG_TRUNC is reported"
    );

    let (record_out, record_in) = Socket::pair(Domain::UNIX, Type::SEQPACKET, None).unwrap();
    record_out.send(b"a record").unwrap();
    let message = record_in.recv_msg(4, 0, MessageFlags::empty()).unwrap();
    assert_eq!(message.data, b"a re");
    assert!(
        message.flags.contains(MessageFlags::TRUNCATE),
        "a truncated record is reported"
    );
    record_out.send(b"into").unwrap();
    let mut buffer = [0u8; 8];
    assert_eq!(
        record_in
            .recv_into(&mut buffer, MessageFlags::empty())
            .unwrap(),
        4
    );
    assert_eq!(&buffer[..4], b"into", "recv_into fills the caller's buffer");

    // Pass one end of another pair; the receiver talks through it.
    let (left, right) = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
    a.send_with_sockets(b"here", &[&left]).unwrap();
    drop(left);
    let (data, mut passed) = b.recv_with_sockets(16, 1).unwrap();
    assert_eq!(data, b"here");
    assert_eq!(passed.len(), 1, "one socket arrives");
    let received = passed.pop().unwrap();
    assert_eq!(received.socket_type(), Type::STREAM);
    assert_eq!(received.family(), Domain::UNIX);
    received.send_all(b"through the passed socket").unwrap();
    assert_eq!(right.recv(64).unwrap(), b"through the passed socket");

    // No room for ancillary data: the kernel drops the socket, says so.
    let (spare, _spare_peer) = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
    a.send_with_sockets(b"x", &[&spare]).unwrap();
    let message = b.recv_msg(16, 0, MessageFlags::empty()).unwrap();
    assert!(
        message.flags.contains(MessageFlags::CONTROL_TRUNCATE),
        "MSG_CTRUNC is reported"
    );
    assert!(message.ancillary.is_empty());
    let message = {
        a.send_with_sockets(b"y", &[&spare, &spare]).unwrap();
        b.recv_msg(16, rights_space(2), MessageFlags::empty())
            .unwrap()
    };
    let count: usize = message
        .ancillary
        .iter()
        .map(|item| match item {
            Ancillary::Rights(sockets) => sockets.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(count, 2, "the same socket passed twice arrives twice");

    // Datagrams report their source; destinations go through the policy.
    let sender = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    sender
        .bind(&SockAddr::Inet("127.0.0.1:0".parse().unwrap()))
        .unwrap();
    let receiver = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    receiver
        .bind(&SockAddr::Inet("127.0.0.1:0".parse().unwrap()))
        .unwrap();
    let to = receiver.local_addr().unwrap();
    sender
        .send_msg(&[b"udp"], &[], MessageFlags::empty(), Some(&to))
        .unwrap();
    let message = receiver.recv_msg(16, 0, MessageFlags::empty()).unwrap();
    assert_eq!(message.data, b"udp");
    let from: Option<SocketAddr> = message.address.and_then(|a| a.as_inet());
    assert_eq!(from, sender.local_addr().unwrap().as_inet());
    let denied = SockAddr::Inet("127.0.0.2:9".parse().unwrap());
    expect_code(
        "send-msg to a denied address",
        sender.send_msg(&[b"no"], &[], MessageFlags::empty(), Some(&denied)),
        ErrorCode::AccessDenied,
    );
    println!("messages ok");
}
