//! Send flags with effects of their own: `MSG_FASTOPEN` connects and sends
//! in one call (checked like `connect`), `MSG_CONFIRM` is accepted on
//! datagrams, `MSG_MORE` holds data back until the last part. Run with
//! `--allow-bind 127.0.0.1/32:* --allow-connect 127.0.0.1/32:*`.

use wasock::ErrorCode;
use wasock::net::{TcpListener, UdpSocket};
use wasock::socket::{Domain, MessageFlags, SockAddr, Socket, Type};
use wasock_test_programs::expect_code;

fn main() {
    let listener = Socket::from(TcpListener::bind("127.0.0.1:0").unwrap());
    let address = listener.local_addr().unwrap();
    let client = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let sent = client
        .send_to_with_flags(b"in the syn", &address, MessageFlags::FAST_OPEN)
        .unwrap();
    assert_eq!(sent, 10);
    let (server, _) = listener.accept().unwrap();
    assert_eq!(
        server.recv(64).unwrap(),
        b"in the syn",
        "fast open connected and sent"
    );
    assert_eq!(client.peer_addr().unwrap().as_inet(), address.as_inet());

    let denied = SockAddr::Inet("127.0.0.2:80".parse().unwrap());
    let other = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    expect_code(
        "fast open to a denied address",
        other.send_to_with_flags(b"x", &denied, MessageFlags::FAST_OPEN),
        ErrorCode::AccessDenied,
    );

    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    let sender = Socket::from(UdpSocket::bind("127.0.0.1:0").unwrap());
    let to = SockAddr::Inet(receiver.local_addr().unwrap());
    sender
        .send_to_with_flags(b"confirmed", &to, MessageFlags::CONFIRM)
        .unwrap();
    sender
        .send_to_with_flags(b"held ", &to, MessageFlags::MORE)
        .unwrap();
    sender
        .send_to_with_flags(b"back", &to, MessageFlags::empty())
        .unwrap();
    let mut buffer = [0; 32];
    let (n, _) = receiver.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"confirmed");
    let (n, _) = receiver.recv_from(&mut buffer).unwrap();
    assert_eq!(
        &buffer[..n],
        b"held back",
        "MSG_MORE corks the datagram until the last part"
    );
    sender
        .send_to_with_flags(b"peeked", &to, MessageFlags::empty())
        .unwrap();
    let peeker = Socket::from(receiver.try_clone().unwrap());
    assert_eq!(
        peeker.recv_with_flags(16, MessageFlags::PEEK).unwrap(),
        b"peeked"
    );
    assert_eq!(
        peeker.recv(16).unwrap(),
        b"peeked",
        "MSG_PEEK left the datagram queued"
    );
    sender
        .send_to_with_flags(b"direct", &to, MessageFlags::DONT_ROUTE)
        .unwrap();
    let (n, _) = receiver.recv_from(&mut buffer).unwrap();
    assert_eq!(
        &buffer[..n],
        b"direct",
        "MSG_DONTROUTE reaches a directly connected peer"
    );

    let (records, peer) = Socket::pair(Domain::UNIX, Type::SEQPACKET, None).unwrap();
    records
        .send_with_flags(b"end", MessageFlags::END_OF_RECORD)
        .unwrap();
    assert_eq!(
        peer.recv(8).unwrap(),
        b"end",
        "MSG_EOR is accepted on a seqpacket socket"
    );
    println!("send flags ok");
}
