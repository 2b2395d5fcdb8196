//! Server memory: the peak resident memory of each server after the echo
//! workloads, and whether it stays flat over a long UDP run.

use anyhow::Result;

use crate::echo::{EchoResults, serves};
use crate::process::ServerProcess;
use crate::report::{Table, number};
use crate::server::{Contender, Service};
use crate::usage::Usage;
use crate::workloads::{Transport, udp_round_trips};

/// Datagrams sent before the first reading of the long run.
const WARM_UP: usize = 1000;

/// How many parts the long run is measured in.
const SEGMENTS: usize = 10;

/// A table row: its title, and how a column's cell is made from what was
/// measured.
type Row<'a, T, V> = (&'a str, &'a dyn Fn(&T) -> V);

/// MiB from KiB.
fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The peak resident memory of every server of an echo run, and how far
/// the guests' servers are above the native one plus their linear memory.
pub fn peaks(results: &EchoResults) -> Table {
    let mut table = Table::new(&[
        "server memory after the workloads",
        "native",
        "wasock",
        "wasi:sockets",
    ]);
    for (transport, transport_name) in [
        (Transport::Tcp, "TCP"),
        (Transport::Udp, "UDP"),
        (Transport::Unix, "Unix"),
    ] {
        let usage = Contender::ALL.map(|c| results.usage.get(&(c, transport)).copied());
        let native = usage[0];
        let rows: [Row<'_, Usage, f64>; 5] = [
            ("peak RSS", &|u| mib(u.peak_kib)),
            ("  private (anonymous) RSS", &|u| mib(u.anon_kib)),
            ("  guest linear memory (resident)", &|u| mib(u.linear_kib)),
            ("  peak − native peak − linear memory", &|u| {
                mib(u.peak_kib) - native.map_or(0.0, |n| mib(n.peak_kib)) - mib(u.linear_kib)
            }),
            ("  private − native private − linear memory", &|u| {
                mib(u.anon_kib) - native.map_or(0.0, |n| mib(n.anon_kib)) - mib(u.linear_kib)
            }),
        ];
        for (i, (name, value)) in rows.into_iter().enumerate() {
            let title = if i == 0 {
                format!("{transport_name} server {name}, MiB")
            } else {
                format!("{name}, MiB")
            };
            let mut row = vec![title];
            row.extend(usage.map(|u| u.as_ref().map_or("n/a".to_string(), |u| number(value(u)))));
            table.row(&row);
        }
    }
    table
}

/// One contender's long UDP run: the usage after the warm-up and after
/// each segment.
struct LongRun {
    contender: Contender,
    readings: Vec<Usage>,
    datagrams: usize,
}

/// How much each server's RSS grew over the second half of a long UDP
/// run, in KiB, by contender.
pub type Growth = Vec<(Contender, f64)>;

/// Run `datagrams` through a fresh UDP server of each contender; return the
/// table and each server's growth over the second half of the run (the
/// first half may still fill caches and buffers; a leak goes on growing).
pub fn long_udp(datagrams: usize) -> Result<(Table, Growth)> {
    let mut runs = Vec::new();
    for contender in Contender::ALL {
        if !serves(contender, Transport::Udp) {
            continue;
        }
        let mut server = ServerProcess::start(contender, &Service::Udp, &[])?;
        udp_round_trips(server.address(), WARM_UP)?;
        let mut readings = vec![server.usage()?];
        let segment = datagrams.div_ceil(SEGMENTS);
        for _ in 0..SEGMENTS {
            udp_round_trips(server.address(), segment)?;
            readings.push(server.usage()?);
        }
        runs.push(LongRun {
            contender,
            readings,
            datagrams: segment * SEGMENTS,
        });
    }
    let mut table = Table::new(&[
        format!("long UDP run, {} datagrams", number(datagrams as f64)),
        "native".into(),
        "wasock".into(),
        "wasi:sockets".into(),
    ]);
    let rows: [Row<'_, LongRun, String>; 6] = [
        ("RSS after warm-up, MiB", &|r| {
            number(mib(r.first().rss_kib))
        }),
        ("RSS at the end, MiB", &|r| number(mib(r.last().rss_kib))),
        ("peak RSS, MiB", &|r| number(mib(r.last().peak_kib))),
        ("RSS growth, first half, bytes/datagram", &|r| {
            number(kib_delta(r.first(), r.middle()) * 2048.0 / r.datagrams as f64)
        }),
        ("RSS growth, second half, KiB", &|r| {
            number(kib_delta(r.middle(), r.last()))
        }),
        ("guest linear memory, start → end, MiB", &|r| {
            format!(
                "{} → {}",
                number(mib(r.first().linear_kib)),
                number(mib(r.last().linear_kib))
            )
        }),
    ];
    for (name, show) in rows {
        let mut row = vec![name.to_string()];
        row.extend(runs.iter().map(show));
        table.row(&row);
    }
    let growth = runs
        .iter()
        .map(|r| (r.contender, kib_delta(r.middle(), r.last())))
        .collect();
    Ok((table, growth))
}

impl LongRun {
    fn first(&self) -> &Usage {
        &self.readings[0]
    }

    fn middle(&self) -> &Usage {
        &self.readings[self.readings.len() / 2]
    }

    fn last(&self) -> &Usage {
        &self.readings[self.readings.len() - 1]
    }
}

/// How many KiB the RSS grew from `from` to `to`.
fn kib_delta(from: &Usage, to: &Usage) -> f64 {
    to.rss_kib as f64 - from.rss_kib as f64
}
