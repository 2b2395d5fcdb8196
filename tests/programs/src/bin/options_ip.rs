//! `IPPROTO_IP` options other than membership: `IP_TOS`, `IP_RECVTOS`,
//! `IP_PKTINFO`, `IP_RECVERR`, `IP_MTU_DISCOVER`, `IP_MTU`,
//! `IP_MULTICAST_TTL`, `IP_MULTICAST_LOOP`, `IP_MULTICAST_IF`; and the
//! answers Linux gives for options of another family's level. Run with
//! `--allow-bind 127.0.0.1/32:*` and `--allow-connect 127.0.0.1/32:*`.

use std::net::Ipv4Addr;

use wasock::ErrorCode;
use wasock::net::UdpSocket;
use wasock::socket::{Domain, MtuDiscovery, OptionName, Socket, SocketOption, Type};
use wasock_test_programs::expect_code;

fn main() {
    let udp = Socket::from(UdpSocket::bind("127.0.0.1:0").unwrap());
    assert_eq!(udp.tos_v4().unwrap(), 0);
    for tos in [0x10, 0xb8, 255, 0] {
        udp.set_tos_v4(tos).unwrap();
        assert_eq!(udp.tos_v4().unwrap(), tos);
    }
    expect_code(
        "IP_TOS 256",
        udp.set_tos_v4(256),
        ErrorCode::InvalidArgument,
    );

    for on in [true, false] {
        udp.set_recv_tos_v4(on).unwrap();
        assert_eq!(udp.recv_tos_v4().unwrap(), on);
        udp.set_pktinfo_v4(on).unwrap();
        assert_eq!(udp.pktinfo_v4().unwrap(), on);
        udp.set_recv_err_v4(on).unwrap();
        assert_eq!(udp.recv_err_v4().unwrap(), on);
        udp.set_multicast_loop_v4(on).unwrap();
        assert_eq!(udp.multicast_loop_v4().unwrap(), on);
    }

    for mode in [
        MtuDiscovery::Dont,
        MtuDiscovery::Want,
        MtuDiscovery::Do,
        MtuDiscovery::Probe,
        MtuDiscovery::Interface,
        MtuDiscovery::Omit,
    ] {
        udp.set_mtu_discover_v4(mode).unwrap();
        assert_eq!(udp.mtu_discover_v4().unwrap(), mode);
    }

    expect_code(
        "IP_MTU of an unconnected socket",
        udp.mtu_v4(),
        ErrorCode::NotConnected,
    );
    udp.connect(
        &"127.0.0.1:9"
            .parse::<std::net::SocketAddr>()
            .unwrap()
            .into(),
    )
    .unwrap();
    let mtu = udp.mtu_v4().unwrap();
    println!("path MTU over loopback: {mtu}");
    assert!(mtu >= 576, "at least the IPv4 minimum: {mtu}");
    expect_code(
        "IP_MTU is read-only",
        udp.set_option(SocketOption::Ipv4Mtu(1000)),
        ErrorCode::NotSupported,
    );

    assert_eq!(udp.multicast_ttl_v4().unwrap(), 1, "the default");
    for ttl in [0, 32, 255] {
        udp.set_multicast_ttl_v4(ttl).unwrap();
        assert_eq!(udp.multicast_ttl_v4().unwrap(), ttl);
    }
    expect_code(
        "IP_MULTICAST_TTL 256",
        udp.set_multicast_ttl_v4(256),
        ErrorCode::InvalidArgument,
    );

    assert_eq!(udp.multicast_if_v4().unwrap(), Ipv4Addr::UNSPECIFIED);
    udp.set_multicast_if_v4(&Ipv4Addr::LOCALHOST).unwrap();
    assert_eq!(udp.multicast_if_v4().unwrap(), Ipv4Addr::LOCALHOST);
    expect_code(
        "IP_MULTICAST_IF of an address no interface has",
        udp.set_multicast_if_v4(&Ipv4Addr::new(192, 0, 2, 1)),
        ErrorCode::AddressNotAvailable,
    );
    udp.set_multicast_if_v4(&Ipv4Addr::UNSPECIFIED).unwrap();
    assert_eq!(udp.multicast_if_v4().unwrap(), Ipv4Addr::UNSPECIFIED);

    expect_code(
        "reading a set-only option",
        udp.get_option(OptionName::Ipv4JoinGroup),
        ErrorCode::NotSupported,
    );

    // Linux's answers across families: an IPv4 option applies to an IPv6
    // socket's IPv4-mapped traffic; an IPv6 option on an IPv4 socket and an
    // IP option on a Unix socket are refused by the kernel.
    match Socket::new(Domain::IPV6, Type::DGRAM, None) {
        Ok(v6) => {
            v6.set_tos_v4(0x20).unwrap();
            assert_eq!(v6.tos_v4().unwrap(), 0x20);
            v6.set_ttl(9).unwrap();
            assert_eq!(v6.ttl().unwrap(), 9);
        }
        Err(error) => println!("no IPv6 socket to try IPv4 options on: {error}"),
    }
    expect_code(
        "reading an IPv6 option of an IPv4 socket",
        udp.get_option(OptionName::TrafficClass),
        ErrorCode::OperationNotSupported,
    );
    expect_code(
        "setting an IPv6 option of an IPv4 socket",
        udp.set_tclass_v6(1),
        ErrorCode::NotSupported,
    );
    let unix = Socket::new(Domain::UNIX, Type::DGRAM, None).unwrap();
    expect_code(
        "an IP option of a Unix socket",
        unix.tos_v4(),
        ErrorCode::OperationNotSupported,
    );
    println!("ip ok");
}
