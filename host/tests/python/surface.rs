//! The scripts of `guest/python/tests`, one per part of Python's socket
//! API, compared with CPython: what they print covers the module surface,
//! the socket object, messages and descriptor passing, descriptors,
//! readiness, options, name services and thread pools.

use crate::harness::{
    Program, Side, TempDir, assert_same, component, native_available, surface_script,
};

/// Loopback, name lookups and interfaces, as a native program has them.
const GRANTS: &[&str] = &[
    "--allow-bind",
    "127.0.0.1/32:*",
    "--allow-connect",
    "127.0.0.1/32:*",
    "--allow-bind",
    "[::1]/128:*",
    "--allow-connect",
    "[::1]/128:*",
    "--allow-dns",
    "--allow-reverse-dns",
    "--allow-interfaces",
];

/// Run `name` on both sides and compare; it must succeed inside wasm.
fn compare(name: &str) {
    let Some(component) = component() else { return };
    let dir = TempDir::new(name.trim_end_matches(".py"));
    let program = Program::new(surface_script(name), &[], GRANTS);
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
fn api_module() {
    compare("api_module.py");
}

#[test]
fn api_sockets() {
    compare("api_sockets.py");
}

#[test]
fn api_messages() {
    compare("api_messages.py");
}

#[test]
fn api_descriptors() {
    compare("api_descriptors.py");
}

#[test]
fn api_select() {
    compare("api_select.py");
}

#[test]
fn api_options() {
    compare("api_options.py");
}

#[test]
fn api_names() {
    compare("api_names.py");
}

#[test]
fn api_threads() {
    compare("api_threads.py");
}

#[test]
fn api_script() {
    compare("api_script.py");
}
