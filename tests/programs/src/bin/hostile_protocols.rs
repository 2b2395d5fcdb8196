//! Protocols the policy does not understand. An MPTCP socket (protocol
//! 262) opens extra subflows to and from addresses that no connect or
//! accept rule checks, and an SCTP association has more addresses than the
//! one it was connected to; a guest may not make either, in any family,
//! with `create-socket` or `socketpair`, and the protocols the policy
//! governs still work.
//!
//! `hostile_protocols PORT`, run with loopback granted; PORT is a native
//! TCP listener on 127.0.0.1 that must see no connection from an MPTCP
//! socket.

use std::net::{Ipv4Addr, SocketAddr};

use wasock::ErrorCode;
use wasock::socket::{Domain, Protocol, SockAddr, Socket, Type};
use wasock_test_programs::{args, expect_code};

/// `IPPROTO_MPTCP`.
const MPTCP: i32 = 262;
/// `IPPROTO_SCTP`.
const SCTP: i32 = 132;
/// `IPPROTO_L2TP`.
const L2TP: i32 = 115;

fn main() {
    let port: u16 = args()[0].parse().unwrap();
    for domain in [Domain::IPV4, Domain::IPV6] {
        for (ty, protocol) in [
            (Type::STREAM, MPTCP),
            (Type::STREAM, SCTP),
            (Type::DGRAM, L2TP),
        ] {
            expect_code(
                &format!("{domain:?} {ty:?} protocol {protocol}"),
                Socket::new(domain, ty, Some(Protocol::from(protocol))),
                ErrorCode::ProtocolNotSupported,
            );
        }
        for protocol in [None, Some(Protocol::from(SCTP))] {
            expect_code(
                &format!("{domain:?} sequenced packets (SCTP), protocol {protocol:?}"),
                Socket::new(domain, Type::SEQPACKET, protocol),
                ErrorCode::SocketTypeNotSupported,
            );
        }
    }
    expect_code(
        "a socket pair of MPTCP sockets",
        Socket::pair(Domain::UNIX, Type::STREAM, Some(Protocol::from(MPTCP))),
        ErrorCode::ProtocolNotSupported,
    );

    let target = SockAddr::from(SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
    let tcp = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    tcp.connect(&target)
        .expect("TCP, which the policy governs, works");
    drop(tcp);
    Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP)).expect("and so does UDP");
    println!("protocols confined");
}
