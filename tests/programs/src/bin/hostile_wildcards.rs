//! Unspecified addresses as ways around the rules. A dual-stack IPv6
//! socket bound to `::` is bound to `0.0.0.0` as well, and a destination of
//! `0.0.0.0`, `::` or `::ffff:0.0.0.0` is the local host; a policy that
//! grants only the unspecified addresses grants neither.
//!
//! `hostile_wildcards PORT UDP OWN PORT6`, run with binds granted on
//! `[::]/128` and `127.0.0.2/32`, and connects and sends on `0.0.0.0/32`
//! and `[::]/128` only. PORT is a native TCP listener and UDP a native
//! datagram socket on 127.0.0.1, OWN a native listener on 127.0.0.2, PORT6
//! a native listener on `[::1]` (`-` without IPv6).

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use wasock::socket::{Domain, SockAddr, Socket, Type};
use wasock_test_programs::{args, expect_denied};

fn address(ip: impl Into<std::net::IpAddr>, port: u16) -> SockAddr {
    SockAddr::from(SocketAddr::new(ip.into(), port))
}

fn main() {
    let args = args();
    let port: u16 = args[0].parse().unwrap();
    let udp_port: u16 = args[1].parse().unwrap();
    let own_port: u16 = args[2].parse().unwrap();
    let port6: Option<u16> = args[3].parse().ok();

    if port6.is_some() {
        dual_stack_wildcard();
    }

    let tcp = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    expect_denied(
        "connect to 0.0.0.0",
        tcp.connect(&address(Ipv4Addr::UNSPECIFIED, port)),
    );
    let udp = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    expect_denied(
        "send-to 0.0.0.0",
        udp.send_to(b"x", &address(Ipv4Addr::UNSPECIFIED, udp_port)),
    );
    let bound = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    bound
        .bind(&address(Ipv4Addr::new(127, 0, 0, 2), 0))
        .expect("127.0.0.2 is granted for bind");
    let text = expect_denied(
        "connect to 0.0.0.0 from a socket bound to 127.0.0.2",
        bound.connect(&address(Ipv4Addr::UNSPECIFIED, own_port)),
    );
    assert!(text.contains("127.0.0.2"), "{text}");

    if let Some(port6) = port6 {
        let mapped = Socket::new(Domain::IPV6, Type::STREAM, None).unwrap();
        expect_denied(
            "connect to ::ffff:0.0.0.0",
            mapped.connect(&address(Ipv4Addr::UNSPECIFIED.to_ipv6_mapped(), port)),
        );
        let v6 = Socket::new(Domain::IPV6, Type::STREAM, None).unwrap();
        expect_denied(
            "connect to ::",
            v6.connect(&address(Ipv6Addr::UNSPECIFIED, port6)),
        );
        let v6_udp = Socket::new(Domain::IPV6, Type::DGRAM, None).unwrap();
        expect_denied(
            "send-to ::ffff:0.0.0.0",
            v6_udp.send_to(
                b"x",
                &address(Ipv4Addr::UNSPECIFIED.to_ipv6_mapped(), udp_port),
            ),
        );
    }
    println!("wildcards confined");
}

/// `::` on a socket that also carries IPv4 needs `0.0.0.0` granted too,
/// for a bind and for the implicit bind of `listen`; with `ipv6-only` on,
/// the `::` grant is enough.
fn dual_stack_wildcard() {
    let wildcard = address(Ipv6Addr::UNSPECIFIED, 0);
    let dual = Socket::new(Domain::IPV6, Type::STREAM, None).unwrap();
    let text = expect_denied("bind to :: on a dual-stack socket", dual.bind(&wildcard));
    assert!(text.contains("0.0.0.0"), "{text}");
    let listener = Socket::new(Domain::IPV6, Type::STREAM, None).unwrap();
    expect_denied("listen on an unbound dual-stack socket", listener.listen(1));
    let datagram = Socket::new(Domain::IPV6, Type::DGRAM, None).unwrap();
    expect_denied(
        "bind a dual-stack datagram socket to ::",
        datagram.bind(&wildcard),
    );

    let only = Socket::new(Domain::IPV6, Type::STREAM, None).unwrap();
    only.set_only_v6(true).unwrap();
    only.bind(&wildcard)
        .expect("with ipv6-only, :: is IPv6 alone, and granted");
    only.listen(1).unwrap();
    let implicit = Socket::new(Domain::IPV6, Type::STREAM, None).unwrap();
    implicit.set_only_v6(true).unwrap();
    implicit.listen(1).expect("and so is the implicit bind");
}
