//! Multicast membership: `IP_ADD_MEMBERSHIP`/`IP_DROP_MEMBERSHIP`,
//! `IP_ADD_SOURCE_MEMBERSHIP`/`IP_DROP_SOURCE_MEMBERSHIP`,
//! `IPV6_JOIN_GROUP`/`IPV6_LEAVE_GROUP` on loopback, and the policy's
//! multicast grant.
//!
//! Arguments: `denied`, or `granted V4 V6 LOOPBACK_INDEX DELIVER`, where V4
//! and V6 say how joining went for the same socket natively (`ok`, or the
//! `errno`; V6 is `none` without IPv6) and DELIVER (`yes`/`no`) whether a
//! datagram sent to the IPv4 group over loopback arrived natively.
//! With DELIVER `yes` it also needs `--allow-bind 0.0.0.0/32:*` and
//! `--allow-connect 239.255.0.0/16:*`.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use wasock::socket::{Domain, OptionName, Socket, Type};
use wasock::{Error, ErrorCode};
use wasock_test_programs::{args, expect_code, expect_denied};

const GROUP_V4: Ipv4Addr = Ipv4Addr::new(239, 255, 0, 7);
const SSM_GROUP: Ipv4Addr = Ipv4Addr::new(232, 1, 2, 3);
const GROUP_V6: Ipv6Addr = Ipv6Addr::new(0xff12, 0, 0, 0, 0, 0, 0, 7);
const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;

fn main() {
    let args = args();
    match args.first().map(String::as_str) {
        Some("denied") => denied(),
        Some("granted") => granted(&args[1], &args[2], args[3].parse().unwrap(), &args[4]),
        _ => panic!("arguments: denied | granted V4 V6 LOOPBACK_INDEX DELIVER"),
    }
}

/// Without the grant, joining is refused before the kernel is asked;
/// leaving needs no grant and gets the kernel's answer.
fn denied() {
    let v4 = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    let text = expect_denied(
        "join without grant",
        v4.join_multicast_v4(&GROUP_V4, &LOOPBACK),
    );
    assert!(
        text.contains("239.255.0.7") && text.contains("--allow-multicast"),
        "the denial names the group and the flag: {text}"
    );
    expect_denied(
        "source-specific join without grant",
        v4.join_ssm_v4(&LOOPBACK, &SSM_GROUP, &LOOPBACK),
    );
    expect_code(
        "leaving a group never joined",
        v4.leave_multicast_v4(&GROUP_V4, &LOOPBACK),
        ErrorCode::AddressNotAvailable,
    );
    match Socket::new(Domain::IPV6, Type::DGRAM, None) {
        Ok(v6) => {
            let text = expect_denied(
                "IPv6 join without grant",
                v6.join_multicast_v6(&GROUP_V6, 0),
            );
            assert!(text.contains("ff12::7"), "{text}");
        }
        Err(error) => println!("IPv6: not on this host ({error})"),
    }
    println!("multicast denied ok");
}

fn granted(v4_expected: &str, v6_expected: &str, loopback_index: u32, deliver: &str) {
    let receiver = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    let joined = receiver.join_multicast_v4(&GROUP_V4, &LOOPBACK);
    if !same_outcome("IPv4 join", &joined, v4_expected) {
        panic!("IPv4 join: {joined:?}, natively {v4_expected}");
    }
    if joined.is_ok() {
        expect_code(
            "joining twice",
            receiver.join_multicast_v4(&GROUP_V4, &LOOPBACK),
            ErrorCode::AddressInUse,
        );
        if deliver == "yes" {
            exchange(&receiver);
        }
        receiver.leave_multicast_v4(&GROUP_V4, &LOOPBACK).unwrap();
        expect_code(
            "leaving twice",
            receiver.leave_multicast_v4(&GROUP_V4, &LOOPBACK),
            ErrorCode::AddressNotAvailable,
        );
        receiver
            .join_ssm_v4(&LOOPBACK, &SSM_GROUP, &LOOPBACK)
            .unwrap();
        receiver
            .leave_ssm_v4(&LOOPBACK, &SSM_GROUP, &LOOPBACK)
            .unwrap();
    }
    expect_code(
        "joining a unicast address",
        receiver.join_multicast_v4(&Ipv4Addr::new(10, 0, 0, 1), &LOOPBACK),
        ErrorCode::InvalidArgument,
    );
    expect_code(
        "reading a set-only option",
        receiver.get_option(OptionName::Ipv4JoinSourceGroup),
        ErrorCode::NotSupported,
    );

    if v6_expected == "none" {
        println!("IPv6: not on this host");
    } else {
        let v6 = Socket::new(Domain::IPV6, Type::DGRAM, None).unwrap();
        let joined = v6.join_multicast_v6(&GROUP_V6, loopback_index);
        if !same_outcome("IPv6 join", &joined, v6_expected) {
            panic!("IPv6 join: {joined:?}, natively {v6_expected}");
        }
        if joined.is_ok() {
            v6.leave_multicast_v6(&GROUP_V6, loopback_index).unwrap();
        }
        expect_code(
            "IPv6 join on an unknown interface",
            v6.join_multicast_v6(&GROUP_V6, 999_999),
            ErrorCode::NoSuchDevice,
        );
    }
    println!("multicast granted ok");
}

/// Whether `result` went as it did natively: `ok`, or the `errno`.
fn same_outcome(what: &str, result: &std::io::Result<()>, expected: &str) -> bool {
    match result {
        Ok(()) => {
            println!("{what}: joined");
            expected == "ok"
        }
        Err(error) => {
            let errno = Error::from_io(error).map_or(0, |e| e.errno());
            println!("{what}: {error} (errno {errno}; natively {expected})");
            expected == errno.to_string()
        }
    }
}

/// A datagram sent to the group through the loopback interface reaches the
/// member, once bound to the wildcard address.
fn exchange(receiver: &Socket) {
    let any = SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0));
    receiver.bind(&any.into()).unwrap();
    let port = receiver.local_addr().unwrap().as_inet().unwrap().port();
    let sender = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    sender.set_multicast_if_v4(&LOOPBACK).unwrap();
    sender.set_multicast_loop_v4(true).unwrap();
    let group = SocketAddr::from((GROUP_V4, port));
    sender.send_to(b"to the group", &group.into()).unwrap();
    receiver.set_timeout(Some(Duration::from_secs(10)));
    let (data, from) = receiver.recv_from(64).unwrap();
    assert_eq!(data, b"to the group");
    println!(
        "received {} bytes from {from:?} through the group",
        data.len()
    );
}
