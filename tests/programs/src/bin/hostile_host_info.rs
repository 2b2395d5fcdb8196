//! What the host's interfaces are, learnt without the interfaces grant:
//! the kernel refuses a multicast interface or a membership on an address
//! or index the host does not have, with another errno than for one it
//! has, and glibc turns a scope id's interface name into its index. Without
//! the grant, every address but `0.0.0.0` and 127.0.0.1, every index but 0
//! and loopback's, and every interface name is denied alike.
//!
//! `hostile_host_info ADDRESS INDEX IPV6`, run with no grant: ADDRESS is
//! an IPv4 address the host has other than loopback's (`-` if none), INDEX
//! an interface index other than loopback's (`-` if none), IPV6 `ipv6` or
//! `no-ipv6`.

use std::net::{Ipv4Addr, Ipv6Addr};

use wasock::lookup::{AddrInfoHints, getaddrinfo};
use wasock::socket::{Domain, Socket, Type};
use wasock_test_programs::{args, expect_denied};

/// glibc's `EAI_SYSTEM`, which carries the policy's denial.
const EAI_SYSTEM: i32 = -11;

fn main() {
    let args = args();
    let mut addresses = vec![Ipv4Addr::new(192, 0, 2, 1)];
    addresses.extend(args[0].parse::<Ipv4Addr>().ok());
    let mut indexes = vec![999_999];
    indexes.extend(args[1].parse::<u32>().ok());

    let udp = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    let group = Ipv4Addr::new(239, 255, 0, 9);
    for address in &addresses {
        expect_denied(
            &format!("IP_MULTICAST_IF {address}"),
            udp.set_multicast_if_v4(address),
        );
        expect_denied(
            &format!("leaving a group on {address}"),
            udp.leave_multicast_v4(&group, address),
        );
        expect_denied(
            &format!("leaving a source group on {address}"),
            udp.leave_ssm_v4(&Ipv4Addr::LOCALHOST, &group, address),
        );
    }
    for reveals_nothing in [Ipv4Addr::LOCALHOST, Ipv4Addr::UNSPECIFIED] {
        udp.set_multicast_if_v4(&reveals_nothing)
            .expect("loopback and the kernel's choice need no grant");
    }

    if args[2] == "ipv6" {
        let v6 = Socket::new(Domain::IPV6, Type::DGRAM, None).unwrap();
        let group = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x1234);
        for index in &indexes {
            expect_denied(
                &format!("IPV6_MULTICAST_IF {index}"),
                v6.set_multicast_if_v6(*index),
            );
            expect_denied(
                &format!("leaving a group on interface {index}"),
                v6.leave_multicast_v6(&group, *index),
            );
        }
        for reveals_nothing in [1, 0] {
            v6.set_multicast_if_v6(reveals_nothing)
                .expect("loopback and the kernel's choice need no grant");
        }
    }

    for host in ["fe80::1%lo", "fe80::1%wasock-no-such-interface"] {
        let error = getaddrinfo(Some(host), None, &AddrInfoHints::default()).unwrap_err();
        assert_eq!(error.code(), EAI_SYSTEM, "{host}: {error}");
        assert!(error.to_string().contains("not granted"), "{host}: {error}");
        println!("{host}: {error}");
    }
    let numeric = getaddrinfo(Some("fe80::1%7"), None, &AddrInfoHints::default())
        .expect("a numeric scope reveals nothing");
    println!("fe80::1%7: {:?}", numeric[0].address);
    println!("host information confined");
}
