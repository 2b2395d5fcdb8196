//! The benchmark's client workloads, written once over `Read + Write` and
//! closures: `bench_echo_client` runs them on wasock sockets,
//! `bench_std_echo_client` on `std::net` (`wasi:sockets`), and the
//! benchmark's native client includes this file.
//!
//! A client prints one line, [`Measured`]'s `Display`.

use std::fmt;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// The size of each bulk write.
pub const CHUNK: usize = 65536;

/// Most bytes a bulk client has sent and not read back before it reads
/// (it has no second thread to read concurrently): small enough that the
/// socket buffers of both ends always hold it, so neither end blocks for
/// good.
pub const WINDOW: usize = 2 * CHUNK;

/// A client workload, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// `bulk`: stream bytes through the echo in [`CHUNK`] writes.
    Bulk,
    /// `ping1`, `ping64`: round trips of this many bytes on one connection.
    PingPong(usize),
    /// `connect`: connect, exchange one byte, close.
    Connect,
    /// `udp`: 64-byte datagram round trips.
    Udp,
}

impl Workload {
    /// Parse a workload name.
    pub fn parse(name: &str) -> Option<Workload> {
        match name {
            "bulk" => Some(Workload::Bulk),
            "ping1" => Some(Workload::PingPong(1)),
            "ping64" => Some(Workload::PingPong(64)),
            "connect" => Some(Workload::Connect),
            "udp" => Some(Workload::Udp),
            _ => None,
        }
    }
}

/// What a workload measured: operations (bytes for bulk) per second and,
/// for round trips, the median and 99th percentile of their latency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// Operations per second (bulk: bytes per second).
    pub rate: f64,
    /// Median latency of one operation (zero for bulk).
    pub p50: Duration,
    /// 99th percentile latency of one operation (zero for bulk).
    pub p99: Duration,
}

impl Measured {
    /// `count` operations in `elapsed`, with their latencies in nanoseconds.
    fn from_latencies(count: usize, elapsed: Duration, mut latencies: Vec<u64>) -> Measured {
        latencies.sort_unstable();
        let percentile = |p: usize| {
            let index = (latencies.len() * p / 100).min(latencies.len().saturating_sub(1));
            Duration::from_nanos(latencies.get(index).copied().unwrap_or(0))
        };
        Measured {
            rate: count as f64 / elapsed.as_secs_f64(),
            p50: percentile(50),
            p99: percentile(99),
        }
    }

    /// Parse the line `Display` prints.
    pub fn parse(line: &str) -> Option<Measured> {
        let mut fields = line.strip_prefix("result ")?.split(' ');
        let rate = fields.next()?.parse().ok()?;
        let p50 = Duration::from_nanos(fields.next()?.parse().ok()?);
        let p99 = Duration::from_nanos(fields.next()?.parse().ok()?);
        Some(Measured { rate, p50, p99 })
    }
}

impl fmt::Display for Measured {
    /// `result RATE P50_NS P99_NS`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "result {} {} {}",
            self.rate,
            self.p50.as_nanos(),
            self.p99.as_nanos()
        )
    }
}

/// Send `total` bytes in [`CHUNK`] writes and read the echo back, keeping at
/// most [`WINDOW`] bytes in flight; the rate is in bytes per second.
pub fn bulk<S: Read + Write>(stream: &mut S, total: usize) -> io::Result<Measured> {
    let chunk = vec![0x5a; CHUNK];
    let mut buffer = vec![0; CHUNK];
    let (mut sent, mut received) = (0, 0);
    let start = Instant::now();
    while received < total {
        if sent < total && sent - received < WINDOW {
            let n = CHUNK.min(total - sent);
            stream.write_all(&chunk[..n])?;
            sent += n;
        } else {
            match stream.read(&mut buffer)? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => received += n,
            }
        }
    }
    Ok(Measured::from_latencies(total, start.elapsed(), Vec::new()))
}

/// `count` round trips of `size` bytes on one connection.
pub fn ping_pong<S: Read + Write>(
    stream: &mut S,
    size: usize,
    count: usize,
) -> io::Result<Measured> {
    let mut message = vec![7; size];
    let mut latencies = Vec::with_capacity(count);
    let start = Instant::now();
    for _ in 0..count {
        let sent = Instant::now();
        stream.write_all(&message)?;
        stream.read_exact(&mut message)?;
        latencies.push(sent.elapsed().as_nanos() as u64);
    }
    Ok(Measured::from_latencies(count, start.elapsed(), latencies))
}

/// `count` connections made by `connect`, each exchanging one byte and
/// closing.
pub fn connections<S: Read + Write>(
    count: usize,
    mut connect: impl FnMut() -> io::Result<S>,
) -> io::Result<Measured> {
    let mut latencies = Vec::with_capacity(count);
    let start = Instant::now();
    for _ in 0..count {
        let began = Instant::now();
        let mut stream = connect()?;
        let mut byte = [1];
        stream.write_all(&byte)?;
        stream.read_exact(&mut byte)?;
        drop(stream);
        latencies.push(began.elapsed().as_nanos() as u64);
    }
    Ok(Measured::from_latencies(count, start.elapsed(), latencies))
}

/// `count` round trips of a 64-byte datagram through `exchange`, which
/// sends its first argument and receives the reply into the second,
/// returning the reply's length.
pub fn datagrams(
    count: usize,
    mut exchange: impl FnMut(&[u8], &mut [u8]) -> io::Result<usize>,
) -> io::Result<Measured> {
    let request = [0x42; 64];
    let mut reply = [0; 64];
    let mut latencies = Vec::with_capacity(count);
    let start = Instant::now();
    for _ in 0..count {
        let sent = Instant::now();
        if exchange(&request, &mut reply)? != request.len() {
            return Err(io::ErrorKind::InvalidData.into());
        }
        latencies.push(sent.elapsed().as_nanos() as u64);
    }
    Ok(Measured::from_latencies(count, start.elapsed(), latencies))
}
