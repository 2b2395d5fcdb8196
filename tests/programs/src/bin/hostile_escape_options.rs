//! Options and ancillary data a guest could use to step outside its
//! sandbox, or to borrow the host's privileges. Options that would escape
//! outright (`SO_BINDTODEVICE`, `SO_MARK`, `IP_TRANSPARENT`, socket
//! filters) have no case in the WIT, so they cannot be asked for at all;
//! the host test checks that. What can be asked for is refused here.
//!
//! `hostile_escape_options RESTRICTED`: a congestion-control algorithm the
//! host has but does not allow unprivileged users (or `-`), run with a
//! policy that grants binding 127.0.0.1 only.

use std::net::Ipv4Addr;

use wasock::ErrorCode;
use wasock::net::UdpSocket;
use wasock::socket::{Credentials, Domain, MessageFlags, Protocol, SendAncillary, Socket, Type};
use wasock_test_programs::{args, expect_code, expect_denied};

fn main() {
    let restricted = &args()[0];
    let tcp = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    expect_code(
        "SO_PRIORITY above 6 (CAP_NET_ADMIN)",
        tcp.set_priority(7),
        ErrorCode::NotPermitted,
    );
    if restricted != "-" {
        let refused = tcp.set_tcp_congestion(restricted).unwrap_err();
        assert!(
            matches!(
                wasock_test_programs::code(&refused),
                ErrorCode::NotPermitted | ErrorCode::AccessDenied
            ),
            "a restricted congestion control is refused: {refused}"
        );
    }

    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let group = Ipv4Addr::new(239, 255, 0, 9);
    expect_denied(
        "multicast join",
        Socket::from(udp.try_clone().unwrap()).join_multicast_v4(&group, &Ipv4Addr::LOCALHOST),
    );
    expect_denied("SO_BROADCAST", udp.set_broadcast(true));
    expect_denied("broadcast", udp.send_to(b"x", (Ipv4Addr::BROADCAST, 9)));

    expect_denied(
        "raw socket",
        Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)),
    );
    expect_denied(
        "ICMP socket",
        Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::ICMPV4)),
    );

    let (a, _b) = Socket::pair(Domain::UNIX, Type::DGRAM, None).unwrap();
    let forged = Credentials {
        pid: 1,
        uid: 0,
        gid: 0,
    };
    expect_code(
        "credentials of another process",
        a.send_msg(
            &[b"x"],
            &[SendAncillary::Credentials(forged)],
            MessageFlags::empty(),
            None,
        ),
        ErrorCode::NotPermitted,
    );
    println!("options confined");
}
