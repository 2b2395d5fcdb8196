//! The client table: the same client workloads run by a native client, by
//! the wasock guest client and by the `std::net` guest client under
//! `wasi:sockets`, all against native servers. The guests run in this
//! process, on this thread, and time themselves.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::runtime::Builder;
use wasmtime::component::Component;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasock_bench::wasi_sockets::WasiSockets;
use wasock_host::Policy;
use wasock_host::runner::{GuestConfig, Output, Runner};

use crate::echo::{Heading, Sample};
use crate::process::ServerProcess;
use crate::server::{Contender, Service};
use crate::workloads::client::{self, Measured, Workload};
use crate::workloads::{Run, Sizes, connect, udp_exchange};

/// The longest one guest client run may take.
const PATIENCE: Duration = Duration::from_secs(300);

/// A client workload: its heading, its name for the clients, and its size.
struct ClientWorkload {
    heading: Heading,
    name: &'static str,
    count: fn(&Sizes) -> usize,
}

const WORKLOADS: [ClientWorkload; 5] = [
    ClientWorkload {
        heading: Heading {
            name: "bulk echo, 64 KiB writes, 128 KiB in flight",
            unit: "MiB/s",
            op: "MiB",
        },
        name: "bulk",
        count: |sizes| sizes.bulk_bytes,
    },
    ClientWorkload {
        heading: Heading {
            name: "ping-pong 1 B",
            unit: "round trips/s",
            op: "round trip",
        },
        name: "ping1",
        count: |sizes| sizes.round_trips,
    },
    ClientWorkload {
        heading: Heading {
            name: "ping-pong 64 B",
            unit: "round trips/s",
            op: "round trip",
        },
        name: "ping64",
        count: |sizes| sizes.round_trips,
    },
    ClientWorkload {
        heading: Heading {
            name: "connect/send/recv/close",
            unit: "connections/s",
            op: "connection",
        },
        name: "connect",
        count: |sizes| sizes.connections,
    },
    ClientWorkload {
        heading: Heading {
            name: "UDP 64 B request/response",
            unit: "datagrams/s",
            op: "datagram",
        },
        name: "udp",
        count: |sizes| sizes.datagrams,
    },
];

/// The headings of the client workloads.
pub fn headings() -> Vec<Heading> {
    WORKLOADS.into_iter().map(|w| w.heading).collect()
}

/// The guest clients, compiled once.
struct GuestClients {
    runner: Runner,
    wasi: WasiSockets,
    wasock_client: Component,
    std_client: Component,
}

impl GuestClients {
    fn new() -> Result<GuestClients> {
        let runner = Runner::new(Runner::default_cache_dir())?;
        let wasock_client = runner.load(wasock_artifacts::BENCH_ECHO_CLIENT.as_ref())?;
        let std_client = runner.load(wasock_artifacts::BENCH_STD_ECHO_CLIENT.as_ref())?;
        let wasi = WasiSockets::new(runner.engine())?;
        Ok(GuestClients {
            runner,
            wasi,
            wasock_client,
            std_client,
        })
    }

    /// Run one guest client to completion and read what it measured.
    fn run(&self, contender: Contender, args: Vec<String>) -> Result<Measured> {
        let stdout = MemoryOutputPipe::new(1 << 12);
        let code = match contender {
            Contender::Native => bail!("the native client is not a guest"),
            Contender::Wasock => {
                let config = GuestConfig {
                    args,
                    policy: Policy::builder()
                        .allow_bind("127.0.0.1/32:*".parse()?)
                        .allow_connect("127.0.0.1/32:*".parse()?)
                        .build()?,
                    stdout: Output::Capture(stdout.clone()),
                    ..GuestConfig::default()
                };
                let runtime = Builder::new_current_thread().enable_all().build()?;
                let run = self.runner.run(&self.wasock_client, config);
                runtime.block_on(async { tokio::time::timeout(PATIENCE, run).await })??
            }
            Contender::Wasi => {
                let runtime = Builder::new_multi_thread().enable_all().build()?;
                let run = self.wasi.run(&self.std_client, &args, stdout.clone());
                runtime.block_on(async { tokio::time::timeout(PATIENCE, run).await })??
            }
        };
        let output = String::from_utf8_lossy(&stdout.contents()).into_owned();
        if code != 0 {
            bail!(
                "the {} client exited with {code}: {output}",
                contender.name()
            );
        }
        Measured::parse(output.trim()).with_context(|| format!("no result in `{output}`"))
    }
}

/// Run every client workload `rounds` times with each client in turn;
/// return the samples by workload and contender.
pub fn run(sizes: &Sizes, rounds: usize) -> Result<Vec<[Vec<Sample>; 3]>> {
    let guests = GuestClients::new()?;
    let tcp = ServerProcess::start(Contender::Native, &Service::Tcp, &[])?;
    let udp = ServerProcess::start(Contender::Native, &Service::Udp, &[])?;
    let mut samples = Vec::new();
    for workload in &WORKLOADS {
        let kind = Workload::parse(workload.name).context("a client workload")?;
        let server = if kind == Workload::Udp { &udp } else { &tcp };
        let count = (workload.count)(sizes);
        let mut by_contender: [Vec<Sample>; 3] = Default::default();
        for _ in 0..rounds {
            for (i, contender) in Contender::ALL.into_iter().enumerate() {
                let measured = match contender {
                    Contender::Native => native(kind, server.address(), count)?,
                    guest => {
                        let args = ["client", workload.name, server.address()]
                            .map(String::from)
                            .into_iter()
                            .chain([count.to_string()])
                            .collect();
                        guests.run(guest, args)?
                    }
                };
                by_contender[i].push(sample(kind, measured, count));
            }
        }
        samples.push(by_contender);
    }
    Ok(samples)
}

/// The native client, on this thread.
fn native(workload: Workload, at: &str, count: usize) -> Result<Measured> {
    Ok(match workload {
        Workload::Bulk => client::bulk(&mut connect(at)?, count)?,
        Workload::PingPong(size) => client::ping_pong(&mut connect(at)?, size, count)?,
        Workload::Connect => client::connections(count, || connect(at))?,
        Workload::Udp => udp_exchange(at, count)?,
    })
}

/// A client's measurement as a sample of the table (bulk in MiB).
fn sample(workload: Workload, measured: Measured, count: usize) -> Sample {
    let run = if workload == Workload::Bulk {
        let mib = count as f64 / f64::from(1 << 20);
        Run {
            rate: measured.rate / f64::from(1 << 20),
            ops: mib,
            latency: None,
        }
    } else {
        Run {
            rate: measured.rate,
            ops: count as f64,
            latency: Some((measured.p50, measured.p99)),
        }
    };
    Sample {
        run,
        cpu_per_op: None,
    }
}
