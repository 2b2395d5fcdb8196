//! The targets wasock is held to, checked against a run's numbers.

use std::time::Duration;

use crate::echo::{EchoResults, Sample};
use crate::report::{Spread, Table, number};
use crate::server::Contender;
use crate::usage::Usage;
use crate::workloads::{Transport, WORKLOADS};

/// Most RSS growth over the second half of the long UDP run that still
/// counts as flat, KiB: a few pages, whatever the run's length.
const FLAT_KIB: f64 = 64.0;

/// Which memory of a server a target is about, KiB.
type MemoryOf = fn(&Usage) -> u64;

/// What a run measured that the targets refer to.
pub struct Measured<'a> {
    /// The pinned echo run.
    pub echo: Option<&'a EchoResults>,
    /// The long UDP run's RSS growth over its second half, KiB.
    pub growth: Option<&'a [(Contender, f64)]>,
    /// The median `wasock run` start-up, ms.
    pub startup_ms: Option<f64>,
}

/// The median of `pick` over the samples of a workload and contender.
fn median(
    echo: &EchoResults,
    key: &str,
    contender: Contender,
    pick: fn(&Sample) -> Option<f64>,
) -> Option<f64> {
    let index = WORKLOADS.iter().position(|w| w.key == key)?;
    let samples = &echo.samples[index][Contender::ALL.iter().position(|c| *c == contender)?];
    Spread::of(samples.iter().filter_map(pick)).map(|s| s.median)
}

fn rate(sample: &Sample) -> Option<f64> {
    Some(sample.run.rate)
}

fn cpu(sample: &Sample) -> Option<f64> {
    sample.cpu_per_op.map(|c: Duration| c.as_secs_f64())
}

/// One row per target: what it asks, what was measured, whether it is met.
pub fn table(measured: &Measured<'_>) -> Table {
    let mut table = Table::new(&["target", "measured", "met"]);
    let mut check =
        |target: String, value: Option<f64>, shown: String, met: &dyn Fn(f64) -> bool| {
            let verdict = match value {
                Some(value) if met(value) => "yes",
                Some(_) => "no",
                None => "not measured",
            };
            table.row(&[target, shown, verdict.to_string()]);
        };
    let ratio = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a / b);
    let times = |v: Option<f64>| v.map_or("–".into(), |v| format!("{v:.2}×"));
    if let Some(echo) = measured.echo {
        let wasock_over = |key: &str, other: Contender, pick: fn(&Sample) -> Option<f64>| {
            ratio(
                median(echo, key, Contender::Wasock, pick),
                median(echo, key, other, pick),
            )
        };
        let floors: [(&str, f64); 5] = [
            ("bulk", 0.95),
            ("ping1", 0.9),
            ("ping64", 0.9),
            ("udp", 0.9),
            ("connect", 0.8),
        ];
        for (key, floor) in floors {
            let value = wasock_over(key, Contender::Native, rate);
            check(
                format!("{key}: wasock ≥ {floor}× native"),
                value,
                times(value),
                &|v| v >= floor,
            );
        }
        for key in ["ping1", "ping64", "udp"] {
            let value = wasock_over(key, Contender::Native, cpu);
            check(
                format!("{key}: server CPU per message ≤ 1.3× native"),
                value,
                times(value),
                &|v| v <= 1.3,
            );
        }
        for key in ["ping1", "ping64", "udp", "connect"] {
            let value = wasock_over(key, Contender::Wasi, rate);
            check(
                format!("{key}: wasock ≥ 1.5× wasi:sockets"),
                value,
                times(value),
                &|v| v >= 1.5,
            );
        }
        let value = wasock_over("bulk", Contender::Wasi, rate);
        check(
            "bulk: wasock ahead of wasi:sockets".into(),
            value,
            times(value),
            &|v| v > 1.0,
        );
        let memory: [(&str, MemoryOf); 2] = [
            ("peak RSS", |u| u.peak_kib),
            ("private RSS", |u| u.anon_kib),
        ];
        for (transport, name) in [(Transport::Tcp, "TCP"), (Transport::Udp, "UDP")] {
            for (what, pick) in memory {
                let usage = |c: Contender| echo.usage.get(&(c, transport));
                let excess = usage(Contender::Wasock)
                    .zip(usage(Contender::Native))
                    .map(|(w, n)| (pick(w) as f64 - pick(n) as f64 - w.linear_kib as f64) / 1024.0);
                check(
                    format!("{name} server {what} ≤ native + linear memory + 2 MiB"),
                    excess,
                    excess.map_or("–".into(), |e| format!("{} MiB over", number(e))),
                    &|e| e <= 2.0,
                );
            }
        }
    }
    let growth = measured
        .growth
        .and_then(|g| g.iter().find(|(c, _)| *c == Contender::Wasock))
        .map(|(_, g)| *g);
    check(
        format!("long UDP run: wasock server RSS flat (second half ≤ {FLAT_KIB} KiB)"),
        growth,
        growth.map_or("–".into(), |g| format!("{} KiB", number(g))),
        &|g| g <= FLAT_KIB,
    );
    let startup = measured.startup_ms;
    check(
        "`wasock run` to first accept < 5 ms (median)".into(),
        startup,
        startup.map_or("–".into(), |ms| format!("{} ms", number(ms))),
        &|ms| ms < 5.0,
    );
    table
}
