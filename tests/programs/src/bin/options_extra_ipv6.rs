//! `IPPROTO_IPV6` options after the first ones: `IPV6_CHECKSUM`,
//! `IPV6_DONTFRAG`, the `IPV6_RECV*` switches, `IPV6_PATHMTU`, the sticky
//! extension headers (which a guest may not set) and the hop limit
//! `recv-msg` reports with `IPV6_RECVHOPLIMIT`. Run with bind and connect
//! grants for `[::1]/128:*` and with raw sockets granted. Argument:
//! `loopback` when the host has `::1`, `no-loopback` when it has IPv6
//! sockets but not `::1`, `no-ipv6` when it has no IPv6 sockets.

use std::net::SocketAddr;
use std::time::Duration;

use wasock::ErrorCode;
use wasock::socket::{
    Ancillary, Domain, MessageFlags, OptionName, Protocol, Socket, SocketOption, Type,
};
use wasock_test_programs::{args, code, expect_code};

/// An empty hop-by-hop or destination options header: next header 17,
/// length 0, a six-byte PadN.
const PADDED_OPTIONS: [u8; 8] = [17, 0, 1, 4, 0, 0, 0, 0];

/// An experimental protocol number (RFC 3692) for raw sockets.
const EXPERIMENTAL: i32 = 253;

fn main() {
    let arg = args()
        .into_iter()
        .next()
        .expect("argument: loopback, no-loopback or no-ipv6");
    if arg == "no-ipv6" {
        expect_code(
            "an IPv6 socket without IPv6",
            Socket::new(Domain::IPV6, Type::DGRAM, None),
            ErrorCode::AddressFamilyNotSupported,
        );
        println!("extra ipv6 ok (no IPv6 on this host)");
        return;
    }
    let udp = Socket::new(Domain::IPV6, Type::DGRAM, None).unwrap();
    switches(&udp);
    sticky_headers(&udp);
    checksum(&udp);
    expect_code(
        "IPV6_PATHMTU of an unconnected socket",
        udp.path_mtu_v6(),
        ErrorCode::NotConnected,
    );
    expect_code(
        "IPV6_PATHMTU is read-only",
        udp.set_option(SocketOption::Ipv6PathMtu(1280)),
        ErrorCode::NotSupported,
    );
    let v4 = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    expect_code(
        "an IPv6 option of an IPv4 socket",
        v4.get_option(OptionName::Ipv6DontFragment),
        ErrorCode::OperationNotSupported,
    );
    if arg == "loopback" {
        path_mtu();
        hop_limit();
    } else {
        println!("skipped the checks over ::1: this host has no ::1");
    }
    println!("extra ipv6 ok");
}

fn switches(udp: &Socket) {
    type Switch = (
        &'static str,
        fn(&Socket, bool) -> std::io::Result<()>,
        fn(&Socket) -> std::io::Result<bool>,
    );
    let switches: [Switch; 6] = [
        (
            "IPV6_DONTFRAG",
            Socket::set_dontfrag_v6,
            Socket::dontfrag_v6,
        ),
        (
            "IPV6_RECVHOPLIMIT",
            Socket::set_recv_hoplimit_v6,
            Socket::recv_hoplimit_v6,
        ),
        (
            "IPV6_RECVPATHMTU",
            Socket::set_recv_pathmtu_v6,
            Socket::recv_pathmtu_v6,
        ),
        (
            "IPV6_RECVDSTOPTS",
            Socket::set_recv_dstopts_v6,
            Socket::recv_dstopts_v6,
        ),
        (
            "IPV6_RECVHOPOPTS",
            Socket::set_recv_hopopts_v6,
            Socket::recv_hopopts_v6,
        ),
        (
            "IPV6_RECVRTHDR",
            Socket::set_recv_rthdr_v6,
            Socket::recv_rthdr_v6,
        ),
    ];
    for (name, set, get) in switches {
        assert!(!get(udp).unwrap(), "{name} starts off");
        for on in [true, false] {
            set(udp, on).unwrap();
            assert_eq!(get(udp).unwrap(), on, "{name}");
        }
    }
}

/// Linux wants `CAP_NET_RAW` for options headers, and a routing header
/// would send packets to a first hop the policy does not check: a guest
/// may set none of them, only clear the routing header.
fn sticky_headers(udp: &Socket) {
    type Header = (
        &'static str,
        fn(&Socket, &[u8]) -> std::io::Result<()>,
        fn(&Socket) -> std::io::Result<Vec<u8>>,
    );
    let headers: [Header; 3] = [
        ("IPV6_HOPOPTS", Socket::set_hopopts_v6, Socket::hopopts_v6),
        ("IPV6_DSTOPTS", Socket::set_dstopts_v6, Socket::dstopts_v6),
        (
            "IPV6_RTHDRDSTOPTS",
            Socket::set_rthdrdstopts_v6,
            Socket::rthdrdstopts_v6,
        ),
    ];
    for (name, set, get) in headers {
        assert_eq!(get(udp).unwrap(), Vec::<u8>::new(), "no {name} at first");
        for header in [&PADDED_OPTIONS[..], &[]] {
            expect_code(
                &format!("{name} of {} bytes", header.len()),
                set(udp, header),
                ErrorCode::NotPermitted,
            );
        }
        assert_eq!(get(udp).unwrap(), Vec::<u8>::new(), "{name} unchanged");
    }

    assert_eq!(udp.rthdr_v6().unwrap(), Vec::<u8>::new());
    udp.set_rthdr_v6(&[]).unwrap();
    assert_eq!(udp.rthdr_v6().unwrap(), Vec::<u8>::new());
    // A segment routing header (type 4) through ::1.
    let mut segment_routing = vec![17, 2, 4, 0, 0, 0, 0, 0];
    segment_routing.extend_from_slice(&std::net::Ipv6Addr::LOCALHOST.octets());
    expect_code(
        "IPV6_RTHDR with a segment",
        udp.set_rthdr_v6(&segment_routing),
        ErrorCode::NotPermitted,
    );
    assert_eq!(udp.rthdr_v6().unwrap(), Vec::<u8>::new());
}

/// `IPV6_CHECKSUM` is for raw sockets; ICMPv6 always checksums.
fn checksum(udp: &Socket) {
    expect_code(
        "IPV6_CHECKSUM of a UDP socket",
        udp.checksum_v6(),
        ErrorCode::NotSupported,
    );
    expect_code(
        "IPV6_CHECKSUM on a UDP socket",
        udp.set_checksum_v6(2),
        ErrorCode::NotSupported,
    );
    let raw = match Socket::new(Domain::IPV6, Type::RAW, Some(EXPERIMENTAL.into())) {
        Ok(raw) => raw,
        Err(error) => {
            assert_eq!(code(&error), ErrorCode::NotPermitted, "{error}");
            println!("the kernel refused a raw socket: {error}");
            return;
        }
    };
    assert_eq!(raw.checksum_v6().unwrap(), -1, "off at first");
    for (set, read) in [(2, 2), (0, 0), (-5, -1), (8, 8), (-1, -1)] {
        raw.set_checksum_v6(set).unwrap();
        assert_eq!(raw.checksum_v6().unwrap(), read, "IPV6_CHECKSUM {set}");
    }
    expect_code(
        "an odd IPV6_CHECKSUM offset",
        raw.set_checksum_v6(3),
        ErrorCode::InvalidArgument,
    );
    let icmp = Socket::new(Domain::IPV6, Type::RAW, Some(Protocol::ICMPV6)).unwrap();
    assert_eq!(icmp.checksum_v6().unwrap(), 2, "ICMPv6 checksums at 2");
    expect_code(
        "IPV6_CHECKSUM of ICMPv6",
        icmp.set_checksum_v6(4),
        ErrorCode::InvalidArgument,
    );
}

fn path_mtu() {
    let udp = Socket::new(Domain::IPV6, Type::DGRAM, None).unwrap();
    let discard: SocketAddr = "[::1]:9".parse().unwrap();
    udp.connect(&discard.into()).unwrap();
    let mtu = udp.path_mtu_v6().unwrap();
    println!("path MTU over ::1: {mtu}");
    assert!(mtu >= 1280, "at least the IPv6 minimum: {mtu}");
}

/// `IPV6_RECVHOPLIMIT` makes `recv-msg` report the sender's hop limit.
fn hop_limit() {
    let any: SocketAddr = "[::1]:0".parse().unwrap();
    let receiver = Socket::new(Domain::IPV6, Type::DGRAM, None).unwrap();
    receiver.bind(&any.into()).unwrap();
    receiver.set_timeout(Some(Duration::from_secs(5)));
    let to = receiver.local_addr().unwrap();
    let sender = Socket::new(Domain::IPV6, Type::DGRAM, None).unwrap();
    let default = sender.unicast_hops_v6().unwrap();
    let received = |expected: Option<u8>| {
        sender.send_to(b"hops", &to).unwrap();
        let message = receiver.recv_msg(16, 64, MessageFlags::empty()).unwrap();
        let hops: Vec<u8> = message
            .ancillary
            .iter()
            .filter_map(|item| match item {
                Ancillary::HopLimit(hops) => Some(*hops),
                _ => None,
            })
            .collect();
        assert_eq!(hops, Vec::from_iter(expected), "{message:?}");
    };
    received(None);
    receiver.set_recv_hoplimit_v6(true).unwrap();
    println!("default hop limit: {default}");
    received(Some(u8::try_from(default).unwrap()));
    sender.set_unicast_hops_v6(7).unwrap();
    received(Some(7));
}
