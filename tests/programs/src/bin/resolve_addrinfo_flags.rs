//! `getaddrinfo` with each `AI_*` flag; prints one line per query, which
//! the host test compares with the same queries made natively. Run with
//! `--allow-dns`.

use wasock::lookup::{AddrInfoFlags, AddrInfoHints, getaddrinfo};
use wasock::socket::{Domain, Type};

/// A query: label, host, service, family and flags.
type Query = (
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<Domain>,
    AddrInfoFlags,
);

fn main() {
    let queries: [Query; 8] = [
        (
            "passive",
            None,
            "80",
            Some(Domain::IPV4),
            AddrInfoFlags::PASSIVE,
        ),
        (
            "active",
            None,
            "80",
            Some(Domain::IPV4),
            AddrInfoFlags::empty(),
        ),
        (
            "numeric-host",
            Some("localhost"),
            "80",
            None,
            AddrInfoFlags::NUMERIC_HOST,
        ),
        (
            "numeric-service",
            Some("127.0.0.1"),
            "http",
            None,
            AddrInfoFlags::NUMERIC_SERVICE,
        ),
        (
            "v4-mapped",
            Some("127.0.0.1"),
            "80",
            Some(Domain::IPV6),
            AddrInfoFlags::V4_MAPPED,
        ),
        (
            "v4-mapped-all",
            Some("localhost"),
            "80",
            Some(Domain::IPV6),
            AddrInfoFlags::V4_MAPPED | AddrInfoFlags::ALL,
        ),
        (
            "address-config",
            Some("127.0.0.1"),
            "80",
            None,
            AddrInfoFlags::ADDRESS_CONFIG,
        ),
        (
            "canonical-name",
            Some("localhost"),
            "80",
            Some(Domain::IPV4),
            AddrInfoFlags::CANONICAL_NAME,
        ),
    ];
    for (label, host, service, family, flags) in queries {
        let hints = AddrInfoHints {
            family,
            socket_type: Some(Type::STREAM),
            protocol: None,
            flags,
        };
        match getaddrinfo(host, Some(service), &hints) {
            Ok(results) => {
                let shown: Vec<String> = results
                    .iter()
                    .map(|info| {
                        let address = info.address.as_inet().expect("an IP address");
                        match &info.canonical_name {
                            Some(name) => format!("{address} ({name})"),
                            None => address.to_string(),
                        }
                    })
                    .collect();
                println!("{label}: {}", shown.join(" "));
            }
            Err(error) => println!("{label}: error {}", error.code()),
        }
    }
}
