//! The scale measurements, wasock only: one guest holding many connections
//! with a poller, many guest instances in one host process, and the time
//! `wasock run` takes from start to its first accepted connection.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::process::ServerProcess;
use crate::report::{Spread, Table, number};
use crate::server::{Contender, Service};
use crate::usage;

/// Descriptors this process needs besides the connections it opens.
const SPARE_DESCRIPTORS: u64 = 256;

/// How long a started `wasock run` may take to accept.
const START_PATIENCE: Duration = Duration::from_secs(10);

/// MiB from KiB.
fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Open `count` connections to one `bench_scale_server` guest, send a byte
/// on each, and read every echo; report the times and the host's memory.
pub fn connections(count: usize) -> Result<Table> {
    let limit = usage::raise_open_files(count as u64 + SPARE_DESCRIPTORS)?;
    let count = count.min(limit.saturating_sub(SPARE_DESCRIPTORS) as usize);
    let mut server = ServerProcess::start(Contender::Wasock, &Service::Scale, &[])?;
    let idle = server.usage()?;
    let start = Instant::now();
    let mut streams = Vec::with_capacity(count);
    for _ in 0..count {
        let stream = TcpStream::connect(server.address())?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        streams.push(stream);
    }
    let connected = start.elapsed();
    let start = Instant::now();
    for stream in &mut streams {
        stream.write_all(b"p")?;
    }
    for stream in &mut streams {
        let mut byte = [0];
        stream
            .read_exact(&mut byte)
            .context("a ping was not echoed")?;
    }
    let pinged = start.elapsed();
    let holding = server.usage()?;
    drop(streams);
    let mut table = Table::new(&[
        format!("one guest, {} connections", number(count as f64)),
        "wasock".to_string(),
    ]);
    table.row(&["connect all, ms", &number(connected.as_secs_f64() * 1e3)]);
    table.row(&[
        "ping every connection, ms",
        &number(pinged.as_secs_f64() * 1e3),
    ]);
    table.row(&["host RSS idle, MiB", &number(mib(idle.rss_kib))]);
    table.row(&["host RSS holding them, MiB", &number(mib(holding.rss_kib))]);
    table.row(&[
        "host RSS per connection, KiB",
        &number((holding.rss_kib as f64 - idle.rss_kib as f64) / count as f64),
    ]);
    table.row(&["guest linear memory, MiB", &number(mib(holding.linear_kib))]);
    Ok(table)
}

/// Start `count` guests in one host process, each a TCP echo server, and
/// have each serve one connection; report memory per instance against a
/// process with one guest.
pub fn instances(count: usize) -> Result<Table> {
    usage::raise_open_files(count as u64 + SPARE_DESCRIPTORS)?;
    let mut one = ServerProcess::start(Contender::Wasock, &Service::Instances(1), &[])?;
    let one_usage = one.usage()?;
    drop(one);
    let mut many = ServerProcess::start(Contender::Wasock, &Service::Instances(count), &[])?;
    let started = many.usage()?;
    let start = Instant::now();
    for address in &many.addresses {
        let mut stream = TcpStream::connect(address)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        stream.write_all(b"p")?;
        let mut byte = [0];
        stream.read_exact(&mut byte)?;
    }
    let served = start.elapsed();
    let after = many.usage()?;
    let per_instance = |usage: &usage::Usage| {
        (usage.rss_kib as f64 - one_usage.rss_kib as f64) / (count - 1) as f64
    };
    let mut table = Table::new(&[
        format!("{} guests in one host process", number(count as f64)),
        "wasock".to_string(),
    ]);
    table.row(&[
        "start all (process start to all listening), ms",
        &number(many.start_time.as_secs_f64() * 1e3),
    ]);
    table.row(&[
        "one connection served by each, ms",
        &number(served.as_secs_f64() * 1e3),
    ]);
    table.row(&[
        "host RSS with 1 guest, MiB",
        &number(mib(one_usage.rss_kib)),
    ]);
    table.row(&[
        "host RSS, all listening, MiB",
        &number(mib(started.rss_kib)),
    ]);
    table.row(&[
        "host RSS, each served one, MiB",
        &number(mib(after.rss_kib)),
    ]);
    table.row(&["RSS per instance, KiB", &number(per_instance(&after))]);
    table.row(&[
        "  of which linear memory, KiB",
        &number((after.linear_kib as f64 - one_usage.linear_kib as f64) / (count - 1) as f64),
    ]);
    Ok(table)
}

/// Time `wasock run` of the (cached) echo server from process start to its
/// first accepted connection, `runs` times; the native server process's
/// start to listening is the reference. Returns the table and the median
/// for `wasock run`, in milliseconds.
pub fn startup(runs: usize) -> Result<(Table, f64)> {
    let mut wasock = Vec::new();
    let mut native = Vec::new();
    for _ in 0..runs {
        wasock.push(wasock_run_to_accept()?.as_secs_f64() * 1e3);
        let server = ServerProcess::start(Contender::Native, &Service::Tcp, &[])?;
        native.push(server.start_time.as_secs_f64() * 1e3);
    }
    let mut table = Table::new(&[
        format!("start-up, {runs} runs, ms"),
        "median (min–max)".to_string(),
    ]);
    let wasock = Spread::of(wasock).context("no start-up was timed")?;
    let native = Spread::of(native).context("no start-up was timed")?;
    table.row(&[
        "`wasock run` (cached component) to first accepted connection",
        &wasock.show(),
    ]);
    table.row(&["native server process to listening", &native.show()]);
    Ok((table, wasock.median))
}

/// One `wasock run` of `bench_echo_server` on a free port: the time from
/// spawning it to the echo of a byte on the first connection it accepts.
fn wasock_run_to_accept() -> Result<Duration> {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port();
    let mut command = Command::new(std::env::current_exe()?);
    command
        .args(["wasock", "run", "--allow-bind"])
        .arg(format!("127.0.0.1/32:{port}"))
        .arg(wasock_artifacts::BENCH_ECHO_SERVER)
        .args(["tcp", "127.0.0.1", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    let start = Instant::now();
    let mut child = command.spawn()?;
    let result = (|| loop {
        match TcpStream::connect((Ipv4Addr::LOCALHOST, port)) {
            Ok(mut stream) => {
                stream.set_read_timeout(Some(START_PATIENCE))?;
                stream.write_all(b"p")?;
                let mut byte = [0];
                stream.read_exact(&mut byte)?;
                return Ok(start.elapsed());
            }
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                if start.elapsed() > START_PATIENCE {
                    bail!("`wasock run` did not listen within {START_PATIENCE:?}");
                }
                thread::sleep(Duration::from_micros(50));
            }
            Err(e) => return Err(e.into()),
        }
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}
