//! Host state: the per-guest sockets context, the borrowed view the WIT
//! adapters work on, and the trait an embedder implements to link wasock.

use std::os::fd::OwnedFd;
use std::sync::Arc;

use wasmtime::component::{HasData, Linker, ResourceTable};

use crate::core::in_flight::InFlight;
use crate::core::lookups::LookupSlots;
use crate::policy::Policy;

/// What one guest may consume. Exceeding a limit is an error to the guest,
/// never host memory growth.
///
/// `docs/security.md` lists each limit with the test that shows it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Sockets and pollers alive at once; more fail with
    /// `too-many-open-files` (EMFILE). A socket counts until the kernel
    /// releases it: a socket the guest passed in an `SCM_RIGHTS` message
    /// counts after its handles are gone, for as long as the message
    /// holding it is queued or its receiver keeps it. Default 1024.
    pub max_sockets: usize,
    /// Socket-buffer memory the guest's sockets may hold in the kernel:
    /// the most the send and receive buffers of every socket alive (as
    /// [`max_sockets`](Self::max_sockets) counts them) may hold. A TCP
    /// buffer the kernel tunes is charged the tuning's maximum
    /// (`net.ipv4.tcp_wmem`/`tcp_rmem`), any other the size the kernel
    /// reports (the defaults for a new socket). A new TCP socket is charged
    /// its maxima only while that leaves half the budget free, and gets
    /// its buffers fixed at the TCP defaults otherwise; any other new socket, or a buffer size, beyond it fails
    /// with `no-buffer-space` (ENOBUFS). Default 512 MiB.
    pub max_buffer_bytes: usize,
    /// Bytes one call moves between the guest and a socket. A receive
    /// (`recv`, `recv-from`, `recv-msg`) asking for more is clamped before
    /// anything is allocated; a stream send (`send`, `send-to`, `send-msg`)
    /// of more sends this much and returns the count, as a full socket
    /// buffer would; a larger datagram fails with `message-too-long`
    /// (EMSGSIZE). `send-all` is bounded by
    /// [`max_in_flight_bytes`](Self::max_in_flight_bytes) instead. Default
    /// 1 MiB.
    pub max_bytes_per_call: usize,
    /// Bytes of the guest's outgoing data the host holds at once: every send
    /// copies at most this much out of the guest's memory, and `send-all`
    /// sends larger data in pieces of this size, within its one deadline.
    /// Default 1 MiB.
    pub max_in_flight_bytes: usize,
    /// Sockets in one `poll`; more fail with `invalid-argument` (EINVAL),
    /// before the list is copied. Also the sockets in one poller's set;
    /// registering more fails with `no-buffer-space` (ENOBUFS). Default
    /// 65536.
    pub max_poll_targets: usize,
    /// Name lookups (`get-address-info`, `get-name-info`,
    /// `get-host-by-name`, `get-host-by-address`) in progress at once for
    /// the guests holding this context or its clones; more fail at once
    /// with `memory` (EAI_MEMORY), or `try-again` for the host database
    /// calls. Each lookup holds a thread of the host's blocking pool.
    /// Default 4.
    pub max_dns_lookups: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_sockets: 1024,
            max_buffer_bytes: 512 << 20,
            max_bytes_per_call: 1 << 20,
            max_in_flight_bytes: 1 << 20,
            max_poll_targets: 65536,
            max_dns_lookups: 4,
        }
    }
}

/// Parse a byte count, as the quota flags and policy files write it: digits, optionally followed by K, M or G (KiB, MiB, GiB),
/// not zero (no call could then move a byte; a receive would look like the
/// end of the stream).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let (digits, shift) = match text.char_indices().last() {
        Some((at, 'k' | 'K')) => (&text[..at], 10),
        Some((at, 'm' | 'M')) => (&text[..at], 20),
        Some((at, 'g' | 'G')) => (&text[..at], 30),
        _ => (text, 0),
    };
    let count: usize = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as 4096, 64K, 16M or 1G"))?;
    match count.checked_mul(1 << shift) {
        Some(0) => Err("a size must be at least one byte".into()),
        Some(size) => Ok(size),
        None => Err(format!("`{text}` is too large")),
    }
}

/// The sockets state of one guest: its policy, its limits and what it holds.
///
/// [`SocketsCtx::default`] denies every use of the network.
#[derive(Debug, Clone)]
pub struct SocketsCtx {
    pub(crate) policy: Policy,
    pub(crate) limits: Limits,
    /// Socket and poller handles held.
    pub(crate) open_sockets: usize,
    /// Buffer bytes charged for the sockets held.
    pub(crate) buffer_bytes: usize,
    /// Places held for the accept queues of listening sockets.
    pub(crate) queued: usize,
    /// Sockets passed away and let go of that the kernel keeps alive.
    pub(crate) in_flight: InFlight,
    pub(crate) inherited: Vec<Arc<OwnedFd>>,
    /// Places for name lookups in progress; clones share them.
    pub(crate) lookups: LookupSlots,
}

impl Default for SocketsCtx {
    fn default() -> Self {
        SocketsCtx::new(Policy::default())
    }
}

impl SocketsCtx {
    /// A context with `policy` and default limits (the socket-buffer
    /// budget its file sets, if any).
    pub fn new(policy: Policy) -> Self {
        let limits = Limits {
            max_buffer_bytes: policy
                .max_socket_buffers()
                .unwrap_or(Limits::default().max_buffer_bytes),
            ..Limits::default()
        };
        SocketsCtx {
            policy,
            lookups: LookupSlots::new(limits.max_dns_lookups),
            limits,
            open_sockets: 0,
            buffer_bytes: 0,
            queued: 0,
            in_flight: InFlight::default(),
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

    /// Replace the limits. The lookup places are new, no longer shared with
    /// the clones made before.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.lookups = LookupSlots::new(limits.max_dns_lookups);
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

    /// How many sockets the guest passed away in messages and no longer
    /// holds, that the kernel may still keep alive (they count against
    /// [`Limits::max_sockets`] until it releases them).
    pub fn sockets_in_flight(&self) -> usize {
        self.in_flight.sockets()
    }

    /// Socket-buffer bytes charged to the guest (see
    /// [`Limits::max_buffer_bytes`]), those of sockets in flight included.
    pub fn buffer_bytes(&self) -> usize {
        self.buffer_bytes + self.in_flight.buffer_bytes()
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
///
/// The calls that take a list as large as the guest's memory (the sends'
/// data, `poll`'s targets) read it in place, copying no more than the
/// guest's [`Limits`] allow. Defining them over the generated ones leaves
/// the linker's shadowing disallowed, as a new linker has it.
pub fn add_to_linker<T: SocketsView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    crate::bindings::Sockets::add_to_linker::<T, WasockSockets>(linker, |state| state.sockets())?;
    crate::host::bounded::add_to_linker(linker)
}
