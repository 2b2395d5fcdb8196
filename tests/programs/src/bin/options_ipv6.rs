//! `IPPROTO_IPV6` options other than membership: `IPV6_MULTICAST_HOPS`,
//! `IPV6_MULTICAST_LOOP`, `IPV6_MULTICAST_IF`, `IPV6_TCLASS`,
//! `IPV6_RECVPKTINFO`, `IPV6_RECVTCLASS`. Needs no grant. Argument: the
//! loopback interface's index, or `no-ipv6` on a host without IPv6 sockets,
//! where creating one must fail as it does natively.

use wasock::ErrorCode;
use wasock::socket::{Domain, OptionName, Socket, Type};
use wasock_test_programs::{args, expect_code};

fn main() {
    let arg = args()
        .into_iter()
        .next()
        .expect("argument: LOOPBACK_INDEX or no-ipv6");
    if arg == "no-ipv6" {
        expect_code(
            "an IPv6 socket without IPv6",
            Socket::new(Domain::IPV6, Type::DGRAM, None),
            ErrorCode::AddressFamilyNotSupported,
        );
        println!("ipv6 ok (no IPv6 on this host)");
        return;
    }
    let loopback: u32 = arg.parse().expect("a loopback index");

    let udp = Socket::new(Domain::IPV6, Type::DGRAM, None).unwrap();
    assert_eq!(udp.multicast_hops_v6().unwrap(), 1, "the default");
    for hops in [0, 64, 255] {
        udp.set_multicast_hops_v6(hops).unwrap();
        assert_eq!(udp.multicast_hops_v6().unwrap(), hops);
    }
    expect_code(
        "IPV6_MULTICAST_HOPS 256",
        udp.set_multicast_hops_v6(256),
        ErrorCode::InvalidArgument,
    );

    for on in [false, true] {
        udp.set_multicast_loop_v6(on).unwrap();
        assert_eq!(udp.multicast_loop_v6().unwrap(), on);
        udp.set_recv_pktinfo_v6(on).unwrap();
        assert_eq!(udp.recv_pktinfo_v6().unwrap(), on);
        udp.set_recv_tclass_v6(on).unwrap();
        assert_eq!(udp.recv_tclass_v6().unwrap(), on);
    }

    assert_eq!(udp.multicast_if_v6().unwrap(), 0, "the kernel's choice");
    udp.set_multicast_if_v6(loopback).unwrap();
    assert_eq!(udp.multicast_if_v6().unwrap(), loopback);
    expect_code(
        "IPV6_MULTICAST_IF of an unknown interface",
        udp.set_multicast_if_v6(999_999),
        ErrorCode::NoSuchDevice,
    );
    udp.set_multicast_if_v6(0).unwrap();
    assert_eq!(udp.multicast_if_v6().unwrap(), 0);

    assert_eq!(udp.tclass_v6().unwrap(), 0);
    for tclass in [0xb8, 255, 0] {
        udp.set_tclass_v6(tclass).unwrap();
        assert_eq!(udp.tclass_v6().unwrap(), tclass);
    }
    expect_code(
        "IPV6_TCLASS 256",
        udp.set_tclass_v6(256),
        ErrorCode::InvalidArgument,
    );

    let tcp = Socket::new(Domain::IPV6, Type::STREAM, None).unwrap();
    tcp.set_tclass_v6(0x28).unwrap();
    assert_eq!(
        tcp.tclass_v6().unwrap(),
        0x28,
        "TCP sockets have a traffic class too"
    );

    expect_code(
        "reading a set-only option",
        udp.get_option(OptionName::Ipv6LeaveGroup),
        ErrorCode::NotSupported,
    );
    let unix = Socket::new(Domain::UNIX, Type::DGRAM, None).unwrap();
    expect_code(
        "an IPv6 option of a Unix socket",
        unix.multicast_hops_v6(),
        ErrorCode::OperationNotSupported,
    );
    println!("ipv6 ok");
}
