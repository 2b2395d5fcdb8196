//! What a guest can make the kernel do for it: hand back bytes it never
//! wrote for the guest, keep sockets and buffer memory alive beyond the
//! quotas, or sleep in a system call on the host's thread.

use wasock_artifacts as programs;
use wasock_e2e::{Setup, run};

use super::loopback;

/// Truncating receives on streams hand the guest only bytes the kernel
/// wrote for it, or zeros: never what the host's buffer held before.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_stale_bytes() {
    let guest = run(programs::HOSTILE_STALE_BYTES, Setup::new(&[], loopback())).await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("no stale bytes\n"),
        "{}",
        guest.stdout
    );
}
