//! IPv6 addresses carry flow info and scope id both ways; an IPv6 socket
//! with `IPV6_V6ONLY` off serves IPv4 peers, reported as IPv4-mapped
//! addresses as Python reports them. Run with bind and connect grants for
//! `127.0.0.1`, `::1` and `::`, and bind for `fe80::/10`.

use std::net::{SocketAddr, SocketAddrV6};

use wasock::ErrorCode;
use wasock::net::{TcpStream, UdpSocket};
use wasock::socket::{Domain, SockAddr, Socket, Type};
use wasock_test_programs::expect_code;

fn main() {
    let receiver = UdpSocket::bind("[::1]:0").unwrap();
    let SocketAddr::V6(local) = receiver.local_addr().unwrap() else {
        panic!("an IPv6 address")
    };
    assert_eq!((local.flowinfo(), local.scope_id()), (0, 0));
    let sender = UdpSocket::bind("[::1]:0").unwrap();
    let target = SocketAddrV6::new(*local.ip(), local.port(), 0, 0);
    sender.send_to(b"six", target).unwrap();
    let mut buffer = [0; 8];
    let (n, from) = receiver.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"six");
    assert_eq!(
        from,
        sender.local_addr().unwrap(),
        "the source comes back with flow info and scope"
    );

    let scoped = Socket::new(Domain::IPV6, Type::DGRAM, None).unwrap();
    let unknown_interface = SocketAddrV6::new("fe80::1".parse().unwrap(), 0, 0, 999_999);
    expect_code(
        "a scope id naming no interface",
        scoped.bind(&SockAddr::Inet(unknown_interface.into())),
        ErrorCode::NoSuchDevice,
    );

    let dual = Socket::new(Domain::IPV6, Type::STREAM, None).unwrap();
    dual.set_only_v6(false).unwrap();
    dual.bind(&SockAddr::Inet("[::]:0".parse().unwrap()))
        .unwrap();
    dual.listen(8).unwrap();
    let port = dual.local_addr().unwrap().as_inet().unwrap().port();
    let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (_served, peer) = dual.accept().unwrap();
    let peer = peer.as_inet().unwrap();
    assert_eq!(
        peer.ip().to_string(),
        "::ffff:127.0.0.1",
        "IPv4 peers appear IPv4-mapped"
    );
    assert_eq!(peer.port(), client.local_addr().unwrap().port());
    println!("ipv6 ok");
}
