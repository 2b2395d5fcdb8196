//! Prints every result of `getaddrinfo` for a host and a service, with the
//! names of the family, type and protocol constants.
//!
//! Usage: `getaddrinfo [host=localhost] [service=http]`.

use wasock::lookup::{AddrInfoHints, getaddrinfo};
use wasock_examples::{OrExit, args, family_name, protocol_name, py_sockaddr, type_name};

fn main() {
    let [host, service] = args(["localhost", "http"]);
    let results = getaddrinfo(Some(&host), Some(&service), &AddrInfoHints::default()).or_exit();

    for response in results {
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
