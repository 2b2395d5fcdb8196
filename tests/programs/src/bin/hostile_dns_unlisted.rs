//! Name lookups the policy does not list, and lookups beyond the guest's
//! quota.
//!
//! `hostile_dns_unlisted names LISTED`: run with LISTED as the only granted
//! name (`-` for none); every other name, reverse lookups and the host
//! database's lookups of other names are denied, and LISTED resolves.
//! `hostile_dns_unlisted quota`: run with `max_dns_lookups` 0; every lookup
//! fails at once with `EAI_MEMORY` (`TRY_AGAIN` for the host database).
//! `hostile_dns_unlisted search NAME...`: run with patterns granting each
//! NAME, which no server knows; each lookup misses (and the host test
//! checks which names its server was asked for).

use std::io::ErrorKind;

use wasock::lookup::{
    AddrInfoHints, NameInfoFlags, getaddrinfo, gethostbyaddr, gethostbyname_ex, getnameinfo,
    lookup_host,
};
use wasock_test_programs::args;

/// glibc's `EAI_MEMORY`.
const EAI_MEMORY: i32 = -10;
/// glibc's `EAI_SYSTEM`, which carries the policy's denial.
const EAI_SYSTEM: i32 = -11;

fn main() {
    let args = args();
    match args[0].as_str() {
        "names" => names(&args[1]),
        "quota" => quota(),
        "search" => search(&args[1..]),
        other => panic!("unknown mode {other}"),
    }
}

fn names(listed: &str) {
    let unlisted = [
        "example.com".to_string(),
        "wasock-test.invalid".to_string(),
        format!("{listed}.attacker.invalid"),
        format!("attacker-{listed}"),
    ];
    for name in &unlisted {
        let error = lookup_host(format!("{name}:80"))
            .map(|a| a.count())
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::PermissionDenied, "{name}: {error}");
        let error = getaddrinfo(Some(name), None, &AddrInfoHints::default()).unwrap_err();
        assert_eq!(error.code(), EAI_SYSTEM, "{name}: {error}");
        assert!(error.system_error().is_some(), "{name}: {error}");
        gethostbyname_ex(name).expect_err("the host database is not a way around");
        println!("{name}: {error}");
    }
    let loopback = "127.0.0.1:80".parse().unwrap();
    getnameinfo(&loopback, NameInfoFlags::empty()).expect_err("reverse lookups are not granted");
    gethostbyaddr("127.0.0.1").expect_err("nor the host database's");
    if listed != "-" {
        let found: Vec<_> = lookup_host(format!("{listed}:80")).unwrap().collect();
        assert!(!found.is_empty(), "the listed name resolves");
        println!("{listed}: {found:?}");
    }
    println!("names confined");
}

fn search(names: &[String]) {
    for name in names {
        let error = getaddrinfo(Some(name), None, &AddrInfoHints::default()).unwrap_err();
        assert_ne!(error.code(), EAI_SYSTEM, "{name} is granted: {error}");
        println!("{name}: {error}");
        gethostbyname_ex(name).expect_err("no server knows the name");
    }
    println!("searched");
}

fn quota() {
    let error = getaddrinfo(Some("127.0.0.1"), None, &AddrInfoHints::default()).unwrap_err();
    assert_eq!(error.code(), EAI_MEMORY, "{error}");
    let loopback = "127.0.0.1:80".parse().unwrap();
    let error = getnameinfo(&loopback, NameInfoFlags::NUMERIC_HOST).unwrap_err();
    assert_eq!(error.code(), EAI_MEMORY, "{error}");
    println!("quota: {error}");
    println!("lookups bounded");
}
