//! Exhaustion attacks: the socket quota, memory growth, giant receives and
//! sends, and polls over thousands of sockets. The memory tests run alone in a
//! process of their own and measure its resident set.

use std::io::{Read, Write};
use std::net::TcpListener;

use wasock_artifacts as programs;
use wasock_e2e::measure::{
    alone_in_process, peak_resident_kib, raise_fd_limit, reset_peak_resident, resident_kib,
};
use wasock_e2e::{Setup, run, spawn};
use wasock_host::Limits;
use wasock_host::runner::WasmLimits;

use super::loopback;

/// How much the host's resident set may grow while a guest attacks it.
const GROWTH_KIB: u64 = 16 * 1024;

/// Every way of making a socket stops at the quota; closing gives back.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_socket_exhaustion() {
    let setup = Setup {
        limits: Limits {
            max_sockets: 16,
            ..Limits::default()
        },
        ..Setup::new(&["16"], loopback())
    };
    let guest = run(programs::HOSTILE_SOCKET_EXHAUSTION, setup).await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("quota held\n"), "{}", guest.stdout);
}

/// Growing memory past the guest's limit fails inside the guest, which
/// carries on within it.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_memory_growth() {
    const LIMIT: usize = 64 << 20;
    let setup = Setup {
        wasm_limits: WasmLimits {
            max_memory_bytes: LIMIT,
            ..WasmLimits::default()
        },
        ..Setup::new(&[&LIMIT.to_string()], loopback())
    };
    let guest = run(programs::HOSTILE_MEMORY_GROWTH, setup).await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("memory bounded\n"),
        "{}",
        guest.stdout
    );
}

/// `recv(2**31)` and friends are clamped before anything is allocated;
/// the host's resident set grows by a few MiB at most.
#[test]
pub(super) fn hostile_giant_recv() {
    if !alone_in_process("hostile::exhaustion::hostile_giant_recv") {
        return;
    }
    const TOTAL: usize = 64 << 20;
    let limit = Limits::default().max_bytes_per_call;
    wasock_e2e::component(programs::HOSTILE_GIANT_RECV);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let sender = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let chunk = vec![b'r'; 64 * 1024];
        for _ in 0..TOTAL / chunk.len() {
            stream.write_all(&chunk).unwrap();
        }
    });
    reset_peak_resident();
    let before = resident_kib();
    let guest = runtime().block_on(run(
        programs::HOSTILE_GIANT_RECV,
        Setup::new(&[&port, &TOTAL.to_string(), &limit.to_string()], loopback()),
    ));
    let peak = peak_resident_kib();
    sender.join().unwrap();
    guest.assert_success();
    println!("{}", guest.stdout);
    println!(
        "host resident set: {before} KiB before, {peak} KiB at most while receiving (+{} KiB)",
        peak - before
    );
    assert!(
        peak - before < GROWTH_KIB,
        "the host's memory grew by {} KiB",
        peak - before
    );
}

/// A guest sends 64 MiB of its memory four times with `send-all`, and
/// tries giant datagrams: the host copies at most its in-flight limit at a
/// time, every byte arrives intact, and the resident set stays put.
#[test]
pub(super) fn hostile_giant_send() {
    if !alone_in_process("hostile::exhaustion::hostile_giant_send") {
        return;
    }
    const MIB: usize = 64;
    const ROUNDS: usize = 4;
    let size = MIB << 20;
    wasock_e2e::component(programs::HOSTILE_GIANT_SEND);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (go, start) = std::sync::mpsc::channel::<()>();
    let sink = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        start.recv().unwrap();
        stream.write_all(b"g").unwrap();
        let mut buffer = vec![0; 256 * 1024];
        let mut received = 0usize;
        loop {
            let n = stream.read(&mut buffer).unwrap();
            if n == 0 {
                return received;
            }
            for (offset, byte) in buffer[..n].iter().enumerate() {
                let index = (received + offset) % size;
                assert_eq!(*byte, (index % 251) as u8, "byte {}", received + offset);
            }
            received += n;
        }
    });
    let runtime = runtime();
    let (guest, before, peak) = runtime.block_on(async {
        let guest = spawn(
            programs::HOSTILE_GIANT_SEND,
            Setup::new(&[&port, &MIB.to_string(), &ROUNDS.to_string()], loopback()),
        );
        guest.line_after("allocated").await;
        reset_peak_resident();
        let before = resident_kib();
        go.send(()).unwrap();
        let guest = guest.finish().await;
        (guest, before, peak_resident_kib())
    });
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("giant sends bounded\n"),
        "{}",
        guest.stdout
    );
    assert_eq!(sink.join().unwrap(), size * ROUNDS, "every byte arrived");
    println!(
        "host resident set: {before} KiB with the guest's {MIB} MiB allocated, {peak} KiB at most while it sent {} MiB (+{} KiB)",
        MIB * ROUNDS,
        peak - before
    );
    assert!(
        peak - before < GROWTH_KIB,
        "the host's memory grew by {} KiB",
        peak - before
    );
}

/// `poll` and a poller over 1,500 sockets with a limit of 1,000: within
/// the limit they work, beyond it they fail before the list is copied.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_poll_flood() {
    const SOCKETS: usize = 1500;
    const LIMIT: usize = 1000;
    if !raise_fd_limit(SOCKETS as u64 + 2_000) {
        return;
    }
    let setup = Setup {
        limits: Limits {
            max_sockets: SOCKETS + 8,
            max_buffer_bytes: (SOCKETS + 8) << 20,
            max_poll_targets: LIMIT,
            ..Limits::default()
        },
        ..Setup::new(&[&SOCKETS.to_string(), &LIMIT.to_string()], loopback())
    };
    let guest = run(programs::HOSTILE_POLL_FLOOD, setup).await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("poll flood bounded\n"),
        "{}",
        guest.stdout
    );
}

/// A runtime for a test that runs alone in its process.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}
