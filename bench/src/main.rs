//! `cargo run --release -p wasock-bench`: the same echo workloads against a
//! native echo server and against the wasock guest echo server
//! (`bench_echo_server`, run by the wasock host in this process), printed as
//! rates and as the ratio wasock / native.
//!
//! Pass `--quick` for a short run. Contenders alternate and each workload is
//! repeated (`--rounds N`, default 3); the table shows medians.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasock_host::Policy;
use wasock_host::runner::{GuestConfig, Output, Runner};

/// Where a contender's echo servers listen.
#[derive(Debug, Clone, Copy)]
struct Servers {
    tcp: SocketAddr,
    udp: SocketAddr,
}

/// The size of the workloads.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    bulk_bytes: usize,
    round_trips: usize,
    connections: usize,
    datagrams: usize,
}

/// One benchmark: a name, its unit, and the measurement.
struct Workload {
    name: &'static str,
    unit: &'static str,
    measure: fn(&Servers, &Sizes) -> Result<f64>,
}

const WORKLOADS: [Workload; 4] = [
    Workload {
        name: "bulk echo, 64 KiB writes",
        unit: "MiB/s",
        measure: bulk,
    },
    Workload {
        name: "ping-pong 1 B",
        unit: "round trips/s",
        measure: ping_pong,
    },
    Workload {
        name: "connect/send/recv/close",
        unit: "connections/s",
        measure: connection_rate,
    },
    Workload {
        name: "UDP 64 B request/response",
        unit: "datagrams/s",
        measure: udp_round_trips,
    },
];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let rounds = match args.iter().position(|a| a == "--rounds") {
        Some(i) => args
            .get(i + 1)
            .context("--rounds needs a number")?
            .parse()?,
        None => 3,
    };
    let sizes = if quick {
        Sizes {
            bulk_bytes: 16 << 20,
            round_trips: 2_000,
            connections: 300,
            datagrams: 2_000,
        }
    } else {
        Sizes {
            bulk_bytes: 256 << 20,
            round_trips: 20_000,
            connections: 3_000,
            datagrams: 20_000,
        }
    };
    if cfg!(debug_assertions) {
        eprintln!(
            "note: a debug build measures the unoptimised host; use `cargo run --release -p wasock-bench`"
        );
    }
    let native = start_native()?;
    let wasock = start_wasock()?;
    println!(
        "wasock echo benchmark: {rounds} rounds, medians; ratio = wasock / native (higher is better)\n"
    );
    println!(
        "{:<28} {:>16} {:>14} {:>14} {:>8}",
        "workload", "unit", "native", "wasock", "ratio"
    );
    for workload in &WORKLOADS {
        let mut native_rates = Vec::new();
        let mut wasock_rates = Vec::new();
        for _ in 0..rounds {
            native_rates.push((workload.measure)(&native, &sizes)?);
            wasock_rates.push((workload.measure)(&wasock, &sizes)?);
        }
        let (n, w) = (median(&mut native_rates), median(&mut wasock_rates));
        println!(
            "{:<28} {:>16} {:>14.1} {:>14.1} {:>7.2}x",
            workload.name,
            workload.unit,
            n,
            w,
            w / n
        );
    }
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Native echo servers on threads: TCP serves one connection at a time,
/// like the guest.
fn start_native() -> Result<Servers> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    let servers = Servers {
        tcp: listener.local_addr()?,
        udp: udp.local_addr()?,
    };
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = echo_stream(stream);
        }
    });
    thread::spawn(move || {
        let mut buffer = [0; 65536];
        while let Ok((n, from)) = udp.recv_from(&mut buffer) {
            let _ = udp.send_to(&buffer[..n], from);
        }
    });
    Ok(servers)
}

fn echo_stream(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buffer = vec![0; 65536];
    loop {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buffer[..n])?;
    }
}

/// The wasock guest echo servers, run by the host on a thread of their own
/// with a current-thread tokio runtime, as `wasock run` does.
fn start_wasock() -> Result<Servers> {
    let (ports_tx, ports_rx) = mpsc::channel();
    thread::spawn(move || {
        let result = serve_guests(ports_tx.clone());
        if let Err(error) = result {
            let _ = ports_tx.send(Err(error));
        }
    });
    let tcp = ports_rx.recv_timeout(Duration::from_secs(120))??;
    let udp = ports_rx.recv_timeout(Duration::from_secs(120))??;
    Ok(Servers { tcp, udp })
}

fn serve_guests(ports: mpsc::Sender<Result<SocketAddr>>) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let runner = Arc::new(Runner::new(Runner::default_cache_dir())?);
    let component = runner.load(wasock_artifacts::BENCH_ECHO_SERVER.as_ref())?;
    runtime.block_on(async move {
        let mut guests = Vec::new();
        for protocol in ["tcp", "udp"] {
            let stdout = MemoryOutputPipe::new(1 << 16);
            let config = GuestConfig {
                args: ["bench_echo_server", protocol, "127.0.0.1", "0"]
                    .map(String::from)
                    .to_vec(),
                policy: Policy::builder()
                    .allow_bind("127.0.0.1/32:*".parse()?)
                    .allow_connect("127.0.0.1/32:*".parse()?)
                    .build()?,
                stdout: Output::Capture(stdout.clone()),
                ..GuestConfig::default()
            };
            let (runner, component) = (runner.clone(), component.clone());
            guests.push(tokio::spawn(
                async move { runner.run(&component, config).await },
            ));
            let port = listening_port(&stdout).await?;
            ports.send(Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port))))?;
        }
        // The servers echo until the process exits; a guest that ends is a failure.
        let [tcp, udp]: [_; 2] = guests.try_into().expect("two guests");
        let ended = tokio::select! { ended = tcp => ended, ended = udp => ended };
        let code = ended??;
        bail!("a guest echo server exited with {code}")
    })
}

/// Wait for the guest to print `listening on PORT`.
async fn listening_port(stdout: &MemoryOutputPipe) -> Result<u16> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        let text = String::from_utf8_lossy(&stdout.contents()).into_owned();
        if let Some(port) = text.lines().find_map(|l| l.strip_prefix("listening on ")) {
            return Ok(port.trim().parse()?);
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    bail!("the guest echo server did not start")
}

/// Send `sizes.bulk_bytes` in 64 KiB writes while a second thread reads the
/// echo back; MiB/s of echoed data.
fn bulk(servers: &Servers, sizes: &Sizes) -> Result<f64> {
    let stream = TcpStream::connect(servers.tcp)?;
    stream.set_nodelay(true)?;
    let mut reader = stream.try_clone()?;
    let total = sizes.bulk_bytes;
    let start = Instant::now();
    let reading = thread::spawn(move || -> std::io::Result<usize> {
        let mut buffer = vec![0; 65536];
        let mut received = 0;
        while received < total {
            let n = reader.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            received += n;
        }
        Ok(received)
    });
    let chunk = vec![0x5a; 65536];
    let mut writer = stream;
    let mut sent = 0;
    while sent < total {
        let n = chunk.len().min(total - sent);
        writer.write_all(&chunk[..n])?;
        sent += n;
    }
    let received = reading.join().expect("reader thread")?;
    if received != total {
        bail!("bulk: {received} of {total} bytes came back");
    }
    Ok(total as f64 / (1 << 20) as f64 / start.elapsed().as_secs_f64())
}

/// Round trips of one byte on one connection.
fn ping_pong(servers: &Servers, sizes: &Sizes) -> Result<f64> {
    let mut stream = TcpStream::connect(servers.tcp)?;
    stream.set_nodelay(true)?;
    let mut byte = [7u8];
    let start = Instant::now();
    for _ in 0..sizes.round_trips {
        stream.write_all(&byte)?;
        stream.read_exact(&mut byte)?;
    }
    Ok(sizes.round_trips as f64 / start.elapsed().as_secs_f64())
}

/// New connections, each exchanging one byte and closing.
fn connection_rate(servers: &Servers, sizes: &Sizes) -> Result<f64> {
    let start = Instant::now();
    for _ in 0..sizes.connections {
        let mut stream = TcpStream::connect(servers.tcp)?;
        stream.set_nodelay(true)?;
        let mut byte = [1u8];
        stream.write_all(&byte)?;
        stream.read_exact(&mut byte)?;
    }
    Ok(sizes.connections as f64 / start.elapsed().as_secs_f64())
}

/// 64-byte datagrams sent and echoed, one at a time.
fn udp_round_trips(servers: &Servers, sizes: &Sizes) -> Result<f64> {
    let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    socket.connect(servers.udp)?;
    socket.set_read_timeout(Some(Duration::from_secs(5)))?;
    let request = [0x42u8; 64];
    let mut reply = [0u8; 64];
    let start = Instant::now();
    for _ in 0..sizes.datagrams {
        socket.send(&request)?;
        let n = socket.recv(&mut reply).context("UDP reply lost")?;
        if n != request.len() {
            bail!("UDP reply of {n} bytes");
        }
    }
    Ok(sizes.datagrams as f64 / start.elapsed().as_secs_f64())
}
