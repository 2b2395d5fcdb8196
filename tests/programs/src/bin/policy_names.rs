//! Name lookups granted by pattern (`--allow-dns-name`).
//!
//! `policy_names HOST`: run with `--allow-dns-name` and a pattern that
//! matches HOST (the host's name, which its resolver may or may not know)
//! but not `wasock-unlisted.invalid`. HOST goes to the resolver (an answer
//! or a resolver error, never a denial); the unlisted name is denied by
//! every lookup call.

use std::io::ErrorKind;

use wasock::lookup::{gethostbyname, gethostbyname_ex, lookup_host};
use wasock_test_programs::args;

fn main() {
    let host = &args()[0];
    match lookup_host(format!("{host}:80")) {
        Ok(found) => println!("{host}: {} addresses", found.count()),
        Err(error) => {
            assert_ne!(error.kind(), ErrorKind::PermissionDenied, "{error}");
            println!("{host}: the resolver says {error}");
        }
    }
    if let Err(error) = gethostbyname(host) {
        assert!(!error.to_string().contains("not granted"), "{error}");
    }
    let error = lookup_host("wasock-unlisted.invalid:80")
        .map(|found| found.count())
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::PermissionDenied, "{error}");
    assert!(error.to_string().contains("--allow-dns-name"), "{error}");
    let error = gethostbyname("wasock-unlisted.invalid").unwrap_err();
    assert!(error.to_string().contains("not granted"), "{error}");
    let error = gethostbyname_ex("wasock-unlisted.invalid").unwrap_err();
    assert!(error.to_string().contains("not granted"), "{error}");
    if let Err(error) = gethostbyname_ex(host) {
        assert!(!error.to_string().contains("not granted"), "{error}");
    }
    println!("names confined");
}
