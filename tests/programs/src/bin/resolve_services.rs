//! The services and protocols databases need no grant, and report what is
//! missing as Python does.
//!
//! Prints each case as `CALL ARGS => RESULT`, for the host test to compare
//! with the native call.

use wasock::lookup::{getprotobyname, getservbyname, getservbyport};

fn main() {
    for (name, protocol) in [
        ("http", None),
        ("http", Some("tcp")),
        ("http", Some("udp")),
        ("domain", Some("udp")),
        ("biff", Some("udp")),
        ("wasock-no-such-service", None),
    ] {
        let result = getservbyname(name, protocol);
        if let Err(err) = &result {
            assert_eq!(err.to_string(), "service/proto not found");
            assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        }
        let shown = result.map_or_else(|err| err.to_string(), |port| port.to_string());
        println!(
            "getservbyname {name} {} => {shown}",
            protocol.unwrap_or("-")
        );
    }
    for (port, protocol) in [
        (80, None),
        (80, Some("tcp")),
        (53, Some("udp")),
        (512, Some("tcp")),
        (512, Some("udp")),
        (65000, None),
        (0, None),
    ] {
        let result = getservbyport(port, protocol);
        if let Err(err) = &result {
            assert_eq!(err.to_string(), "port/proto not found");
        }
        let shown = result.unwrap_or_else(|err| err.to_string());
        println!(
            "getservbyport {port} {} => {shown}",
            protocol.unwrap_or("-")
        );
    }
    for name in [
        "ip",
        "icmp",
        "tcp",
        "TCP",
        "udp",
        "ipv6-icmp",
        "wasock-no-such-protocol",
    ] {
        let result = getprotobyname(name);
        if let Err(err) = &result {
            assert_eq!(err.to_string(), "protocol not found");
        }
        let shown = result.map_or_else(|err| err.to_string(), |p| i32::from(p).to_string());
        println!("getprotobyname {name} => {shown}");
    }
    println!("services ok");
}
