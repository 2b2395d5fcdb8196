//! `IPPROTO_IP` options after the first ones: `IP_BIND_ADDRESS_NO_PORT`
//! (its value and its effect on `bind`), `IP_HDRINCL`, `IP_OPTIONS` (what
//! a guest may set, what it may not), `IP_RECVOPTS` and `IP_RETOPTS`, with
//! the options a datagram carries received by `recv-msg`. Run with
//! `--allow-bind 127.0.0.1/32:*` and `--allow-connect 127.0.0.1/32:*`.
//! Argument: `raw` when raw sockets are granted too, `no-raw` otherwise.

use std::net::SocketAddr;
use std::time::Duration;

use wasock::ErrorCode;
use wasock::net::{TcpListener, UdpSocket};
use wasock::socket::{Ancillary, Domain, MessageFlags, Socket, Type};
use wasock_test_programs::{args, code, expect_code, expect_denied};

/// A record-route option with room for one address, as sent and as read
/// back (padded to a multiple of 4).
const RECORD_ROUTE: [u8; 7] = [7, 7, 4, 0, 0, 0, 0];
const RECORD_ROUTE_PADDED: [u8; 8] = [7, 7, 4, 0, 0, 0, 0, 0];

/// An experimental protocol number (RFC 3692) for raw sockets.
const EXPERIMENTAL: i32 = 253;

fn main() {
    let raw_granted = match args().first().map(String::as_str) {
        Some("raw") => true,
        Some("no-raw") => false,
        _ => panic!("argument: raw or no-raw"),
    };
    bind_address_no_port();
    header_included(raw_granted);
    ip_options();
    received_options();
    let unix = Socket::new(Domain::UNIX, Type::DGRAM, None).unwrap();
    expect_code(
        "IP_OPTIONS of a Unix socket",
        unix.options_v4(),
        ErrorCode::OperationNotSupported,
    );
    println!("extra ip ok");
}

/// `IP_BIND_ADDRESS_NO_PORT` leaves the port of a `bind` to `connect`.
fn bind_address_no_port() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let any_port: SocketAddr = "127.0.0.1:0".parse().unwrap();
    for no_port in [false, true] {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        assert!(!socket.bind_address_no_port().unwrap());
        socket.set_bind_address_no_port(no_port).unwrap();
        assert_eq!(socket.bind_address_no_port().unwrap(), no_port);
        socket.bind(&any_port.into()).unwrap();
        let bound = socket.local_addr().unwrap().as_inet().unwrap().port();
        assert_eq!(bound == 0, no_port, "port after bind: {bound}");
        socket
            .connect(&listener.local_addr().unwrap().into())
            .unwrap();
        let connected = socket.local_addr().unwrap().as_inet().unwrap().port();
        assert_ne!(connected, 0, "connect chose a port");
    }
}

/// `IP_HDRINCL` is for raw sockets, which need the policy's grant.
fn header_included(raw_granted: bool) {
    let udp = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    assert!(!udp.header_included_v4().unwrap());
    expect_code(
        "IP_HDRINCL on a UDP socket",
        udp.set_header_included_v4(true),
        ErrorCode::NotSupported,
    );
    let raw = Socket::new(Domain::IPV4, Type::RAW, Some(EXPERIMENTAL.into()));
    if !raw_granted {
        expect_denied("a raw socket without the grant", raw);
        return;
    }
    match raw {
        Ok(raw) => {
            assert!(!raw.header_included_v4().unwrap());
            for on in [true, false] {
                raw.set_header_included_v4(on).unwrap();
                assert_eq!(raw.header_included_v4().unwrap(), on);
            }
        }
        Err(error) => {
            assert_eq!(code(&error), ErrorCode::NotPermitted, "{error}");
            println!("the kernel refused a raw socket: {error}");
        }
    }
}

/// The options Linux lets an unprivileged process set, padded as Linux
/// pads them; the rest refused without changing what was set.
fn ip_options() {
    let udp = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    assert_eq!(udp.options_v4().unwrap(), Vec::<u8>::new());
    let timestamp = [68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let router_alert = [148, 4, 0, 0];
    for (set, read) in [
        (&[1][..], &[1, 0, 0, 0][..]),
        (&RECORD_ROUTE, &RECORD_ROUTE_PADDED),
        (&timestamp, &timestamp),
        (&router_alert, &router_alert),
        (&[0, 131, 7, 4, 127, 0, 0, 2], &[0; 8]),
        (&[], &[]),
    ] {
        udp.set_options_v4(set).unwrap();
        assert_eq!(udp.options_v4().unwrap(), read, "options {set:?}");
    }

    udp.set_options_v4(&RECORD_ROUTE).unwrap();
    for (what, options) in [
        ("a loose source route", &[131, 7, 4, 127, 0, 0, 2][..]),
        ("a strict source route", &[137, 7, 4, 127, 0, 0, 2]),
        (
            "a source route after a no-operation",
            &[1, 131, 7, 4, 127, 0, 0, 2],
        ),
        ("a security label", &[130, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ("a CIPSO label", &[134, 6, 0, 0, 0, 0]),
        ("an unknown option", &[99, 4, 0, 0]),
    ] {
        expect_code(what, udp.set_options_v4(options), ErrorCode::NotPermitted);
    }
    assert_eq!(
        udp.options_v4().unwrap(),
        RECORD_ROUTE_PADDED,
        "a refused list changes nothing"
    );
    for (what, options) in [
        ("41 bytes of options", &[1; 41][..]),
        ("an option without its length", &[7]),
        ("an option length below 2", &[7, 1, 0, 0]),
    ] {
        expect_code(
            what,
            udp.set_options_v4(options),
            ErrorCode::InvalidArgument,
        );
    }
}

/// A datagram sent with a record-route option reaches a receiver with
/// `IP_RECVOPTS` and `IP_RETOPTS` with its options as ancillary data.
fn received_options() {
    let receiver = Socket::from(UdpSocket::bind("127.0.0.1:0").unwrap());
    for on in [true, false, true] {
        receiver.set_recv_options_v4(on).unwrap();
        assert_eq!(receiver.recv_options_v4().unwrap(), on);
        receiver.set_recv_retopts_v4(on).unwrap();
        assert_eq!(receiver.recv_retopts_v4().unwrap(), on);
    }
    receiver.set_timeout(Some(Duration::from_secs(5)));
    let sender = Socket::from(UdpSocket::bind("127.0.0.1:0").unwrap());
    sender.set_options_v4(&RECORD_ROUTE).unwrap();
    sender
        .send_to(b"routed", &receiver.local_addr().unwrap())
        .unwrap();
    let message = receiver.recv_msg(64, 256, MessageFlags::empty()).unwrap();
    assert_eq!(message.data, b"routed");
    for kind in [6, 7] {
        let options = message
            .ancillary
            .iter()
            .find_map(|item| match item {
                Ancillary::Other(raw) if (raw.level, raw.kind) == (0, kind) => Some(&raw.data),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no IPv4 options of kind {kind}: {message:?}"));
        println!("options of kind {kind}: {options:?}");
        assert_eq!(&options[..2], &[7, 7], "the record-route option");
        assert_eq!(&options[3..7], &[127, 0, 0, 1], "the route recorded");
    }
}
