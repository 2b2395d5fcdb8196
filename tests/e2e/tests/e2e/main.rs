//! End-to-end tests: wasm guests run by the wasock host, talking to native
//! peers (and to each other) over loopback.

mod conformance;
mod echo;
mod hostile;
mod messages;
mod names;
mod policy;
mod programs;
mod transport;

/// Asserts at compile time that a guest program has a test of its name.
macro_rules! assert_test_exists {
    ($name:ident) => {
        const _: fn() = $name;
    };
}
pub(crate) use assert_test_exists;
