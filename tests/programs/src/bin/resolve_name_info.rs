//! `getnameinfo`: numeric translations need no grant, reverse lookups need
//! the reverse-DNS grant, scopes are numbers without the interfaces grant.
//!
//! Argument: `denied` (run without the reverse-DNS grant) or `granted`.
//! Prints each case as `getnameinfo IP PORT SCOPE FLAGS => HOST SERVICE` or
//! `=> error: MESSAGE` (FLAGS as `NI_*` bits), for the host test to compare
//! with the native call; asserts what holds on any machine.

use std::net::{SocketAddr, SocketAddrV6};

use wasock::ErrorCode;
use wasock::bindings::wasock::sockets::resolver;
use wasock::bindings::wasock::sockets::types::SocketAddress;
use wasock::lookup::{NameInfoFlags, ResolveError, getnameinfo};
use wasock_test_programs::args;

/// The `NI_*` value of each flag.
const NI_BITS: &[(NameInfoFlags, i32)] = &[
    (NameInfoFlags::NUMERIC_HOST, 1),
    (NameInfoFlags::NUMERIC_SERVICE, 2),
    (NameInfoFlags::NO_FQDN, 4),
    (NameInfoFlags::NAME_REQUIRED, 8),
    (NameInfoFlags::DATAGRAM, 16),
];

fn ni_bits(flags: NameInfoFlags) -> i32 {
    NI_BITS
        .iter()
        .filter(|(flag, _)| flags.contains(*flag))
        .fold(0, |bits, (_, bit)| bits | bit)
}

fn main() {
    let granted = args().first().map(String::as_str) == Some("granted");
    let numeric = NameInfoFlags::NUMERIC_HOST;
    let link_local = SocketAddrV6::new("fe80::1".parse().unwrap(), 80, 0, 1);
    let cases: Vec<(SocketAddr, NameInfoFlags)> = vec![
        ("127.0.0.1:80".parse().unwrap(), NameInfoFlags::empty()),
        ("127.0.0.1:80".parse().unwrap(), numeric),
        (
            "127.0.0.1:80".parse().unwrap(),
            numeric | NameInfoFlags::NUMERIC_SERVICE,
        ),
        (
            "127.0.0.1:512".parse().unwrap(),
            numeric | NameInfoFlags::DATAGRAM,
        ),
        ("127.0.0.1:512".parse().unwrap(), numeric),
        ("127.0.0.1:65000".parse().unwrap(), numeric),
        (
            "127.0.0.1:80".parse().unwrap(),
            NameInfoFlags::NAME_REQUIRED,
        ),
        (
            "127.0.0.1:80".parse().unwrap(),
            numeric | NameInfoFlags::NAME_REQUIRED,
        ),
        ("127.0.0.1:80".parse().unwrap(), NameInfoFlags::NO_FQDN),
        ("[::1]:443".parse().unwrap(), numeric),
        ("[::1]:443".parse().unwrap(), NameInfoFlags::empty()),
        (link_local.into(), numeric),
    ];
    for (address, flags) in cases {
        let result = getnameinfo(&address, flags);
        if !flags.contains(numeric) && !granted {
            let err = result.as_ref().unwrap_err();
            let system = err.system_error().expect("a denial is a system error");
            assert_eq!(system.code(), ErrorCode::AccessDenied, "{err}");
            assert!(err.to_string().contains("--allow-reverse-dns"), "{err}");
        }
        if flags == numeric {
            assert!(result.is_ok(), "numeric translations need no grant");
        }
        let scope = match address {
            SocketAddr::V6(v6) => v6.scope_id(),
            SocketAddr::V4(_) => 0,
        };
        let case = format!(
            "getnameinfo {} {} {scope} {}",
            address.ip(),
            address.port(),
            ni_bits(flags)
        );
        match result {
            Ok((host, service)) => println!("{case} => {host} {service}"),
            Err(err) => println!("{case} => error: {err}"),
        }
    }

    let unix = SocketAddress::UnixPath("/tmp/wasock.sock".into());
    let err = resolver::get_name_info(&unix, numeric).unwrap_err();
    assert_eq!(ResolveError::from(err).code(), -6, "EAI_FAMILY");
    println!("name info ok");
}
