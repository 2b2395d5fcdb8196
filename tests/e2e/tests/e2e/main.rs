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

use wasock_e2e::{policy, rule};
use wasock_host::Policy;

/// Asserts at compile time that a guest program has a test of its name.
macro_rules! assert_test_exists {
    ($name:ident) => {
        const _: fn() = $name;
    };
}
pub(crate) use assert_test_exists;

/// Binding and connecting on loopback, any port, and `::1` where it exists.
fn loopback() -> Policy {
    policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_connect(rule("127.0.0.1/32:*"))
            .allow_bind(rule("[::1]/128:*"))
            .allow_connect(rule("[::1]/128:*"));
    })
}

/// Whether `::1` can be bound on this machine.
fn ipv6_available() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

/// The names of a `/proc/sys/net/ipv4` list of congestion-control
/// algorithms.
fn congestion_controls(file: &str) -> std::io::Result<Vec<String>> {
    let list = std::fs::read_to_string(format!("/proc/sys/net/ipv4/{file}"))?;
    Ok(list.split_whitespace().map(String::from).collect())
}
