//! The echo workloads, run by a native client against a server's address.

use std::io::{Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::os::unix::net::UnixStream;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The client logic the guest clients run, included so that the native
/// client runs the very same code.
#[path = "../../tests/programs/src/bench.rs"]
pub mod client;

pub use client::Measured;

/// The size of a run.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Bytes through the bulk echo.
    pub bulk_bytes: usize,
    /// Round trips per ping-pong run.
    pub round_trips: usize,
    /// Connections per connection-rate run.
    pub connections: usize,
    /// Datagrams per UDP run.
    pub datagrams: usize,
    /// Datagrams of the long UDP run that checks memory stays flat.
    pub long_datagrams: usize,
}

/// The transport a workload needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// TCP on loopback.
    Tcp,
    /// UDP on loopback.
    Udp,
    /// A Unix stream socket.
    Unix,
}

/// What one run measured, in the workload's units.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// Operations per second (bulk: MiB per second).
    pub rate: f64,
    /// Operations done (bulk: MiB), to divide CPU time by.
    pub ops: f64,
    /// Median and 99th percentile latency of one operation, if it has one.
    pub latency: Option<(Duration, Duration)>,
}

impl Run {
    fn round_trips(measured: Measured, count: usize) -> Run {
        Run {
            rate: measured.rate,
            ops: count as f64,
            latency: Some((measured.p50, measured.p99)),
        }
    }
}

/// One echo workload.
pub struct Workload {
    /// Its short name, for `wasock-bench profile`.
    pub key: &'static str,
    /// Its name in tables.
    pub name: &'static str,
    /// The unit of its rate.
    pub unit: &'static str,
    /// The unit server CPU time is divided by.
    pub op: &'static str,
    /// The transport it runs on.
    pub transport: Transport,
    /// Run it against a server at an address.
    pub measure: fn(&str, &Sizes) -> Result<Run>,
}

/// The workloads of the server tables, in order.
pub const WORKLOADS: [Workload; 8] = [
    Workload {
        key: "bulk",
        name: "bulk echo, 64 KiB writes",
        unit: "MiB/s",
        op: "MiB",
        transport: Transport::Tcp,
        measure: |at, sizes| bulk(connect(at)?, sizes.bulk_bytes),
    },
    Workload {
        key: "ping1",
        name: "ping-pong 1 B",
        unit: "round trips/s",
        op: "round trip",
        transport: Transport::Tcp,
        measure: |at, sizes| tcp_ping_pong(at, 1, sizes.round_trips),
    },
    Workload {
        key: "ping64",
        name: "ping-pong 64 B",
        unit: "round trips/s",
        op: "round trip",
        transport: Transport::Tcp,
        measure: |at, sizes| tcp_ping_pong(at, 64, sizes.round_trips),
    },
    Workload {
        key: "connect",
        name: "connect/send/recv/close",
        unit: "connections/s",
        op: "connection",
        transport: Transport::Tcp,
        measure: |at, sizes| {
            let measured = client::connections(sizes.connections, || connect(at))?;
            Ok(Run::round_trips(measured, sizes.connections))
        },
    },
    Workload {
        key: "udp",
        name: "UDP 64 B request/response",
        unit: "datagrams/s",
        op: "datagram",
        transport: Transport::Udp,
        measure: |at, sizes| udp_round_trips(at, sizes.datagrams),
    },
    Workload {
        key: "unix-bulk",
        name: "Unix bulk echo, 64 KiB writes",
        unit: "MiB/s",
        op: "MiB",
        transport: Transport::Unix,
        measure: |at, sizes| bulk(UnixStream::connect(at)?, sizes.bulk_bytes),
    },
    Workload {
        key: "unix-ping1",
        name: "Unix ping-pong 1 B",
        unit: "round trips/s",
        op: "round trip",
        transport: Transport::Unix,
        measure: |at, sizes| unix_ping_pong(at, 1, sizes.round_trips),
    },
    Workload {
        key: "unix-ping64",
        name: "Unix ping-pong 64 B",
        unit: "round trips/s",
        op: "round trip",
        transport: Transport::Unix,
        measure: |at, sizes| unix_ping_pong(at, 64, sizes.round_trips),
    },
];

/// A TCP connection with Nagle's algorithm off, as every client uses.
pub fn connect(at: &str) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect(at)?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// A stream socket the bulk workload can split between two threads.
pub trait Duplex: Read + Write + Send + Sized + 'static {
    /// A second handle to the same socket.
    fn try_clone(&self) -> std::io::Result<Self>;
}

impl Duplex for TcpStream {
    fn try_clone(&self) -> std::io::Result<Self> {
        TcpStream::try_clone(self)
    }
}

impl Duplex for UnixStream {
    fn try_clone(&self) -> std::io::Result<Self> {
        UnixStream::try_clone(self)
    }
}

/// Send `total` bytes in 64 KiB writes while a second thread reads the
/// echo back.
pub fn bulk<S: Duplex>(stream: S, total: usize) -> Result<Run> {
    let mut reader = stream.try_clone()?;
    let start = Instant::now();
    let reading = thread::spawn(move || -> std::io::Result<usize> {
        let mut buffer = vec![0; client::CHUNK];
        let mut received = 0;
        while received < total {
            match reader.read(&mut buffer)? {
                0 => break,
                n => received += n,
            }
        }
        Ok(received)
    });
    let chunk = vec![0x5a; client::CHUNK];
    let mut writer = stream;
    let mut sent = 0;
    while sent < total {
        let n = chunk.len().min(total - sent);
        writer.write_all(&chunk[..n])?;
        sent += n;
    }
    let received = reading
        .join()
        .map_err(|_| anyhow::anyhow!("the reader panicked"))??;
    if received != total {
        bail!("bulk: {received} of {total} bytes came back");
    }
    let mib = total as f64 / f64::from(1 << 20);
    Ok(Run {
        rate: mib / start.elapsed().as_secs_f64(),
        ops: mib,
        latency: None,
    })
}

fn tcp_ping_pong(at: &str, size: usize, count: usize) -> Result<Run> {
    let measured = client::ping_pong(&mut connect(at)?, size, count)?;
    Ok(Run::round_trips(measured, count))
}

fn unix_ping_pong(at: &str, size: usize, count: usize) -> Result<Run> {
    let measured = client::ping_pong(&mut UnixStream::connect(at)?, size, count)?;
    Ok(Run::round_trips(measured, count))
}

/// 64-byte datagrams sent and echoed, one at a time.
pub fn udp_round_trips(at: &str, count: usize) -> Result<Run> {
    Ok(Run::round_trips(udp_exchange(at, count)?, count))
}

/// [`udp_round_trips`] as the client logic measures it.
pub fn udp_exchange(at: &str, count: usize) -> Result<Measured> {
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    socket.connect(at)?;
    socket.set_read_timeout(Some(Duration::from_secs(5)))?;
    client::datagrams(count, |request, reply| {
        socket.send(request)?;
        socket.recv(reply)
    })
    .context("a UDP reply was lost")
}
