//! The server tables: every echo workload against the three contenders'
//! servers, alternating, with the servers' CPU time per operation and their
//! memory.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use crate::process::ServerProcess;
use crate::report::{Spread, Table, number, ratio};
use crate::server::{Contender, Service};
use crate::usage::Usage;
use crate::workloads::{Run, Sizes, Transport, WORKLOADS};

/// One run of a workload against one server.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// What the client measured.
    pub run: Run,
    /// The server process's CPU time per operation during the run, when
    /// measured.
    pub cpu_per_op: Option<Duration>,
}

/// Every sample of one pinning mode: `samples[workload][contender]`, empty
/// where a contender cannot serve a workload.
pub struct EchoResults {
    /// The samples, by workload and contender.
    pub samples: Vec<[Vec<Sample>; 3]>,
    /// Each server's usage after all workloads, by contender and transport.
    pub usage: HashMap<(Contender, Transport), Usage>,
}

/// The service for `transport`, Unix sockets in `dir`.
pub fn service(transport: Transport, contender: Contender, dir: &Path) -> Service {
    match transport {
        Transport::Tcp => Service::Tcp,
        Transport::Udp => Service::Udp,
        Transport::Unix => Service::Unix(dir.join(format!("{}.sock", contender.name()))),
    }
}

/// Whether `contender` can serve `transport`: `wasi:sockets` has no Unix
/// sockets.
pub fn serves(contender: Contender, transport: Transport) -> bool {
    !(contender == Contender::Wasi && transport == Transport::Unix)
}

/// Run every workload `rounds` times against each contender in turn.
pub fn run(sizes: &Sizes, rounds: usize, dir: &Path) -> Result<EchoResults> {
    let mut servers = HashMap::new();
    for contender in Contender::ALL {
        for transport in [Transport::Tcp, Transport::Udp, Transport::Unix] {
            if serves(contender, transport) {
                let service = service(transport, contender, dir);
                let server = ServerProcess::start(contender, &service, &[])?;
                servers.insert((contender, transport), server);
            }
        }
    }
    let mut samples = Vec::new();
    for workload in &WORKLOADS {
        let mut by_contender: [Vec<Sample>; 3] = Default::default();
        for _ in 0..rounds {
            for (i, contender) in Contender::ALL.into_iter().enumerate() {
                let Some(server) = servers.get_mut(&(contender, workload.transport)) else {
                    continue;
                };
                let before = server.usage()?;
                let run = (workload.measure)(server.address(), sizes)?;
                let after = server.usage()?;
                by_contender[i].push(Sample {
                    run,
                    cpu_per_op: Some((after.cpu - before.cpu).div_f64(run.ops)),
                });
            }
        }
        samples.push(by_contender);
    }
    let usage = servers
        .iter_mut()
        .map(|(key, server)| Ok((*key, server.usage()?)))
        .collect::<Result<_>>()?;
    Ok(EchoResults { samples, usage })
}

/// A workload's row titles: its name, the unit of its rate, and what CPU
/// time is divided by.
pub struct Heading {
    /// The workload's name.
    pub name: &'static str,
    /// The unit of its rate.
    pub unit: &'static str,
    /// One operation.
    pub op: &'static str,
}

/// The headings of the server workloads.
pub fn headings() -> Vec<Heading> {
    WORKLOADS
        .iter()
        .map(|w| Heading {
            name: w.name,
            unit: w.unit,
            op: w.op,
        })
        .collect()
}

/// A table of rates with their range, latency, CPU per operation where
/// measured, and the ratios to native and to wasi:sockets; `samples` are
/// by workload (as in `headings`) and contender.
pub fn table(headings: &[Heading], samples: &[[Vec<Sample>; 3]]) -> Table {
    let mut table = Table::new(&[
        "workload",
        "native",
        "wasock",
        "wasi:sockets",
        "wasock ÷ native",
        "wasi:sockets ÷ native",
        "wasock ÷ wasi:sockets",
    ]);
    for (workload, samples) in headings.iter().zip(samples) {
        let rates = samples
            .each_ref()
            .map(|s| Spread::of(s.iter().map(|s| s.run.rate)));
        let medians = rates.map(|r| r.map(|r| r.median));
        let mut row = vec![format!("{}, {}", workload.name, workload.unit)];
        row.extend(rates.iter().map(|r| r.map_or("n/a".into(), |r| r.show())));
        row.extend(ratios(medians));
        table.row(&row);

        let latency = |pick: fn(&(Duration, Duration)) -> Duration| {
            samples.each_ref().map(|s| {
                Spread::of(
                    s.iter()
                        .filter_map(|s| s.run.latency.as_ref())
                        .map(|l| pick(l).as_secs_f64() * 1e6),
                )
                .map(|s| s.median)
            })
        };
        let (p50, p99) = (latency(|l| l.0), latency(|l| l.1));
        if p50[0].is_some() {
            let mut row = vec!["  latency p50 / p99, µs".to_string()];
            row.extend(p50.iter().zip(&p99).map(|(a, b)| match (a, b) {
                (Some(a), Some(b)) => format!("{} / {}", number(*a), number(*b)),
                _ => "n/a".into(),
            }));
            row.extend(ratios(p50));
            table.row(&row);
        }

        let cpu = samples.each_ref().map(|s| {
            Spread::of(
                s.iter()
                    .filter_map(|s| s.cpu_per_op)
                    .map(|c| c.as_secs_f64() * 1e6),
            )
            .map(|s| s.median)
        });
        if cpu.iter().all(Option::is_none) {
            continue;
        }
        let mut row = vec![format!("  server CPU, µs/{}", workload.op)];
        row.extend(cpu.iter().map(|c| c.map_or("n/a".into(), number)));
        row.extend(ratios(cpu));
        table.row(&row);
    }
    table
}

/// The three ratio cells of a row: wasock ÷ native, wasi ÷ native,
/// wasock ÷ wasi.
fn ratios([native, wasock, wasi]: [Option<f64>; 3]) -> [String; 3] {
    let cell = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => ratio(a, b),
        _ => "n/a".into(),
    };
    [cell(wasock, native), cell(wasi, native), cell(wasock, wasi)]
}
