//! The standard path wasock is measured against: a `wasm32-wasip2` guest
//! whose `std::net` runs over wasmtime-wasi's `wasi:sockets`, linked with
//! WASI alone, TCP and UDP allowed on loopback addresses (what
//! `wasmtime run -S inherit-network,tcp,udp` grants, narrowed to loopback).

use std::net::SocketAddr;

use anyhow::Result;
use wasmtime::Engine;
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime_wasi::p2::bindings::Command;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::sockets::SocketAddrUse;
use wasmtime_wasi::{I32Exit, WasiCtx, WasiCtxView, WasiView};

/// The store data of a guest run on WASI alone.
pub struct WasiState {
    ctx: WasiCtx,
    table: ResourceTable,
}

impl WasiView for WasiState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }
}

/// Runs guests with WASI only (no `wasock:sockets`).
pub struct WasiSockets {
    engine: Engine,
    linker: Linker<WasiState>,
}

impl WasiSockets {
    /// A runner on `engine`, whose configuration must allow async calls;
    /// with a [`wasock_host::runner::Runner`]'s engine, its guests yield
    /// every epoch tick as the runner's do.
    pub fn new(engine: &Engine) -> Result<WasiSockets> {
        let mut linker = Linker::new(engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        Ok(WasiSockets {
            engine: engine.clone(),
            linker,
        })
    }

    /// Run `component`'s `wasi:cli/run` with `args` (including the program
    /// name), its standard output captured in `stdout` and its standard
    /// error inherited; return its exit code. A trap is an error.
    pub async fn run(
        &self,
        component: &Component,
        args: &[String],
        stdout: MemoryOutputPipe,
    ) -> Result<i32> {
        let ctx = WasiCtx::builder()
            .args(args)
            .stdout(stdout)
            .inherit_stderr()
            .allow_tcp(true)
            .allow_udp(true)
            .socket_addr_check(loopback_only)
            .build();
        let state = WasiState {
            ctx,
            table: ResourceTable::new(),
        };
        let mut store = wasmtime::Store::new(&self.engine, state);
        wasock_host::runner::yield_every_tick(&mut store);
        let command = Command::instantiate_async(&mut store, component, &self.linker).await?;
        match command.wasi_cli_run().call_run(&mut store).await {
            Ok(Ok(())) => Ok(0),
            Ok(Err(())) => Ok(1),
            Err(error) => match error.downcast_ref::<I32Exit>() {
                Some(exit) => Ok(exit.0),
                None => Err(error.into()),
            },
        }
    }
}

/// The address check: loopback addresses, and the unspecified address with
/// port 0 for a bind (wasmtime-wasi checks the implicit bind of a connect or
/// send as a bind of that address).
fn loopback_only(
    address: SocketAddr,
    used_as: SocketAddrUse,
) -> std::pin::Pin<Box<dyn Future<Output = bool> + Send + Sync>> {
    let implicit_bind = address.ip().is_unspecified()
        && address.port() == 0
        && matches!(used_as, SocketAddrUse::TcpBind | SocketAddrUse::UdpBind);
    Box::pin(std::future::ready(
        address.ip().is_loopback() || implicit_bind,
    ))
}
