//! The examples that run alone: name services, address packing and
//! `socketpair`, each compared with CPython.

use crate::harness::{Program, Side, TempDir, assert_same, component, example, native_available};

/// Lookups as natively: the host's resolver, reverse lookups, the real host
/// name and the interfaces.
const LOOKUPS: &[&str] = &[
    "--allow-dns",
    "--allow-reverse-dns",
    "--allow-host-name",
    "--allow-interfaces",
];

/// Run `name` with `args` and `grants` on both sides and compare.
fn compare(name: &str, args: &[&str], grants: &[&str]) {
    let Some(component) = component() else { return };
    let dir = TempDir::new(name.trim_end_matches(".py"));
    let program = Program::new(example(name), args, grants);
    let wasm = program.run(Side::Wasm, component, dir.path());
    assert!(
        wasm.status.is_some_and(|s| s.success()),
        "{name} failed inside wasm: {wasm:?}"
    );
    if native_available() {
        let native = program.run(Side::Native, component, dir.path());
        assert_same(name, &wasm, &native);
    }
}

#[test]
fn socket_gethostname() {
    compare("socket_gethostname.py", &[], LOOKUPS);
}

#[test]
fn socket_gethostbyname() {
    compare("socket_gethostbyname.py", &[], LOOKUPS);
}

#[test]
fn socket_gethostbyname_ex() {
    compare("socket_gethostbyname_ex.py", &[], LOOKUPS);
}

#[test]
fn socket_getfqdn() {
    compare("socket_getfqdn.py", &[], LOOKUPS);
}

#[test]
fn socket_gethostbyaddr() {
    compare("socket_gethostbyaddr.py", &[], LOOKUPS);
}

#[test]
fn socket_getservbyname() {
    compare("socket_getservbyname.py", &[], &[]);
}

#[test]
fn socket_getservbyport() {
    compare("socket_getservbyport.py", &[], &[]);
}

#[test]
fn socket_getprotobyname() {
    compare("socket_getprotobyname.py", &[], &[]);
}

#[test]
fn socket_getaddrinfo() {
    compare("socket_getaddrinfo.py", &[], LOOKUPS);
}

#[test]
fn socket_getaddrinfo_extra_args() {
    compare("socket_getaddrinfo_extra_args.py", &[], LOOKUPS);
}

#[test]
fn socket_address_packing() {
    compare("socket_address_packing.py", &[], &[]);
}

#[test]
fn socket_ipv6_address_packing() {
    compare("socket_ipv6_address_packing.py", &[], &[]);
}

#[test]
fn socket_socketpair() {
    compare("socket_socketpair.py", &[], &[]);
}
