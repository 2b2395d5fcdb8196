//! Guests that come and go leave no descriptor behind: 10,000 lifetimes of
//! a guest that opens sockets of every kind and then exits, fails, traps,
//! or is dropped while it waits in `accept`.

use std::time::{Duration, Instant};

use wasmtime::Store;
use wasmtime::component::{Linker, ResourceTable};
use wasmtime_wasi::p2::bindings::CommandPre;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{I32Exit, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasock_artifacts as programs;
use wasock_e2e::measure::{alone_in_process, open_descriptors};
use wasock_e2e::{policy, rule};
use wasock_host::{Policy, SocketsCtx, SocketsCtxView, SocketsView};

/// How a guest's life ends; each is the `hostile_trap` mode of that name.
const ENDINGS: [&str; 4] = ["exit", "fail", "trap", "block"];

/// The lifetimes run at once.
const AT_ONCE: usize = 4;

/// The store data of one guest lifetime.
struct Lifetime {
    wasi: WasiCtx,
    sockets: SocketsCtx,
    table: ResourceTable,
}

impl WasiView for Lifetime {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl SocketsView for Lifetime {
    fn sockets(&mut self) -> SocketsCtxView<'_> {
        SocketsCtxView {
            ctx: &mut self.sockets,
            table: &mut self.table,
        }
    }
}

/// Count `/proc/self/fd` before and after 10,000 guest lifetimes (or
/// `WASOCK_LIFETIMES`); each guest holds about twenty sockets, of every
/// family and type, a socket pair of each type and a poller.
#[test]
fn guest_lifetimes_return_every_descriptor() {
    if !alone_in_process("hostile::lifetimes::guest_lifetimes_return_every_descriptor") {
        return;
    }
    let lifetimes: usize = std::env::var("WASOCK_LIFETIMES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let component = wasock_e2e::component(programs::HOSTILE_TRAP);
    let mut linker = Linker::<Lifetime>::new(wasock_e2e::runner().engine());
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).unwrap();
    wasock_host::add_to_linker(&mut linker).unwrap();
    let pre = CommandPre::new(linker.instantiate_pre(&component).unwrap()).unwrap();
    let grant = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_connect(rule("127.0.0.1/32:*"))
            .allow_unix_abstract("");
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        for ending in ENDINGS {
            live(&pre, &grant, ending).await;
        }
        let baseline = open_descriptors();
        let started = Instant::now();
        let tasks: Vec<_> = (0..AT_ONCE)
            .map(|task| {
                let (pre, grant) = (pre.clone(), grant.clone());
                tokio::spawn(async move {
                    for n in (task..lifetimes).step_by(AT_ONCE) {
                        live(&pre, &grant, ENDINGS[n % ENDINGS.len()]).await;
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let after = open_descriptors();
        println!(
            "{lifetimes} guest lifetimes in {:.1} s: {baseline} descriptors open before, {after} after",
            started.elapsed().as_secs_f64()
        );
        assert_eq!(after, baseline, "every descriptor of every guest was closed");
    });
}

/// One guest lifetime, ended as `ending` says; checks that it ended so.
async fn live(pre: &CommandPre<Lifetime>, grant: &Policy, ending: &str) {
    let stdout = MemoryOutputPipe::new(4096);
    let state = Lifetime {
        wasi: WasiCtxBuilder::new()
            .args(&["hostile_trap", ending])
            .stdout(stdout.clone())
            .build(),
        sockets: SocketsCtx::new(grant.clone()),
        table: ResourceTable::new(),
    };
    let mut store = Store::new(pre.engine(), state);
    wasock_host::runner::yield_every_tick(&mut store);
    let command = pre.instantiate_async(&mut store).await.unwrap();
    let run = command.wasi_cli_run().call_run(&mut store);
    tokio::pin!(run);
    let result = loop {
        tokio::select! {
            biased;
            result = &mut run => break Some(result),
            _ = tokio::time::sleep(Duration::from_millis(1)) => {
                if stdout.contents().ends_with(b"blocking\n") {
                    break None;
                }
            }
        }
    };
    let exit_code = |error: &wasmtime::Error| error.downcast_ref::<I32Exit>().map(|exit| exit.0);
    match (ending, &result) {
        ("exit", Some(Ok(Ok(())))) | ("block", None) => {}
        ("fail", Some(Err(error))) if exit_code(error) == Some(1) => {}
        ("trap", Some(Err(error))) if exit_code(error).is_none() => {}
        _ => panic!("a guest meant to {ending} ended with {result:?}"),
    }
}
