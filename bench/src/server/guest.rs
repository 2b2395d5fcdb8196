//! The guest contenders: echo servers compiled to `wasm32-wasip2`, run in
//! this process by the wasock host (`Runner` on a current-thread tokio
//! runtime, as `wasock run` does) or by wasmtime-wasi alone (a multi-thread
//! runtime, as `wasmtime run` does).

use std::future::Future;
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::runtime::{Builder, Runtime};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasock_bench::wasi_sockets::WasiSockets;
use wasock_host::runner::{GuestConfig, Output, Runner};
use wasock_host::{Limits, Policy};

use super::Service;

/// How long a guest may take to print where it listens.
const START_PATIENCE: Duration = Duration::from_secs(120);

/// Most open sockets the scale server may hold.
const SCALE_SOCKETS: usize = 20_000;

/// One guest to run: its arguments after the program name.
type GuestArgs = Vec<String>;

/// Start the wasock guest(s) for `service`; return where they listen.
pub fn start_wasock(service: &Service) -> Result<Vec<String>> {
    let mut policy = Policy::builder();
    policy
        .allow_bind("127.0.0.1/32:*".parse()?)
        .allow_connect("127.0.0.1/32:*".parse()?);
    let mut limits = Limits::default();
    let (program, guests) = match service {
        Service::Tcp => (wasock_artifacts::BENCH_ECHO_SERVER, vec![ip_args("tcp")]),
        Service::Udp => (wasock_artifacts::BENCH_ECHO_SERVER, vec![ip_args("udp")]),
        Service::Unix(path) => {
            let _ = std::fs::remove_file(path);
            policy.allow_unix_dir(path.parent().context("a socket path has a directory")?);
            let args = vec!["unix".to_string(), path.display().to_string()];
            (wasock_artifacts::BENCH_ECHO_SERVER, vec![args])
        }
        Service::Scale => {
            limits.max_sockets = SCALE_SOCKETS;
            // Each connection is charged the kernel's TCP buffer defaults.
            limits.max_buffer_bytes = SCALE_SOCKETS << 20;
            let args = vec!["127.0.0.1".to_string(), "0".to_string()];
            (wasock_artifacts::BENCH_SCALE_SERVER, vec![args])
        }
        Service::Instances(count) => (
            wasock_artifacts::BENCH_ECHO_SERVER,
            vec![ip_args("tcp"); *count],
        ),
    };
    let policy = policy.build()?;
    let runner = Arc::new(Runner::new(Runner::default_cache_dir())?);
    let component = runner.load(program.as_ref())?;
    let runtime = Builder::new_current_thread().enable_all().build()?;
    serve(runtime, guests, move |args, stdout| {
        let config = GuestConfig {
            args,
            policy: policy.clone(),
            limits: limits.clone(),
            stdout: Output::Capture(stdout),
            ..GuestConfig::default()
        };
        let (runner, component) = (runner.clone(), component.clone());
        async move { Ok(runner.run(&component, config).await?) }
    })
}

/// Start the `std::net` guest for `service` under `wasi:sockets`; return
/// where it listens.
pub fn start_wasi(service: &Service) -> Result<Vec<String>> {
    let guest = match service {
        Service::Tcp => ip_args("tcp"),
        Service::Udp => ip_args("udp"),
        _ => bail!("wasi:sockets has tcp and udp only"),
    };
    // The wasock runner only compiles and caches the component here: the
    // guest runs with WASI alone, on an engine configured the same way.
    let runner = Runner::new(Runner::default_cache_dir())?;
    let component = runner.load(wasock_artifacts::BENCH_STD_ECHO_SERVER.as_ref())?;
    let wasi = Arc::new(WasiSockets::new(runner.engine())?);
    let runtime = Builder::new_multi_thread().enable_all().build()?;
    serve(runtime, vec![guest], move |args, stdout| {
        let (wasi, component) = (wasi.clone(), component.clone());
        async move { wasi.run(&component, &args, stdout).await }
    })
}

/// `tcp|udp 127.0.0.1 0`: the echo server's arguments for an IP service.
fn ip_args(protocol: &str) -> GuestArgs {
    [protocol, "127.0.0.1", "0"].map(String::from).to_vec()
}

/// Run one guest per entry of `guests` with `run(argv, stdout)` on
/// `runtime`, driven from a thread of its own; return the addresses they
/// print once all have. The process exits if a guest ends.
///
/// The first guest runs in `block_on` on that thread, as `wasmtime run` and
/// `wasock run` run theirs (on a multi-thread runtime, the reactor is then
/// driven by the worker threads); any others are tasks on the runtime.
fn serve<F, Fut>(runtime: Runtime, guests: Vec<GuestArgs>, run: F) -> Result<Vec<String>>
where
    F: Fn(Vec<String>, MemoryOutputPipe) -> Fut + Send + 'static,
    Fut: Future<Output = Result<i32>> + Send + 'static,
{
    let (ready_tx, ready_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut outputs = Vec::new();
        let mut guests = guests.into_iter().map(|args| {
            let stdout = MemoryOutputPipe::new(1 << 12);
            outputs.push(stdout.clone());
            let argv = std::iter::once("bench".to_string()).chain(args).collect();
            run(argv, stdout)
        });
        let first = guests.next();
        let others: Vec<Fut> = guests.collect();
        runtime.block_on(async move {
            for guest in others {
                tokio::spawn(async move { ended(guest.await) });
            }
            tokio::spawn(async move {
                let _ = ready_tx.send(listening(&outputs).await);
            });
            if let Some(first) = first {
                ended(first.await);
            }
        })
    });
    ready_rx
        .recv()
        .context("the guest thread ended before its servers started")?
}

/// A guest server ended, which it never should: end the process.
fn ended(result: Result<i32>) {
    eprintln!("a guest server ended: {result:?}");
    std::process::exit(1);
}

/// Wait until every guest has printed `listening on ADDRESS`; return the
/// addresses (a bare port means 127.0.0.1).
async fn listening(outputs: &[MemoryOutputPipe]) -> Result<Vec<String>> {
    let start = Instant::now();
    let mut addresses = vec![None; outputs.len()];
    while addresses.iter().any(Option::is_none) {
        for (address, stdout) in addresses.iter_mut().zip(outputs) {
            if address.is_none() {
                let text = String::from_utf8_lossy(&stdout.contents()).into_owned();
                *address = text
                    .lines()
                    .find_map(|line| line.strip_prefix("listening on "))
                    .map(|at| match at.parse::<u16>() {
                        Ok(port) => format!("127.0.0.1:{port}"),
                        Err(_) => at.to_string(),
                    });
            }
        }
        if start.elapsed() > START_PATIENCE {
            bail!("the guests did not start within {START_PATIENCE:?}");
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Ok(addresses.into_iter().flatten().collect())
}
