//! The host database: `gethostbyname`, `gethostbyname_ex`, `gethostbyaddr`,
//! `getfqdn` and `gethostname` under the policy.
//!
//! Arguments: `denied`, run without grants: asserts what a guest gets
//! without the DNS and reverse-DNS grants. Or `granted HOSTNAME`, run with
//! both grants: prints each case as `CALL NAME => RESULT`, for the host test
//! to compare with the native calls.

use std::net::{IpAddr, Ipv4Addr};

use wasock::ErrorCode;
use wasock::bindings::wasock::sockets::resolver::{self, HostError as WitHostError};
use wasock::bindings::wasock::sockets::types::AddressFamily;
use wasock::lookup::{
    HostEntry, HostError, getfqdn, gethostbyaddr, gethostbyname, gethostbyname_ex, gethostname,
};
use wasock_test_programs::args;

/// An entry as Python prints the tuple: `('name', ['alias'], ['address'])`.
fn show(entry: &HostEntry) -> String {
    let quoted = |items: Vec<String>| {
        let items: Vec<String> = items.iter().map(|item| format!("'{item}'")).collect();
        format!("[{}]", items.join(", "))
    };
    let addresses = entry.addresses.iter().map(IpAddr::to_string).collect();
    format!(
        "('{}', {}, {})",
        entry.name,
        quoted(entry.aliases.clone()),
        quoted(addresses)
    )
}

/// Assert that `error` is a policy denial naming `flag`.
fn assert_denied(error: &HostError, flag: &str) {
    let system = match error {
        HostError::Resolve(err) => err.system_error(),
        HostError::System(err) => Some(err),
        _ => None,
    };
    assert_eq!(
        system.map(wasock::Error::code),
        Some(ErrorCode::AccessDenied),
        "{error}"
    );
    assert!(error.to_string().contains(flag), "{error}");
}

fn denied() {
    let loopback = Ipv4Addr::LOCALHOST;
    assert_eq!(gethostname(), "localhost");
    assert_eq!(gethostbyname("localhost").unwrap(), loopback);
    assert_eq!(gethostbyname("127.1").unwrap(), loopback);
    assert_eq!(gethostbyname("").unwrap(), Ipv4Addr::UNSPECIFIED);
    assert_eq!(gethostbyname("<broadcast>").unwrap(), Ipv4Addr::BROADCAST);
    assert_eq!(
        gethostbyname("::1").unwrap_err().code(),
        -9,
        "EAI_ADDRFAMILY"
    );
    let err = gethostbyname("wasock-unknown.invalid").unwrap_err();
    assert!(err.to_string().contains("--allow-dns"), "{err}");

    let entry = gethostbyname_ex("localhost").unwrap();
    assert_eq!(show(&entry), "('localhost', [], ['127.0.0.1'])");
    let entry = gethostbyname_ex("127.1").unwrap();
    assert_eq!(show(&entry), "('127.1', [], ['127.0.0.1'])");
    assert_denied(
        &gethostbyname_ex("wasock-unknown.invalid").unwrap_err(),
        "--allow-dns",
    );

    let raw = resolver::get_host_by_name("::1", Some(AddressFamily::Inet6)).unwrap();
    assert_eq!(show(&raw.into()), "('::1', [], ['::1'])");
    let raw = resolver::get_host_by_name("::1", Some(AddressFamily::Inet)).unwrap_err();
    assert!(matches!(raw, WitHostError::HostNotFound), "{raw:?}");
    let raw = resolver::get_host_by_name("wasock-unknown.invalid", None).unwrap_err();
    assert_denied(&raw.into(), "--allow-dns");
    let raw = resolver::get_host_by_name("localhost", Some(AddressFamily::Unix)).unwrap_err();
    let HostError::System(err) = HostError::from(raw) else {
        panic!("a Unix host entry is a system error");
    };
    assert_eq!(err.code(), ErrorCode::AddressFamilyNotSupported);

    assert_denied(
        &gethostbyaddr("127.0.0.1").unwrap_err(),
        "--allow-reverse-dns",
    );
    assert_denied(
        &gethostbyaddr("localhost").unwrap_err(),
        "--allow-reverse-dns",
    );
    let err = gethostbyaddr("").unwrap_err();
    assert_eq!(err, HostError::AmbiguousWildcard);
    assert_eq!(err.to_string(), "wildcard resolved to multiple address");
    assert_eq!(getfqdn(""), "localhost", "a failed lookup keeps the name");
    assert_eq!(getfqdn(" 127.0.0.1 "), "127.0.0.1");
    println!("host entries denied");
}

fn granted(hostname: &str) {
    let names = [
        "",
        "<broadcast>",
        "localhost",
        "LOCALHOST",
        "127.1",
        "::1",
        hostname,
        "wasock-unknown.invalid",
    ];
    for name in names {
        let shown = gethostbyname(name).map_or_else(|e| e.to_string(), |a| a.to_string());
        println!("gethostbyname {name:?} => {shown}");
        let shown = gethostbyname_ex(name).map_or_else(|e| e.to_string(), |e| show(&e));
        println!("gethostbyname_ex {name:?} => {shown}");
    }
    for name in [
        "127.0.0.1",
        "::1",
        "localhost",
        hostname,
        "wasock-unknown.invalid",
    ] {
        let shown = gethostbyaddr(name).map_or_else(|e| e.to_string(), |e| show(&e));
        println!("gethostbyaddr {name:?} => {shown}");
        println!("getfqdn {name:?} => {}", getfqdn(name));
    }
    println!("host entries ok");
}

fn main() {
    match &args()[..] {
        [mode] if mode == "denied" => denied(),
        [mode, hostname] if mode == "granted" => granted(hostname),
        other => panic!("usage: denied | granted HOSTNAME, not {other:?}"),
    }
}
