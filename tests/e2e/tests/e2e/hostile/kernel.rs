//! What a guest can make the kernel do for it: hand back bytes it never
//! wrote for the guest, keep sockets and buffer memory alive beyond the
//! quotas, or sleep in a system call on the host's thread.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::time::Duration;

use socket2::SockRef;
use wasock_artifacts as programs;
use wasock_e2e::{Setup, run, spawn};
use wasock_host::Limits;

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

/// Sockets passed away in messages no one receives keep their places in
/// the socket quota until they are received or their queue is closed.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_in_flight() {
    const LIMIT: usize = 16;
    let setup = Setup {
        limits: Limits {
            max_sockets: LIMIT,
            ..Limits::default()
        },
        ..Setup::new(&[&LIMIT.to_string()], loopback())
    };
    let guest = run(programs::HOSTILE_IN_FLIGHT, setup).await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("accept queues counted\n"),
        "{}",
        guest.stdout
    );
}

/// Socket buffers raised and filled stay within the guest's budget.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_buffer_budget() {
    const BUDGET: usize = 48 << 20;
    let setup = Setup {
        limits: Limits {
            max_buffer_bytes: BUDGET,
            ..Limits::default()
        },
        ..Setup::new(&[&BUDGET.to_string()], loopback())
    };
    let guest = run(programs::HOSTILE_BUFFER_BUDGET, setup).await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("buffer budget held\n"),
        "{}",
        guest.stdout
    );
}

/// `SO_LINGER` never makes a drop or close sleep on the host's thread.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_linger() {
    const LINGER: Duration = Duration::from_secs(10);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut stream = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    stream.set_nonblocking(true).unwrap();
    while stream.write(&[b'n'; 65536]).is_ok() {}
    SockRef::from(&stream).set_linger(Some(LINGER)).unwrap();
    let setup = Setup {
        inherited_sockets: vec![Arc::new(OwnedFd::from(stream))],
        ..Setup::new(&[&LINGER.as_secs().to_string()], loopback())
    };
    let guest = run(programs::HOSTILE_LINGER, setup).await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("no close sleeps\n"),
        "{}",
        guest.stdout
    );
    drop(listener);
}

/// Receiving a socket leaves its shared open file description in the
/// mode its sender chose, and no call on it sleeps on the host's thread.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_shared_description() {
    let (mut ours, theirs) = UnixStream::pair().unwrap();
    let theirs = Arc::new(OwnedFd::from(theirs));
    let setup = Setup {
        inherited_sockets: vec![theirs.clone()],
        ..Setup::new(&[], loopback())
    };
    let guest = spawn(programs::HOSTILE_SHARED_DESCRIPTION, setup);
    let peer = tokio::task::spawn_blocking(move || {
        let mut hello = [0; 5];
        ours.read_exact(&mut hello).unwrap();
        assert_eq!(&hello, b"hello");
        ours.write_all(b"howdy").unwrap();
        ours.read_exact(&mut hello).unwrap();
        assert_eq!(&hello, b"again");
        std::thread::sleep(Duration::from_millis(300));
        ours.write_all(b"done").unwrap();
        ours
    });
    let guest = guest.finish().await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("shared description untouched\n"),
        "{}",
        guest.stdout
    );
    let _ours = peer.await.unwrap();
    assert!(
        !SockRef::from(&*theirs).nonblocking().unwrap(),
        "the embedder's description is still blocking"
    );
}
