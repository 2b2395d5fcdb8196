//! The hostile-guest suite: a guest program per attack, each run against
//! native listeners, datagram sockets and directories that must see
//! nothing of it; isolation between guests; the host's descriptors and
//! memory under attack and under load.

mod escapes;
mod exhaustion;
mod interrupt;
mod isolation;
mod kernel;
mod lifetimes;
mod names;
mod reach;
mod soak;

use std::io::{Read, Write};

use wasock_e2e::{Guest, Setup};

use self::escapes::{
    hostile_abstract_names, hostile_escape_options, hostile_granted_name, hostile_implicit_bind,
    hostile_linked_socket, hostile_passed_sockets, hostile_path_escape, hostile_symlink_race,
    hostile_udp_peers,
};
use self::exhaustion::{
    hostile_giant_recv, hostile_giant_send, hostile_memory_growth, hostile_poll_flood,
    hostile_socket_exhaustion,
};
use self::interrupt::hostile_spin;
use self::isolation::{hostile_forged_handle, hostile_malformed, hostile_trap};
use self::kernel::{
    hostile_buffer_budget, hostile_in_flight, hostile_linger, hostile_shared_description,
    hostile_stale_bytes,
};
use self::names::hostile_dns_unlisted;
use self::reach::{hostile_audit_forgery, hostile_host_info, hostile_protocols, hostile_wildcards};
use self::soak::hostile_client_flood;
use crate::{assert_test_exists, ipv6_available, loopback};

wasock_artifacts::foreach_hostile!(assert_test_exists);

/// A guest echo server (the poller-based `hostile_client_flood`) that
/// other guests' misdeeds must leave running, and its port.
async fn neighbour() -> (Guest, u16) {
    let guest = wasock_e2e::spawn(
        wasock_artifacts::HOSTILE_CLIENT_FLOOD,
        Setup::new(&[], loopback()),
    );
    let port = guest.line_after("listening on ").await.parse().unwrap();
    assert_echoes(port).await;
    (guest, port)
}

/// Assert that the echo server on `port` answers.
async fn assert_echoes(port: u16) {
    let echoed = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(wasock_e2e::PATIENCE)).unwrap();
        stream.write_all(b"still here?").unwrap();
        let mut answer = [0; 11];
        stream.read_exact(&mut answer).unwrap();
        answer
    })
    .await
    .unwrap();
    assert_eq!(&echoed, b"still here?", "the neighbour keeps serving");
}

/// Whether a non-blocking native call found nothing waiting: its result
/// is `WouldBlock`.
fn nothing_arrived<T: std::fmt::Debug>(what: &str, result: std::io::Result<T>) {
    match result {
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("{what}: something reached the outside: {other:?}"),
    }
}
