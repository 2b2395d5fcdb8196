//! Prints the results of `getaddrinfo` for a host and the service `http`,
//! limited to IPv4 TCP streams, with the canonical name of the host.
//!
//! Usage: `getaddrinfo_extra_args [host=localhost]`.

use wasock::lookup::{AddrInfoFlags, AddrInfoHints, getaddrinfo};
use wasock::socket::{Domain, Protocol, Type};
use wasock_examples::{OrExit, args, family_name, protocol_name, py_sockaddr, type_name};

fn main() {
    let [host] = args(["localhost"]);
    let hints = AddrInfoHints {
        family: Some(Domain::IPV4),
        socket_type: Some(Type::STREAM),
        protocol: Some(Protocol::TCP),
        flags: AddrInfoFlags::CANONICAL_NAME,
    };
    let responses = getaddrinfo(Some(&host), Some("http"), &hints).or_exit();

    for response in responses {
        println!("Family        : {}", family_name(response.family));
        println!("Type          : {}", type_name(response.socket_type));
        println!("Protocol      : {}", protocol_name(response.protocol));
        println!(
            "Canonical name: {}",
            response.canonical_name.as_deref().unwrap_or("")
        );
        println!("Socket address: {}", py_sockaddr(&response.address));
        println!();
    }
}
