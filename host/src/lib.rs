//! wasock's host: the `wasock:sockets` world implemented with real OS
//! sockets behind a deny-by-default capability policy, for wasmtime.
//!
//! Link it next to WASI:
//!
//! ```no_run
//! use wasmtime::component::{Linker, ResourceTable};
//! use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
//! use wasock_host::{Policy, SocketsCtx, SocketsCtxView, SocketsView};
//!
//! struct State { wasi: WasiCtx, sockets: SocketsCtx, table: ResourceTable }
//!
//! impl WasiView for State {
//!     fn ctx(&mut self) -> WasiCtxView<'_> { WasiCtxView { ctx: &mut self.wasi, table: &mut self.table } }
//! }
//! impl SocketsView for State {
//!     fn sockets(&mut self) -> SocketsCtxView<'_> { SocketsCtxView { ctx: &mut self.sockets, table: &mut self.table } }
//! }
//!
//! # fn main() -> anyhow::Result<()> {
//! let engine = wasmtime::Engine::new(&wasmtime::Config::new())?;
//! let mut linker = Linker::<State>::new(&engine);
//! wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
//! wasock_host::add_to_linker(&mut linker)?;
//! let policy = Policy::builder().allow_connect("127.0.0.1/32:8080".parse()?).build()?;
//! let state = State { wasi: WasiCtx::builder().build(), sockets: SocketsCtx::new(policy), table: ResourceTable::new() };
//! # let _ = state; Ok(()) }
//! ```
#![deny(missing_docs)]

#[allow(
    missing_docs,
    reason = "generated from the WIT, whose doc comments it carries"
)]
pub mod bindings;
pub mod cli;
pub mod core;
mod ctx;
mod host;
pub mod policy;
pub mod python;
pub mod runner;

pub use ctx::{Limits, SocketsCtx, SocketsCtxView, SocketsView, WasockSockets, add_to_linker};
pub use policy::{
    AddrRule, AddrUse, AuditEvent, AuditHook, NamePattern, Policy, PolicyBuilder, PolicyError,
    PortRange, UnixDir,
};
