//! Raw and ICMP "ping" sockets are off unless granted; when granted, the
//! guest gets whatever the kernel says (success, or its EPERM/EACCES).
//! Argument: `denied` or `granted`.

use wasock::ErrorCode;
use wasock::socket::{Domain, Protocol, Socket, Type};
use wasock_test_programs::{args, code, expect_denied};

fn main() {
    let raw = || Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4));
    let ping = || Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::ICMPV4));
    let ping6 = || Socket::new(Domain::IPV6, Type::DGRAM, Some(Protocol::ICMPV6));
    match args()[0].as_str() {
        "denied" => {
            assert!(expect_denied("raw", raw()).contains("--allow-raw"));
            assert!(expect_denied("icmp", ping()).contains("--allow-icmp"));
            assert!(expect_denied("icmpv6", ping6()).contains("--allow-icmp"));
        }
        "granted" => {
            for (what, result) in [("raw", raw()), ("icmp", ping()), ("icmpv6", ping6())] {
                match result {
                    Ok(socket) => {
                        assert_eq!(
                            socket.family(),
                            if what == "icmpv6" {
                                Domain::IPV6
                            } else {
                                Domain::IPV4
                            }
                        );
                        println!("{what}: created");
                    }
                    Err(error) => {
                        let kernel = code(&error);
                        assert!(
                            matches!(kernel, ErrorCode::NotPermitted | ErrorCode::AccessDenied),
                            "{what}: only the kernel's refusal is acceptable: {error}"
                        );
                        assert!(
                            !error.to_string().contains("policy"),
                            "{what}: the policy granted it: {error}"
                        );
                        println!("{what}: the kernel refused: {error}");
                    }
                }
            }
        }
        other => panic!("unknown mode {other}"),
    }
    println!("raw and icmp ok");
}
