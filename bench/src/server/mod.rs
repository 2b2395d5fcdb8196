//! The server side: `wasock-bench serve CONTENDER SERVICE` runs one
//! contender's echo server in this process, prints `ready ADDRESSES`, and
//! then answers the benchmark on standard input: each `usage` line gets this
//! process's [`Usage`] line back; end of input ends the process.
//!
//! One server per process, so that CPU time and resident memory from the
//! kernel's counters belong to that server alone.

mod guest;
mod native;

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::usage::{self, Usage};

/// Who serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Contender {
    /// Rust `std::net` on the host.
    Native,
    /// The wasock guest (`bench_echo_server`) under the wasock host.
    Wasock,
    /// The same echo on `std::net` compiled to `wasm32-wasip2`
    /// (`bench_std_echo_server`) under wasmtime-wasi's `wasi:sockets`.
    Wasi,
}

impl Contender {
    /// All three, in the order they alternate.
    pub const ALL: [Contender; 3] = [Contender::Native, Contender::Wasock, Contender::Wasi];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Contender::Native => "native",
            Contender::Wasock => "wasock",
            Contender::Wasi => "wasi",
        }
    }

    /// The name in tables.
    pub fn label(self) -> &'static str {
        match self {
            Contender::Native => "native",
            Contender::Wasock => "wasock",
            Contender::Wasi => "wasi:sockets",
        }
    }

    fn parse(name: &str) -> Result<Contender> {
        Contender::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .with_context(|| format!("unknown contender `{name}`"))
    }
}

/// What a server process serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Service {
    /// TCP echo, one connection at a time.
    Tcp,
    /// UDP echo.
    Udp,
    /// Unix stream echo on this path, one connection at a time.
    Unix(PathBuf),
    /// TCP echo of many connections at once from one guest with a poller
    /// (`bench_scale_server`; wasock only).
    Scale,
    /// This many guests, each a TCP echo server (wasock only).
    Instances(usize),
}

impl Service {
    /// The command-line words naming the service.
    pub fn args(&self) -> Vec<String> {
        match self {
            Service::Tcp => vec!["tcp".into()],
            Service::Udp => vec!["udp".into()],
            Service::Unix(path) => vec!["unix".into(), path.display().to_string()],
            Service::Scale => vec!["scale".into()],
            Service::Instances(count) => vec!["instances".into(), count.to_string()],
        }
    }

    fn parse(args: &[String]) -> Result<Service> {
        let arg = |i: usize| args.get(i).context("the service needs an argument");
        Ok(match args.first().map(String::as_str) {
            Some("tcp") => Service::Tcp,
            Some("udp") => Service::Udp,
            Some("unix") => Service::Unix(arg(1)?.into()),
            Some("scale") => Service::Scale,
            Some("instances") => Service::Instances(arg(1)?.parse()?),
            other => bail!("unknown service {other:?}"),
        })
    }
}

/// `serve CONTENDER SERVICE…`: run the server and answer until the
/// benchmark closes standard input.
pub fn main(args: &[String]) -> Result<()> {
    let contender = Contender::parse(args.first().context("serve needs a contender")?)?;
    let service = Service::parse(&args[1..])?;
    if matches!(service, Service::Scale | Service::Instances(_)) {
        usage::raise_open_files(u64::MAX)?;
    }
    let addresses = match contender {
        Contender::Native => native::start(&service)?,
        Contender::Wasock => guest::start_wasock(&service)?,
        Contender::Wasi => guest::start_wasi(&service)?,
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "ready {}", addresses.join(","))?;
    stdout.flush()?;
    for line in std::io::stdin().lock().lines() {
        match line?.as_str() {
            "usage" => writeln!(stdout, "{}", Usage::of_this_process()?)?,
            other => bail!("unknown request `{other}`"),
        }
        stdout.flush()?;
    }
    Ok(())
}
