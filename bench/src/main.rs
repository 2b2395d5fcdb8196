//! `cargo run --release -p wasock-bench`: the same echo workloads against a
//! native Rust echo server, the wasock guest echo server under the wasock
//! host, and the same echo on `std::net` under wasmtime-wasi's
//! `wasi:sockets`, in one run; then the guests as clients of a native
//! server, server memory, and the scale measurements. Prints Markdown
//! tables of medians, ranges and ratios.
//!
//! ```text
//! wasock-bench [--quick] [--rounds N] [--only SECTION,…]
//!     SECTION: echo, clients, memory, scale
//! wasock-bench profile CONTENDER WORKLOAD COUNT
//!     one workload against one server, which runs under the command in
//!     $WASOCK_BENCH_WRAPPER (e.g. `valgrind --tool=callgrind`)
//! wasock-bench serve CONTENDER SERVICE…    a server process (see `server`)
//! wasock-bench wasock run …                the `wasock` command, timed by
//!                                          the start-up measurement
//! ```
//!
//! Every server runs in a process of its own (`wasock-bench serve …`), so
//! the kernel's CPU and memory counters of that process are the server's
//! alone. Contenders alternate within each round. The headline tables pin
//! the client and every server to one CPU; the second table lets them run
//! anywhere.

mod clients;
mod echo;
mod memory;
mod process;
mod report;
mod scale;
mod server;
mod targets;
mod usage;
mod workloads;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser as _;

use crate::process::ServerProcess;
use crate::server::Contender;
use crate::workloads::{Sizes, WORKLOADS, Workload};

/// The parts of a run.
const SECTIONS: [&str; 4] = ["echo", "clients", "memory", "scale"];

/// What a run does.
struct Options {
    /// The size of each workload.
    sizes: Sizes,
    /// How often each workload runs per contender.
    rounds: usize,
    /// The sections to run.
    sections: Vec<String>,
    /// Connections held by one guest.
    connections: usize,
    /// Guests in one host process.
    instances: usize,
    /// `wasock run` start-ups timed.
    startups: usize,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options> {
        let quick = args.iter().any(|a| a == "--quick");
        let value = |flag: &str| -> Result<Option<&String>> {
            match args.iter().position(|a| a == flag) {
                Some(i) => Ok(Some(
                    args.get(i + 1)
                        .with_context(|| format!("{flag} needs a value"))?,
                )),
                None => Ok(None),
            }
        };
        let rounds = value("--rounds")?.map_or(Ok(3), |n| n.parse())?;
        let sections: Vec<String> = value("--only")?.map_or_else(
            || SECTIONS.map(String::from).to_vec(),
            |list| list.split(',').map(String::from).collect(),
        );
        if let Some(unknown) = sections.iter().find(|s| !SECTIONS.contains(&s.as_str())) {
            bail!(
                "unknown section `{unknown}`; the sections are {}",
                SECTIONS.join(", ")
            );
        }
        let sizes = if quick {
            Sizes {
                bulk_bytes: 32 << 20,
                round_trips: 5_000,
                connections: 500,
                datagrams: 5_000,
                long_datagrams: 50_000,
            }
        } else {
            Sizes {
                bulk_bytes: 256 << 20,
                round_trips: 20_000,
                connections: 3_000,
                datagrams: 20_000,
                long_datagrams: 500_000,
            }
        };
        Ok(Options {
            sizes,
            rounds,
            sections,
            connections: if quick { 2_000 } else { 10_000 },
            instances: if quick { 100 } else { 1_000 },
            startups: if quick { 5 } else { 20 },
        })
    }

    fn runs(&self, section: &str) -> bool {
        self.sections.iter().any(|s| s == section)
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => server::main(&args[1..]),
        Some("wasock") => {
            let cli = wasock_host::cli::Cli::try_parse_from(&args)?;
            std::process::exit(wasock_host::cli::main(cli)?)
        }
        Some("profile") => profile(&args[1..]),
        _ => benchmark(&Options::parse(&args)?),
    }
}

/// The whole benchmark.
fn benchmark(options: &Options) -> Result<()> {
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build measures an unoptimised host; add --release");
    }
    let all_cpus = usage::allowed_cpus()?;
    let pinned = [*all_cpus.last().context("no CPU to run on")?];
    let dir = std::env::temp_dir().join(format!("wasock-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    println!("# wasock benchmark\n\n{}", machine());
    println!(
        "{} rounds, contenders alternating; cells are median (min–max); ratios divide medians \
         (for latency and CPU time, lower is better).\n",
        options.rounds
    );
    warm_cache()?;
    let started = Instant::now();
    let mut headline = None;
    if options.runs("echo") {
        usage::set_cpus(&pinned)?;
        let results = echo::run(&options.sizes, options.rounds, &dir)?;
        println!(
            "## Echo servers, client and servers pinned to CPU {}\n",
            pinned[0]
        );
        println!(
            "{}",
            echo::table(&echo::headings(), &results.samples).render()
        );
        usage::set_cpus(&all_cpus)?;
        let unpinned = echo::run(&options.sizes, options.rounds, &dir)?;
        println!("## Echo servers, unpinned (CPUs {all_cpus:?})\n");
        println!(
            "{}",
            echo::table(&echo::headings(), &unpinned.samples).render()
        );
        headline = Some(results);
    }
    if options.runs("clients") {
        usage::set_cpus(&pinned)?;
        let samples = clients::run(&options.sizes, options.rounds)?;
        println!(
            "## Guests as clients of a native echo server, pinned to CPU {}\n",
            pinned[0]
        );
        println!("{}", echo::table(&clients::headings(), &samples).render());
        usage::set_cpus(&all_cpus)?;
    }
    let mut long_udp = None;
    if options.runs("memory") {
        println!("## Server memory (pinned run)\n");
        if let Some(results) = &headline {
            println!("{}", memory::peaks(results).render());
        }
        usage::set_cpus(&pinned)?;
        let (table, growth) = memory::long_udp(options.sizes.long_datagrams)?;
        println!("{}", table.render());
        usage::set_cpus(&all_cpus)?;
        long_udp = Some(growth);
    }
    let mut startup = None;
    if options.runs("scale") {
        println!("## Scale (unpinned)\n");
        println!("{}", scale::connections(options.connections)?.render());
        println!("{}", scale::instances(options.instances)?.render());
        let (table, median) = scale::startup(options.startups)?;
        println!("{}", table.render());
        startup = Some(median);
    }
    println!("## Targets\n");
    let measured = targets::Measured {
        echo: headline.as_ref(),
        growth: long_udp.as_deref(),
        startup_ms: startup,
    };
    println!("{}", targets::table(&measured).render());
    println!("{}", load_average());
    println!("Took {:.0} s.", started.elapsed().as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Compile the guests into the cache before any server starts, so that no
/// server's memory peak or start-up includes compiling.
fn warm_cache() -> Result<()> {
    let runner =
        wasock_host::runner::Runner::new(wasock_host::runner::Runner::default_cache_dir())?;
    for program in [
        wasock_artifacts::BENCH_ECHO_SERVER,
        wasock_artifacts::BENCH_STD_ECHO_SERVER,
        wasock_artifacts::BENCH_SCALE_SERVER,
        wasock_artifacts::BENCH_ECHO_CLIENT,
        wasock_artifacts::BENCH_STD_ECHO_CLIENT,
    ] {
        runner.load(program.as_ref())?;
    }
    Ok(())
}

/// `profile CONTENDER WORKLOAD COUNT`: run one workload (a key of
/// `workloads::WORKLOADS`, sized `COUNT`) against one server, started under
/// `$WASOCK_BENCH_WRAPPER`, and let the server exit normally so that a
/// profiler writes its results. Prints the rate and the server's CPU time
/// per operation.
fn profile(args: &[String]) -> Result<()> {
    let [contender, key, count] = args else {
        bail!("usage: wasock-bench profile CONTENDER WORKLOAD COUNT");
    };
    let contender = Contender::ALL
        .into_iter()
        .find(|c| c.name() == contender)
        .with_context(|| format!("unknown contender `{contender}`"))?;
    let workload = WORKLOADS
        .iter()
        .chain([&PACED_PING_PONG])
        .find(|w| w.key == key)
        .with_context(|| format!("unknown workload `{key}`"))?;
    let count: usize = count.parse()?;
    let sizes = Sizes {
        bulk_bytes: count,
        round_trips: count,
        connections: count,
        datagrams: count,
        long_datagrams: count,
    };
    let wrapper: Vec<String> = std::env::var("WASOCK_BENCH_WRAPPER")
        .unwrap_or_default()
        .split_whitespace()
        .map(String::from)
        .collect();
    let dir = std::env::temp_dir().join(format!("wasock-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let service = echo::service(workload.transport, contender, &dir);
    let mut server = ServerProcess::start(contender, &service, &wrapper)?;
    let before = server.usage()?;
    let client_before = usage::cpu_time(libc::RUSAGE_SELF)?;
    let run = (workload.measure)(server.address(), &sizes)?;
    let client = usage::cpu_time(libc::RUSAGE_SELF)? - client_before;
    let after = server.usage()?;
    server.stop(Duration::from_secs(600))?;
    let _ = std::fs::remove_dir_all(&dir);
    let per_op = |time: Duration| time.as_secs_f64() * 1e6 / run.ops;
    println!(
        "{} {}: {} {}; per {}: {:.2} µs wall, server CPU {:.2} µs, client CPU {:.2} µs",
        contender.label(),
        workload.name,
        report::number(run.rate),
        workload.unit,
        workload.op,
        1e6 / run.rate,
        per_op(after.cpu - before.cpu),
        per_op(client),
    );
    Ok(())
}

/// A profiling workload: 64-byte round trips with a pause before each
/// request, so that every receive of the server waits for its data (the
/// path of a blocked call through the reactor).
const PACED_PING_PONG: Workload = Workload {
    key: "paced-ping64",
    name: "paced ping-pong 64 B",
    unit: "round trips/s",
    op: "round trip",
    transport: workloads::Transport::Tcp,
    measure: |at, sizes| {
        let mut stream = workloads::connect(at)?;
        let mut message = [7; 64];
        let start = Instant::now();
        for _ in 0..sizes.round_trips {
            std::thread::sleep(Duration::from_micros(200));
            stream.write_all(&message)?;
            stream.read_exact(&mut message)?;
        }
        Ok(workloads::Run {
            rate: sizes.round_trips as f64 / start.elapsed().as_secs_f64(),
            ops: sizes.round_trips as f64,
            latency: None,
        })
    },
};

/// The machine the run is on.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map_or("unknown CPU", |m| m.trim_start_matches([' ', '\t', ':']));
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "Machine: {model}, {cpus} CPUs, Linux {}. {}\n",
        kernel.trim(),
        load_average()
    )
}

/// The load average, to tell how busy the machine was.
fn load_average() -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!("Load average (1, 5, 15 min): {}.", load.join(", "))
}
