//! Host state: the per-guest sockets context, the borrowed view the WIT
//! adapters work on, and the trait an embedder implements to link wasock.

use std::os::fd::OwnedFd;
use std::sync::Arc;

use wasmtime::component::{HasData, Linker, ResourceTable};

use crate::policy::Policy;

/// What one guest may consume. Exceeding a limit is an error to the guest,
/// never host memory growth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Open sockets and pollers at once (each holds a descriptor); more fail
    /// with `too-many-open-files` (EMFILE).
    pub max_sockets: usize,
    /// Bytes one `recv` allocates or one `send` passes to the kernel; larger
    /// requests are clamped before anything is allocated.
    pub max_bytes_per_call: usize,
    /// Sockets in one `poll`; more fail with `invalid-argument` (EINVAL).
    /// Also the sockets in one poller's set; registering more fails with
    /// `no-buffer-space` (ENOBUFS).
    pub max_poll_targets: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_sockets: 1024,
            max_bytes_per_call: 1 << 20,
            max_poll_targets: 65536,
        }
    }
}

/// The sockets state of one guest: its policy, its limits and what it holds.
///
/// [`SocketsCtx::default`] denies every use of the network.
#[derive(Debug, Clone, Default)]
pub struct SocketsCtx {
    pub(crate) policy: Policy,
    pub(crate) limits: Limits,
    pub(crate) open_sockets: usize,
    pub(crate) inherited: Vec<Arc<OwnedFd>>,
}

impl SocketsCtx {
    /// A context with `policy` and default limits.
    pub fn new(policy: Policy) -> Self {
        SocketsCtx {
            policy,
            limits: Limits::default(),
            open_sockets: 0,
            inherited: Vec::new(),
        }
    }

    /// Hand the guest an open socket, which it takes with
    /// `take-inherited-sockets` (socket activation). The guest gets its own
    /// descriptor of it; clones of this context share the socket.
    pub fn inherit_socket(self, socket: impl Into<OwnedFd>) -> Self {
        self.inherit_shared(Arc::new(socket.into()))
    }

    /// [`inherit_socket`](Self::inherit_socket) for a socket shared with
    /// other contexts: each guest gets its own descriptor.
    pub fn inherit_shared(mut self, socket: Arc<OwnedFd>) -> Self {
        self.inherited.push(socket);
        self
    }

    /// Replace the limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// How many sockets (and pollers) the guest holds open.
    pub fn open_sockets(&self) -> usize {
        self.open_sockets
    }
}

/// A borrowed view of a guest's sockets context and the store's resource
/// table; the WIT host traits are implemented on it.
pub struct SocketsCtxView<'a> {
    /// The guest's sockets context.
    pub ctx: &'a mut SocketsCtx,
    /// The store's resource table, shared with WASI.
    pub table: &'a mut ResourceTable,
}

/// Implemented by an embedder's store data to give wasock its state.
pub trait SocketsView: Send {
    /// The sockets context and resource table of this store.
    fn sockets(&mut self) -> SocketsCtxView<'_>;
}

/// The [`HasData`] marker for linking `wasock:sockets`.
pub struct WasockSockets;

impl HasData for WasockSockets {
    type Data<'a> = SocketsCtxView<'a>;
}

/// Add every `wasock:sockets` interface to `linker`, next to
/// `wasmtime_wasi::p2::add_to_linker_async`.
pub fn add_to_linker<T: SocketsView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    crate::bindings::Sockets::add_to_linker::<T, WasockSockets>(linker, |state| state.sockets())
}
