//! Socket options: each is set, read back and validated.
//! Run with `--allow-bind 127.0.0.1/32:*`.

use std::time::Duration;

use wasock::ErrorCode;
use wasock::net::{TcpListener, UdpSocket};
use wasock::socket::{Domain, OptionName, Protocol, Socket, SocketOption, Type};
use wasock_test_programs::expect_code;

fn main() {
    let tcp = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    for on in [true, false] {
        tcp.set_reuse_address(on).unwrap();
        assert_eq!(tcp.reuse_address().unwrap(), on);
        tcp.set_reuse_port(on).unwrap();
        assert_eq!(tcp.reuse_port().unwrap(), on);
        tcp.set_keepalive(on).unwrap();
        assert_eq!(tcp.keepalive().unwrap(), on);
        tcp.set_nodelay(on).unwrap();
        assert_eq!(tcp.nodelay().unwrap(), on);
        tcp.set_out_of_band_inline(on).unwrap();
        assert_eq!(tcp.out_of_band_inline().unwrap(), on);
    }
    tcp.set_recv_buffer_size(65536).unwrap();
    assert_eq!(
        tcp.recv_buffer_size().unwrap(),
        131072,
        "Linux doubles SO_RCVBUF"
    );
    tcp.set_send_buffer_size(65536).unwrap();
    assert_eq!(
        tcp.send_buffer_size().unwrap(),
        131072,
        "Linux doubles SO_SNDBUF"
    );
    tcp.set_linger(Some(Duration::from_secs(3))).unwrap();
    assert_eq!(tcp.linger().unwrap(), Some(Duration::from_secs(3)));
    tcp.set_linger(None).unwrap();
    assert_eq!(tcp.linger().unwrap(), None);
    tcp.set_tcp_keepalive_idle(Duration::from_secs(30)).unwrap();
    assert_eq!(tcp.tcp_keepalive_idle().unwrap(), Duration::from_secs(30));
    tcp.set_tcp_keepalive_interval(Duration::from_secs(7))
        .unwrap();
    assert_eq!(
        tcp.tcp_keepalive_interval().unwrap(),
        Duration::from_secs(7)
    );
    tcp.set_tcp_keepalive_count(4).unwrap();
    assert_eq!(tcp.tcp_keepalive_count().unwrap(), 4);
    tcp.set_ttl(42).unwrap();
    assert_eq!(tcp.ttl().unwrap(), 42);
    expect_code("ttl 0", tcp.set_ttl(0), ErrorCode::InvalidArgument);
    expect_code(
        "keep-alive count 0",
        tcp.set_tcp_keepalive_count(0),
        ErrorCode::InvalidArgument,
    );
    assert!(tcp.take_error().unwrap().is_none());
    assert_eq!(tcp.r#type().unwrap(), Type::STREAM);
    assert_eq!(tcp.domain().unwrap(), Domain::IPV4);
    assert_eq!(tcp.protocol().unwrap(), Protocol::TCP);
    assert!(!tcp.is_listener().unwrap());
    expect_code(
        "read-only option",
        tcp.set_option(SocketOption::AcceptingConnections(true)),
        ErrorCode::NotSupported,
    );
    expect_code(
        "IPv6 option on IPv4 (Linux's answer)",
        tcp.get_option(OptionName::Ipv6Only),
        ErrorCode::OperationNotSupported,
    );

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let listener = Socket::from(listener);
    assert!(listener.is_listener().unwrap());
    assert!(
        listener.reuse_address().unwrap(),
        "TcpListener::bind sets SO_REUSEADDR like std"
    );

    let udp = Socket::from(UdpSocket::bind("127.0.0.1:0").unwrap());
    udp.set_broadcast(true).unwrap();
    assert!(udp.broadcast().unwrap());
    assert_eq!(udp.protocol().unwrap(), Protocol::UDP);
    assert_eq!(udp.r#type().unwrap(), Type::DGRAM);

    let v6 = Socket::new(Domain::IPV6, Type::DGRAM, None).unwrap();
    for on in [true, false] {
        v6.set_only_v6(on).unwrap();
        assert_eq!(v6.only_v6().unwrap(), on);
    }
    v6.set_unicast_hops_v6(9).unwrap();
    assert_eq!(v6.unicast_hops_v6().unwrap(), 9);
    v6.set_ttl(7).unwrap();
    assert_eq!(
        v6.ttl().unwrap(),
        7,
        "an IPv4 option applies to an IPv6 socket's mapped traffic, as on Linux"
    );

    let unix = Socket::new(Domain::UNIX, Type::STREAM, None).unwrap();
    assert_eq!(unix.domain().unwrap(), Domain::UNIX);
    expect_code(
        "TCP option on a Unix socket",
        unix.set_nodelay(true),
        ErrorCode::OperationNotSupported,
    );
    println!("options ok");
}
