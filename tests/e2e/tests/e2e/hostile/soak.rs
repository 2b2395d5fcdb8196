//! Load: a thousand clients at once against a guest echo server on one
//! poller, for `WASOCK_SOAK_SECONDS` (3 by default; 60 for the documented
//! soak), every echo checked byte for byte, the host's memory bounded.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wasock_artifacts as programs;
use wasock_e2e::measure::{
    alone_in_process, peak_resident_kib, raise_fd_limit, reset_peak_resident, resident_kib,
};
use wasock_e2e::{PATIENCE, Setup, spawn};
use wasock_host::Limits;

use super::loopback;

/// The clients at once.
const CLIENTS: usize = 1000;

/// The longest message a client sends.
const LONGEST: usize = 4096;

/// How much the host's resident set may grow under the load.
const GROWTH_KIB: u64 = 64 * 1024;

/// What one client did.
#[derive(Debug, Default)]
struct Tally {
    /// Messages sent and echoed back exactly.
    exchanges: u64,
    /// Bytes of those messages, each way.
    bytes: u64,
}

/// A thousand clients exchange random messages with a guest echo server;
/// no byte is lost or changed, and the host's resident set stays bounded.
#[test]
pub(super) fn hostile_client_flood() {
    if !alone_in_process("hostile::soak::hostile_client_flood") {
        return;
    }
    let seconds: u64 = std::env::var("WASOCK_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    if !raise_fd_limit(CLIENTS as u64 * 2 + 1_000) {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (tallies, before, peak) = runtime.block_on(async {
        let setup = Setup {
            limits: Limits {
                max_sockets: CLIENTS + 16,
                ..Limits::default()
            },
            ..Setup::new(&[], loopback())
        };
        let server = spawn(programs::HOSTILE_CLIENT_FLOOD, setup);
        let port: u16 = server.line_after("listening on ").await.parse().unwrap();
        reset_peak_resident();
        let before = resident_kib();
        let mut streams = Vec::with_capacity(CLIENTS);
        for _ in 0..CLIENTS {
            streams.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
        }
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let clients: Vec<_> = streams
            .into_iter()
            .enumerate()
            .map(|(seed, stream)| tokio::spawn(client(seed as u64, stream, deadline)))
            .collect();
        let mut tallies = Vec::with_capacity(CLIENTS);
        for client in clients {
            tallies.push(client.await.unwrap());
        }
        let peak = peak_resident_kib();
        server.stop().await;
        (tallies, before, peak)
    });
    let exchanges: u64 = tallies.iter().map(|t| t.exchanges).sum();
    let bytes: u64 = tallies.iter().map(|t| t.bytes).sum();
    println!(
        "{CLIENTS} clients for {seconds} s: {exchanges} exact echoes, {bytes} bytes each way ({:.1} MiB/s each way)",
        bytes as f64 / (1 << 20) as f64 / seconds as f64
    );
    println!(
        "host resident set: {before} KiB before the clients, {peak} KiB at most (+{} KiB)",
        peak.saturating_sub(before)
    );
    for (seed, tally) in tallies.iter().enumerate() {
        assert!(tally.exchanges > 0, "client {seed} was served");
    }
    assert!(
        peak.saturating_sub(before) < GROWTH_KIB,
        "the host's memory grew by {} KiB",
        peak - before
    );
}

/// Exchange random messages until `deadline`, checking each echo.
async fn client(seed: u64, stream: TcpStream, deadline: Instant) -> Tally {
    let (mut reader, mut writer) = stream.into_split();
    let mut random = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut tally = Tally::default();
    let mut echo = vec![0; LONGEST];
    while Instant::now() < deadline {
        random = xorshift(random);
        let len = 1 + (random % LONGEST as u64) as usize;
        let message: Vec<u8> = (0..len)
            .map(|i| (random >> (i % 8 * 8)) as u8 ^ i as u8)
            .collect();
        writer.write_all(&message).await.unwrap();
        tokio::time::timeout(PATIENCE, reader.read_exact(&mut echo[..len]))
            .await
            .expect("the echo came back in time")
            .unwrap();
        assert_eq!(
            &echo[..len],
            &message[..],
            "client {seed}: the echo is exact"
        );
        tally.bytes += len as u64;
        tally.exchanges += 1;
    }
    tally
}

/// The next state of a xorshift64 generator.
fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}
