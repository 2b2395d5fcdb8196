//! `HostSocket`: one OS socket owned by a guest, with Python's blocking,
//! timeout and non-blocking modes implemented on the host.
//!
//! The OS socket is always non-blocking. Every call first tries the system
//! call; only when it would block, and the socket's mode allows waiting, does
//! the call await readiness from tokio's reactor, up to the socket's timeout.
//! A waiting guest holds a suspended fiber, never a host thread.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::time::Instant;

use crate::core::SocketError;
use crate::core::address::SockAddress;
use crate::core::buffer_charge::{self, BufferSide, Locks};
use crate::core::recv_buffer::{self, RecvBuffer};
use crate::core::{sockopt, unix_path};
use crate::policy::{AddrUse, Policy};

/// An address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `AF_UNIX`
    Unix,
    /// `AF_INET`
    Inet,
    /// `AF_INET6`
    Inet6,
}

/// A socket type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SockType {
    /// `SOCK_STREAM`
    Stream,
    /// `SOCK_DGRAM`
    Dgram,
    /// `SOCK_SEQPACKET`
    SeqPacket,
    /// `SOCK_RAW`
    Raw,
}

impl SockType {
    /// The socket2 type.
    fn os_type(self) -> Type {
        match self {
            SockType::Stream => Type::STREAM,
            SockType::Dgram => Type::DGRAM,
            SockType::SeqPacket => Type::SEQPACKET,
            SockType::Raw => Type::RAW,
        }
    }
}

/// How often a lingering close looks at what is left to deliver.
const LINGER_CHECK: Duration = Duration::from_millis(10);

/// `shutdown(2)`'s `how`.
pub use std::net::Shutdown;

/// Per-call flags for send and receive, as `MSG_*` bits.
pub type MsgFlags = libc::c_int;

/// Flags every send passes: no `SIGPIPE`, and never wait in the kernel,
/// even on a socket whose open file description another process shares
/// in blocking mode (the host waits for readiness itself).
pub(crate) const SEND_FLAGS: MsgFlags = libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT;

/// Flags every receive passes: never wait in the kernel.
pub(crate) const RECV_FLAGS: MsgFlags = libc::MSG_DONTWAIT;

/// How long a call may wait for readiness.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Wait {
    /// Non-blocking: fail with `EAGAIN`.
    Never,
    /// Blocking: wait as long as it takes.
    Forever,
    /// Timeout mode: fail with `ETIMEDOUT` at the deadline.
    Until(Instant),
    /// Blocking with `SO_RCVTIMEO` or `SO_SNDTIMEO`: fail with `EAGAIN` at
    /// the deadline, as a native blocking socket does.
    UntilWouldBlock(Instant),
}

/// The fd as tokio's reactor sees it. The registration never owns the fd:
/// `HostSocket` declares it first so that it is deregistered before the
/// socket closes.
struct Fd(RawFd);

impl AsRawFd for Fd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// What one kernel socket is charged to its guest, shared by the guest's
/// handles of it (a socket and its duplicates).
#[derive(Debug)]
pub(crate) struct Charge {
    /// Send plus receive buffer bytes.
    buffer_bytes: AtomicUsize,
    /// Whether a handle of it was passed in an `SCM_RIGHTS` message, so
    /// that the kernel may keep it alive after the last handle goes.
    passed: AtomicBool,
    /// Whether `SO_SNDBUF` and `SO_RCVBUF` were set, which stops the
    /// kernel from tuning them.
    send_locked: AtomicBool,
    receive_locked: AtomicBool,
    /// Places in the socket quota held for connections waiting in its
    /// accept queue (its backlog and one), when it listens.
    queue: AtomicUsize,
}

impl Charge {
    fn new(buffer_bytes: usize) -> Arc<Charge> {
        Self::with_locks(buffer_bytes, Locks::default())
    }

    fn with_locks(buffer_bytes: usize, locks: Locks) -> Arc<Charge> {
        Arc::new(Charge {
            buffer_bytes: AtomicUsize::new(buffer_bytes),
            passed: AtomicBool::new(false),
            send_locked: AtomicBool::new(locks.send),
            receive_locked: AtomicBool::new(locks.receive),
            queue: AtomicUsize::new(0),
        })
    }

    /// Which buffer sizes are set.
    fn locks(&self) -> Locks {
        Locks {
            send: self.send_locked.load(Ordering::Relaxed),
            receive: self.receive_locked.load(Ordering::Relaxed),
        }
    }

    fn lock(&self, locks: Locks) {
        self.send_locked.store(locks.send, Ordering::Relaxed);
        self.receive_locked.store(locks.receive, Ordering::Relaxed);
    }

    /// Send plus receive buffer bytes charged.
    pub(crate) fn buffer_bytes(&self) -> usize {
        self.buffer_bytes.load(Ordering::Relaxed)
    }

    /// Charge `bytes` from now on.
    pub(crate) fn set_buffer_bytes(&self, bytes: usize) {
        self.buffer_bytes.store(bytes, Ordering::Relaxed);
    }

    /// Places held for the accept queue.
    pub(crate) fn queue_places(&self) -> usize {
        self.queue.load(Ordering::Relaxed)
    }

    /// Whether the socket was passed to someone.
    pub(crate) fn was_passed(&self) -> bool {
        self.passed.load(Ordering::Relaxed)
    }
}

/// A guest's socket.
pub struct HostSocket {
    /// Readiness registration with tokio, made the first time a call has to
    /// wait (registering an unconnected stream socket would report a stale
    /// hang-up).
    registration: Option<AsyncFd<Fd>>,
    /// The OS socket; `None` once the guest called `close`.
    socket: Option<Socket>,
    family: Family,
    sock_type: SockType,
    protocol: i32,
    /// `None`: blocking; zero: non-blocking; otherwise the timeout.
    timeout: Option<Duration>,
    /// `SO_RCVTIMEO` and `SO_SNDTIMEO`: in blocking mode, the longest a
    /// receive or a send waits (the OS socket is non-blocking, so the
    /// kernel's copy of the option never acts).
    recv_timeout: Option<Duration>,
    send_timeout: Option<Duration>,
    /// Whether the socket has a local address (explicit or implicit bind).
    bound: bool,
    /// The IP address the guest bound the socket to, as it asked (port 0
    /// stays 0): what `listen` checks.
    bind_address: Option<SocketAddr>,
    /// For Unix sockets: the local and peer names in the guest's view, which
    /// differ from the names the kernel holds for confined paths.
    unix_local: Option<SockAddress>,
    unix_peer: Option<SockAddress>,
    /// What the kernel socket is charged; `None` once released.
    charge: Option<Arc<Charge>>,
    /// `SO_LINGER` with a time, kept by the host: the kernel's copy stays
    /// off so that no close sleeps in the kernel (see
    /// [`linger_before_close`](Self::linger_before_close)).
    linger: Option<Duration>,
    /// Whether the open file description, shared with the process that
    /// passed the socket, is in blocking mode (see
    /// [`take_over`](Self::take_over)).
    blocking_description: bool,
    /// For a Unix socket bound to a confined path: the directory handle its
    /// kernel name (`/proc/PID/fd/N/NAME`) refers to, kept open while the
    /// socket lives so that the name keeps naming that directory.
    bind_anchor: Option<Arc<OwnedFd>>,
}

impl HostSocket {
    /// Create a socket, like `socket(2)`.
    pub fn new(
        family: Family,
        sock_type: SockType,
        protocol: i32,
    ) -> Result<HostSocket, SocketError> {
        let domain = match family {
            Family::Unix => Domain::UNIX,
            Family::Inet => Domain::IPV4,
            Family::Inet6 => Domain::IPV6,
        };
        let protocol = (protocol != 0).then_some(Protocol::from(protocol));
        let socket = Socket::new(
            domain,
            sock_type.os_type().nonblocking().cloexec(),
            protocol,
        )?;
        Ok(Self::from_socket(socket, family, sock_type, false))
    }

    /// The buffer bytes a new socket of this kind is charged.
    pub(crate) fn new_charge(family: Family, sock_type: SockType) -> usize {
        buffer_charge::new_charge(family, sock_type)
    }

    /// Whether the kernel tunes this socket's buffers by itself: a TCP
    /// socket whose sizes were not both set.
    pub(crate) fn buffers_tuned(&self) -> bool {
        buffer_charge::tuned(self.family, self.sock_type)
            && self
                .charge
                .as_ref()
                .is_some_and(|charge| charge.locks() != Locks::BOTH)
    }

    /// Fix the buffers of a TCP socket at the TCP defaults, turning the
    /// kernel's tuning of them off, and charge what they now hold.
    pub(crate) fn fix_buffers(&mut self) -> Result<(), SocketError> {
        buffer_charge::fix_at_defaults(self.os_socket()?)?;
        if let Some(charge) = &self.charge {
            charge.lock(Locks::BOTH);
        }
        self.note_buffers_set(None)
    }

    /// The most this socket is charged once `side` is set to `size`.
    pub(crate) fn buffer_charge_after(
        &self,
        side: BufferSide,
        size: u64,
    ) -> Result<usize, SocketError> {
        let locks = self.charge.as_ref().map(|c| c.locks()).unwrap_or_default();
        Ok(buffer_charge::charge_after(
            self.os_socket()?,
            self.family,
            self.sock_type,
            locks,
            side,
            size,
        ))
    }

    /// Note that `side`'s size was set (so the kernel tunes it no more) and
    /// charge the buffers anew.
    pub(crate) fn note_buffers_set(&self, side: Option<BufferSide>) -> Result<(), SocketError> {
        let Some(charge) = &self.charge else {
            return Ok(());
        };
        let mut locks = charge.locks();
        if let Some(side) = side {
            locks = locks.with(side);
            charge.lock(locks);
        }
        let bytes = buffer_charge::charge_of(self.os_socket()?, self.family, self.sock_type, locks);
        charge.set_buffer_bytes(bytes);
        Ok(())
    }

    pub(crate) fn from_socket(
        socket: Socket,
        family: Family,
        sock_type: SockType,
        bound: bool,
    ) -> HostSocket {
        let protocol = socket.protocol().ok().flatten().map_or(0, i32::from);
        Self::with_protocol(socket, family, sock_type, bound, protocol)
    }

    /// [`from_socket`](Self::from_socket) for a socket whose protocol is
    /// known, such as an accepted one (its listener's): no `SO_PROTOCOL`
    /// query, which would cost every accepted connection a system call.
    fn with_protocol(
        socket: Socket,
        family: Family,
        sock_type: SockType,
        bound: bool,
        protocol: i32,
    ) -> HostSocket {
        HostSocket {
            registration: None,
            charge: Some(Charge::new(buffer_charge::new_charge(family, sock_type))),
            linger: None,
            blocking_description: false,
            bind_anchor: None,
            socket: Some(socket),
            family,
            sock_type,
            protocol,
            timeout: None,
            recv_timeout: None,
            send_timeout: None,
            bound,
            bind_address: None,
            unix_local: None,
            unix_peer: None,
        }
    }

    /// `socketpair(2)`: two connected, unnamed sockets.
    pub fn pair(
        family: Family,
        sock_type: SockType,
        protocol: i32,
    ) -> Result<(HostSocket, HostSocket), SocketError> {
        if family != Family::Unix {
            return Err(SocketError::errno(libc::EOPNOTSUPP));
        }
        let protocol = (protocol != 0).then_some(Protocol::from(protocol));
        let (a, b) = Socket::pair(
            Domain::UNIX,
            sock_type.os_type().nonblocking().cloexec(),
            protocol,
        )?;
        Ok((
            Self::from_socket(a, family, sock_type, true),
            Self::from_socket(b, family, sock_type, true),
        ))
    }

    /// `dup(2)`: a new socket sharing this one's open file description. It
    /// starts in blocking mode, as Python's `dup` makes it.
    pub fn dup(&self) -> Result<HostSocket, SocketError> {
        let copy = self.os_socket()?.try_clone()?;
        let mut dup =
            Self::with_protocol(copy, self.family, self.sock_type, self.bound, self.protocol);
        dup.bind_address = self.bind_address;
        dup.unix_local = self.unix_local.clone();
        dup.unix_peer = self.unix_peer.clone();
        dup.recv_timeout = self.recv_timeout;
        dup.send_timeout = self.send_timeout;
        dup.charge = self.charge.clone();
        dup.bind_anchor = self.bind_anchor.clone();
        dup.linger = self.linger;
        Ok(dup)
    }

    /// What the kernel socket is charged, until the handle is released.
    pub(crate) fn charge(&self) -> Option<&Arc<Charge>> {
        self.charge.as_ref()
    }

    /// Give up this handle's share of the charge: `Some` when it was the
    /// last handle of the kernel socket.
    pub(crate) fn release_charge(&mut self) -> Option<Charge> {
        self.charge.take().and_then(Arc::into_inner)
    }

    /// Note that `places` of the quota are held for the accept queue of
    /// this socket, which arrived listening.
    pub(crate) fn set_queue_places(&self, places: usize) {
        if let Some(charge) = &self.charge {
            charge.queue.store(places, Ordering::Relaxed);
        }
    }

    /// Note that the socket was passed in an `SCM_RIGHTS` message.
    pub(crate) fn mark_passed(&self) {
        if let Some(charge) = &self.charge {
            charge.passed.store(true, Ordering::Relaxed);
        }
    }

    /// The family given at creation.
    pub fn family(&self) -> Family {
        self.family
    }

    /// The type given at creation.
    pub fn sock_type(&self) -> SockType {
        self.sock_type
    }

    /// The protocol in use (`SO_PROTOCOL`).
    pub fn protocol(&self) -> i32 {
        self.protocol
    }

    /// The OS socket, or `EBADF` once closed.
    pub fn os_socket(&self) -> Result<&Socket, SocketError> {
        self.socket
            .as_ref()
            .ok_or_else(|| SocketError::errno(libc::EBADF))
    }

    /// The raw fd, if the socket is open (for `poll`).
    pub fn raw_fd(&self) -> Option<RawFd> {
        self.socket.as_ref().map(AsRawFd::as_raw_fd)
    }

    /// Python's `gettimeout`.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Python's `settimeout`: `None` blocks, zero never blocks.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// `SO_RCVTIMEO` as set: in blocking mode, the longest a receive or
    /// accept waits before failing with `EAGAIN`.
    pub fn recv_timeout(&self) -> Option<Duration> {
        self.recv_timeout
    }

    /// Set `SO_RCVTIMEO` for the host's waits (the caller sets the kernel's).
    pub fn set_recv_timeout(&mut self, timeout: Option<Duration>) {
        self.recv_timeout = timeout;
    }

    /// `SO_SNDTIMEO` as set: in blocking mode, the longest a send waits
    /// before failing with `EAGAIN`.
    pub fn send_timeout(&self) -> Option<Duration> {
        self.send_timeout
    }

    /// Set `SO_SNDTIMEO` for the host's waits (the caller sets the kernel's).
    pub fn set_send_timeout(&mut self, timeout: Option<Duration>) {
        self.send_timeout = timeout;
    }

    /// `bind(2)`, after the policy grants the address.
    pub fn bind(&mut self, policy: &Policy, address: &SockAddress) -> Result<(), SocketError> {
        match address {
            SockAddress::Ip(ip) => {
                self.expect_ip_family()?;
                let os = self.os_socket()?;
                policy.check_local(AddrUse::Bind, *ip, || sockopt::carries_ipv4(os))?;
                os.bind(&SockAddr::from(*ip))?;
                self.bind_address = Some(*ip);
            }
            SockAddress::UnixPath(path) => {
                self.expect_unix_family()?;
                let confined = unix_path::for_bind(policy, path)?;
                self.os_socket()?.bind(&confined.sockaddr)?;
                self.unix_local = Some(address.clone());
                self.bind_anchor = Some(Arc::new(confined.into_anchor()));
            }
            SockAddress::UnixAbstract(name) => {
                self.expect_unix_family()?;
                policy.check_abstract(AddrUse::Bind, name)?;
                self.os_socket()?.bind(&abstract_sockaddr(name)?)?;
            }
            SockAddress::Unnamed => {
                self.expect_unix_family()?;
                policy.check_autobind()?;
                self.os_socket()?.bind(&abstract_sockaddr(&[])?)?;
            }
        }
        self.bound = true;
        Ok(())
    }

    /// `listen(2)`, after the policy grants listening on the address the
    /// socket was bound to. An unbound IP socket is implicitly bound to an
    /// ephemeral port on the unspecified address, which the policy must
    /// grant.
    pub fn listen(&mut self, policy: &Policy, backlog: u32) -> Result<(), SocketError> {
        if matches!(self.sock_type, SockType::Dgram | SockType::Raw) {
            // Linux refuses before binding anything: no implicit bind to check.
            return Err(SocketError::errno(libc::EOPNOTSUPP));
        }
        let unspecified: SocketAddr = match self.family {
            Family::Inet => (Ipv4Addr::UNSPECIFIED, 0).into(),
            Family::Inet6 => (Ipv6Addr::UNSPECIFIED, 0).into(),
            // Linux refuses to listen on an unbound Unix socket (EINVAL);
            // a bound one was checked when it was bound.
            Family::Unix => return self.set_backlog(backlog),
        };
        let carries_ipv4 = || self.os_socket().is_ok_and(sockopt::carries_ipv4);
        match (self.bound, self.bind_address) {
            (false, _) => {
                policy.check_local(AddrUse::ListenImplicitBind, unspecified, carries_ipv4)?
            }
            (true, Some(asked)) => policy.check_local(AddrUse::Listen, asked, carries_ipv4)?,
            // Bound elsewhere (passed to this guest): its address now. A
            // connected socket cannot listen; the kernel says so (EINVAL).
            (true, None) => {
                let socket = self.os_socket()?;
                if let (Some(local), Err(_)) =
                    (socket.local_addr()?.as_socket(), socket.peer_addr())
                {
                    policy.check_local(AddrUse::Listen, local, carries_ipv4)?;
                }
            }
        }
        self.set_backlog(backlog)
    }

    /// Change the backlog of a listening socket to `backlog`, which holds
    /// `backlog + 1` connections waiting to be accepted, and note the
    /// places that holds in the quota.
    pub(crate) fn set_backlog(&mut self, backlog: u32) -> Result<(), SocketError> {
        self.listen_unchecked(backlog)?;
        if let Some(charge) = &self.charge {
            charge.queue.store(backlog as usize + 1, Ordering::Relaxed);
        }
        Ok(())
    }

    fn listen_unchecked(&mut self, backlog: u32) -> Result<(), SocketError> {
        let backlog = i32::try_from(backlog).unwrap_or(i32::MAX);
        self.os_socket()?.listen(backlog)?;
        self.bound = true;
        Ok(())
    }

    /// `accept4(2)`: the new socket and the peer's address. The new socket
    /// is blocking, as Python's `accept` makes it.
    ///
    /// A peer the policy does not accept (`AddrUse::Accept`) is dropped: its
    /// connection is reset before the guest sees it, and the call goes on
    /// waiting for the next one.
    pub async fn accept(
        &mut self,
        policy: &Policy,
    ) -> Result<(HostSocket, SockAddress), SocketError> {
        self.expect_nonblocking()?;
        let wait = self.wait_mode(0);
        let inspect = self.family != Family::Unix && policy.inspects_peers(AddrUse::Accept);
        let (socket, peer) = self
            .io(Interest::READABLE, wait, |s| {
                loop {
                    let (socket, peer) = s.accept4(libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK)?;
                    match peer.as_socket() {
                        Some(ip) if inspect && !policy.allows_peer(AddrUse::Accept, ip) => {
                            // Reset rather than close gracefully: nothing of the
                            // connection reaches the guest or the peer.
                            let _ = socket.set_linger(Some(Duration::ZERO));
                            drop(socket);
                        }
                        _ => return Ok((socket, peer)),
                    }
                }
            })
            .await?;
        let mut accepted =
            HostSocket::with_protocol(socket, self.family, self.sock_type, true, self.protocol);
        accepted.unix_local = self.unix_local.clone();
        // Linux copies the listener's SO_RCVTIMEO and SO_SNDTIMEO.
        accepted.recv_timeout = self.recv_timeout;
        accepted.send_timeout = self.send_timeout;
        // and its buffer sizes.
        if let Some(listener) = &self.charge {
            accepted.charge = Some(Charge::with_locks(
                listener.buffer_bytes(),
                listener.locks(),
            ));
        }
        accepted.linger = self.linger;
        Ok((accepted, guest_address(policy, &peer)))
    }

    /// `connect(2)`, after the policy grants the address. In blocking and
    /// timeout modes a stream connect waits for completion.
    pub async fn connect(
        &mut self,
        policy: &Policy,
        address: &SockAddress,
    ) -> Result<(), SocketError> {
        let (sockaddr, _anchor) = self.remote_sockaddr(policy, AddrUse::Connect, address)?;
        self.expect_nonblocking()?;
        let wait = self.wait_mode(0);
        let started = self.os_socket()?.connect(&sockaddr);
        let result = match started {
            Ok(()) => Ok(()),
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => match wait {
                Wait::Never => Err(e.into()),
                wait => self.finish_connect(wait).await,
            },
            Err(e) if e.raw_os_error() == Some(libc::EAGAIN) && self.family == Family::Unix => {
                match wait {
                    Wait::Never => Err(e.into()),
                    wait => self.retry_unix_connect(&sockaddr, wait).await,
                }
            }
            Err(e) => Err(e.into()),
        };
        if result.is_ok() || matches!(&result, Err(e) if e.raw_errno() == Some(libc::EINPROGRESS)) {
            self.bound = true;
            // A reconnect replaces the peer; only a confined path needs
            // remembering, as the kernel names it by its host path.
            self.unix_peer = matches!(address, SockAddress::UnixPath(_)).then(|| address.clone());
        }
        result
    }

    /// Wait for an in-progress connect and report how it ended.
    async fn finish_connect(&mut self, wait: Wait) -> Result<(), SocketError> {
        loop {
            self.wait_ready(Interest::WRITABLE, wait).await?;
            let socket = self.os_socket()?;
            if let Some(error) = socket.take_error()? {
                return Err(error.into());
            }
            match socket.peer_addr() {
                Ok(_) => return Ok(()),
                Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// A Unix stream connect fails with `EAGAIN` while the listener's backlog
    /// is full, and no readiness event announces room: retry with back-off.
    async fn retry_unix_connect(
        &mut self,
        sockaddr: &SockAddr,
        wait: Wait,
    ) -> Result<(), SocketError> {
        let mut delay = Duration::from_millis(1);
        loop {
            let sleep_until = Instant::now() + delay;
            if let Wait::Until(deadline) = wait
                && sleep_until > deadline
            {
                return Err(SocketError::timed_out());
            }
            tokio::time::sleep_until(sleep_until).await;
            match self.os_socket()?.connect(sockaddr) {
                Err(e) if e.raw_os_error() == Some(libc::EAGAIN) => {
                    delay = (delay * 2).min(Duration::from_millis(50))
                }
                other => return other.map_err(Into::into),
            }
        }
    }

    /// `send(2)` of at most `data.len()` bytes.
    pub async fn send(&mut self, data: &[u8], flags: MsgFlags) -> Result<usize, SocketError> {
        self.expect_destination()?;
        let wait = self.wait_mode(flags);
        self.io(Interest::WRITABLE, wait, |s| {
            s.send_with_flags(data, flags | SEND_FLAGS)
        })
        .await
    }

    /// Python's `sendall`: send everything, waiting as needed. The timeout
    /// bounds the whole call.
    pub async fn send_all(&mut self, data: &[u8], flags: MsgFlags) -> Result<(), SocketError> {
        let wait = self.wait_mode(flags);
        self.send_all_within(data, flags, wait).await
    }

    /// [`send_all`](Self::send_all) with the wait of a call already under
    /// way: a call that sends its data in pieces keeps one deadline.
    pub(crate) async fn send_all_within(
        &mut self,
        data: &[u8],
        flags: MsgFlags,
        wait: Wait,
    ) -> Result<(), SocketError> {
        self.expect_destination()?;
        let mut sent = 0;
        while sent < data.len() {
            let rest = &data[sent..];
            sent += self
                .io(Interest::WRITABLE, wait, |s| {
                    s.send_with_flags(rest, flags | SEND_FLAGS)
                })
                .await?;
        }
        Ok(())
    }

    /// What the destination of a send is checked as: on a stream socket
    /// the kernel connects to it (TCP Fast Open), so it needs a connect
    /// grant; on any other socket a send-to grant.
    pub(crate) fn destination_use(&self) -> AddrUse {
        match self.sock_type {
            SockType::Stream => AddrUse::Connect,
            _ => AddrUse::SendTo,
        }
    }

    /// `sendto(2)`, after the policy grants the address (see
    /// [`destination_use`](Self::destination_use)).
    pub async fn send_to(
        &mut self,
        policy: &Policy,
        data: &[u8],
        flags: MsgFlags,
        address: &SockAddress,
    ) -> Result<usize, SocketError> {
        let (sockaddr, _anchor) = self.remote_sockaddr(policy, self.destination_use(), address)?;
        let wait = self.wait_mode(flags);
        let sent = self
            .io(Interest::WRITABLE, wait, |s| {
                s.send_to_with_flags(data, &sockaddr, flags | SEND_FLAGS)
            })
            .await;
        self.bound = true;
        match sent {
            // Without a Fast Open cookie the kernel only starts the connect;
            // a blocking caller waits for it and then sends, as natively.
            Err(error)
                if flags & libc::MSG_FASTOPEN != 0
                    && error.raw_errno() == Some(libc::EINPROGRESS)
                    && !matches!(wait, Wait::Never) =>
            {
                self.finish_connect(wait).await?;
                self.send(data, flags & !libc::MSG_FASTOPEN).await
            }
            other => other,
        }
    }

    /// `recv(2)` of at most `max_len` bytes (the caller clamps it).
    ///
    /// `MSG_WAITALL` on a stream socket that may wait keeps receiving until
    /// `max_len` bytes, end of stream or an error; data already received is
    /// returned and the error left for the next call, as the kernel does.
    ///
    /// On an IP datagram socket whose sources the policy checks, this is a
    /// [`recv_from`](Self::recv_from) that drops datagrams from denied
    /// sources.
    pub async fn recv(
        &mut self,
        policy: &Policy,
        max_len: usize,
        flags: MsgFlags,
    ) -> Result<Vec<u8>, SocketError> {
        if self.checks_sources(policy) {
            return Ok(self.recv_from(policy, max_len, flags).await?.0);
        }
        let wait = self.wait_mode(flags);
        let wait_all = flags & libc::MSG_WAITALL != 0
            && flags & libc::MSG_PEEK == 0
            && self.sock_type == SockType::Stream
            && !matches!(wait, Wait::Never);
        let mut buffer = RecvBuffer::new(max_len);
        loop {
            let received = self
                .io(Interest::READABLE, wait, |s| {
                    s.recv_with_flags(
                        recv_buffer::as_uninit(buffer.unfilled()),
                        flags | RECV_FLAGS,
                    )
                })
                .await;
            match received {
                Ok(received) => {
                    buffer.advance(received);
                    if !wait_all || received == 0 || buffer.is_full() {
                        return Ok(buffer.finish());
                    }
                }
                Err(_) if buffer.filled() > 0 => return Ok(buffer.finish()),
                Err(error) => return Err(error),
            }
        }
    }

    /// `recvfrom(2)`: data and the address it came from.
    ///
    /// On an IP datagram socket, a datagram from a source the policy does
    /// not allow (`AddrUse::RecvFrom`) is dropped and the call goes on
    /// waiting for the next one.
    pub async fn recv_from(
        &mut self,
        policy: &Policy,
        max_len: usize,
        flags: MsgFlags,
    ) -> Result<(Vec<u8>, SockAddress), SocketError> {
        let wait = self.wait_mode(flags);
        // The error queue reports on the guest's own sends.
        let check = self.checks_sources(policy) && flags & libc::MSG_ERRQUEUE == 0;
        let mut buffer = RecvBuffer::new(max_len);
        let (received, from) = self
            .io(Interest::READABLE, wait, |s| {
                loop {
                    let (received, from) = s.recv_from_with_flags(
                        recv_buffer::as_uninit(buffer.unfilled()),
                        flags | RECV_FLAGS,
                    )?;
                    match from.as_socket() {
                        Some(source) if check && !policy.allows_peer(AddrUse::RecvFrom, source) => {
                            buffer.discard(received);
                            drop_datagram(s, flags)?
                        }
                        _ => return Ok((received, from)),
                    }
                }
            })
            .await?;
        buffer.advance(received);
        Ok((buffer.finish(), self.guest_source(policy, &from)))
    }

    /// The source of a received datagram in the guest's view. A Unix path
    /// outside the granted directories is unnamed, except on a connected
    /// socket, whose only source is the peer it connected to by its guest
    /// name (the kernel reports a peer this host confined by its host path).
    pub(crate) fn guest_source(&self, policy: &Policy, source: &SockAddr) -> SockAddress {
        match (guest_address(policy, source), &self.unix_peer) {
            (SockAddress::Unnamed, Some(peer)) if source.as_pathname().is_some() => peer.clone(),
            (address, _) => address,
        }
    }

    /// `shutdown(2)`.
    pub fn shutdown(&self, how: Shutdown) -> Result<(), SocketError> {
        Ok(self.os_socket()?.shutdown(how)?)
    }

    /// `close(2)`: release the OS socket now. Later calls fail with `EBADF`.
    pub fn close(&mut self) {
        self.registration = None;
        self.socket = None;
        self.bind_anchor = None;
    }

    /// `SO_LINGER`: `None` when off, else how long a close waits for unsent
    /// data to be delivered.
    pub fn linger(&self) -> Result<Option<Duration>, SocketError> {
        match self.linger {
            Some(time) => Ok(Some(time)),
            None => Ok(self.os_socket()?.linger()?),
        }
    }

    /// Set `SO_LINGER`. A time of zero (reset on close) is the kernel's; a
    /// longer one is kept by the host and the kernel's copy stays off,
    /// because the kernel would make `close(2)` sleep for it on the host's
    /// thread. [`linger_before_close`](Self::linger_before_close) waits instead.
    pub fn set_linger(&mut self, linger: Option<Duration>) -> Result<(), SocketError> {
        let kept = linger.filter(|time| !time.is_zero());
        self.os_socket()?
            .set_linger(if kept.is_some() { None } else { linger })?;
        self.linger = kept;
        Ok(())
    }

    /// `accept(2)` and `connect(2)` have no per-call flag that keeps them
    /// from waiting in the kernel. A socket that arrived with an open file
    /// description in blocking mode (shared with its sender) is switched to
    /// non-blocking before either: the one change to a shared description
    /// the host makes, as the alternative is a host thread asleep.
    fn expect_nonblocking(&mut self) -> Result<(), SocketError> {
        if self.blocking_description {
            self.os_socket()?.set_nonblocking(true)?;
            self.blocking_description = false;
        }
        Ok(())
    }

    /// Take over a socket that arrived from elsewhere (passed, inherited):
    /// its buffers are charged as the kernel reports them, a lingering
    /// close is kept by the host, and its open file description, which
    /// the sender shares, is left in the mode the sender chose.
    pub(crate) fn take_over(&mut self) -> Result<(), SocketError> {
        let socket = self.os_socket()?;
        let charge =
            buffer_charge::charge_of(socket, self.family, self.sock_type, Locks::default());
        self.blocking_description = !socket.nonblocking()?;
        if let Some(shared) = &self.charge {
            shared.set_buffer_bytes(charge);
        }
        self.keep_kernel_linger()
    }

    /// Take over a lingering close from the kernel: a socket that arrives
    /// with `SO_LINGER` set to a time has it kept by the host instead.
    fn keep_kernel_linger(&mut self) -> Result<(), SocketError> {
        if let Some(time) = self.os_socket()?.linger()?.filter(|t| !t.is_zero()) {
            self.os_socket()?.set_linger(None)?;
            self.linger = Some(time);
        }
        Ok(())
    }

    /// Before `close(2)` of a socket with `SO_LINGER` set to a time: wait,
    /// as a suspended call and never on a thread, until the data it still
    /// has to deliver is acknowledged or the time has passed. Like Linux,
    /// only TCP lingers; the data goes on being delivered after the time is
    /// up.
    pub async fn linger_before_close(&mut self) {
        let lingers = self.family != Family::Unix && self.sock_type == SockType::Stream;
        if let (Some(time), true) = (self.linger, lingers) {
            let deadline = Instant::now() + time;
            while self.unsent_bytes() > 0 && Instant::now() < deadline {
                tokio::time::sleep_until(deadline.min(Instant::now() + LINGER_CHECK)).await;
            }
        }
    }

    /// `SIOCOUTQ` of the open socket (zero once closed).
    fn unsent_bytes(&self) -> usize {
        self.socket.as_ref().map_or(0, unsent_bytes)
    }

    /// Take the OS socket out of a socket whose last handle the guest let
    /// go of while it still has data on its way (see
    /// [`crate::core::in_flight::Draining`]): `None` when it has none, or
    /// when it resets on close (`SO_LINGER` zero), and then it closes as
    /// usual.
    pub(crate) fn take_draining(&mut self) -> Option<Socket> {
        let socket = self.socket.as_ref()?;
        if unsent_bytes(socket) == 0 || socket.linger().ok()? == Some(Duration::ZERO) {
            return None;
        }
        self.registration = None;
        self.bind_anchor = None;
        self.socket.take()
    }

    /// `getsockname(2)`, in the guest's view: a Unix path outside the
    /// granted directories (a passed or inherited socket's) is unnamed.
    pub fn local_address(&self, policy: &Policy) -> Result<SockAddress, SocketError> {
        let socket = self.os_socket()?;
        if let Some(name) = &self.unix_local {
            return Ok(name.clone());
        }
        Ok(guest_address(policy, &socket.local_addr()?))
    }

    /// `getpeername(2)`, in the guest's view, like
    /// [`local_address`](Self::local_address).
    pub fn remote_address(&self, policy: &Policy) -> Result<SockAddress, SocketError> {
        let peer = self.os_socket()?.peer_addr()?;
        Ok(match &self.unix_peer {
            Some(name) => name.clone(),
            None => guest_address(policy, &peer),
        })
    }

    /// Whether receives check each datagram's source against the policy: IP
    /// datagram (and raw) sockets, when the policy has recv-from rules or
    /// audits.
    pub(crate) fn checks_sources(&self, policy: &Policy) -> bool {
        self.family != Family::Unix
            && self.sock_type != SockType::Stream
            && policy.inspects_peers(AddrUse::RecvFrom)
    }

    /// Check a remote address against the policy and turn it into a kernel
    /// address. A confined Unix path comes with the handle that anchors it.
    pub(crate) fn remote_sockaddr(
        &self,
        policy: &Policy,
        used_as: AddrUse,
        address: &SockAddress,
    ) -> Result<(SockAddr, Option<unix_path::ConfinedAddr>), SocketError> {
        match address {
            SockAddress::Ip(ip) => {
                self.expect_ip_family()?;
                let local = || self.os_socket().ok()?.local_addr().ok()?.as_socket();
                policy.check_destination(used_as, *ip, local)?;
                Ok((SockAddr::from(*ip), None))
            }
            SockAddress::UnixPath(path) => {
                self.expect_unix_family()?;
                let confined = unix_path::for_connect(policy, used_as.into(), path)?;
                Ok((confined.sockaddr.clone(), Some(confined)))
            }
            SockAddress::UnixAbstract(name) => {
                self.expect_unix_family()?;
                policy.check_abstract(used_as, name)?;
                Ok((abstract_sockaddr(name)?, None))
            }
            SockAddress::Unnamed => {
                self.expect_unix_family()?;
                Err(SocketError::errno(libc::EINVAL))
            }
        }
    }

    /// A send without an address on an IP datagram socket that is neither
    /// bound nor connected fails with `EDESTADDRREQ`, as natively, but
    /// without the kernel's implicit bind to a wildcard port first: no
    /// grant covers that bind (`hostile_implicit_bind` pins it).
    pub(crate) fn expect_destination(&self) -> Result<(), SocketError> {
        if !self.bound && self.family != Family::Unix && self.sock_type != SockType::Stream {
            return Err(SocketError::errno(libc::EDESTADDRREQ));
        }
        Ok(())
    }

    fn expect_ip_family(&self) -> Result<(), SocketError> {
        match self.family {
            Family::Inet | Family::Inet6 => Ok(()),
            Family::Unix => Err(SocketError::errno(libc::EAFNOSUPPORT)),
        }
    }

    fn expect_unix_family(&self) -> Result<(), SocketError> {
        match self.family {
            Family::Unix => Ok(()),
            Family::Inet | Family::Inet6 => Err(SocketError::errno(libc::EAFNOSUPPORT)),
        }
    }

    /// The wait mode for one call: the socket's mode, unless `MSG_DONTWAIT`.
    pub(crate) fn wait_mode(&self, flags: MsgFlags) -> Wait {
        if flags & libc::MSG_DONTWAIT != 0 {
            return Wait::Never;
        }
        match self.timeout {
            None => Wait::Forever,
            Some(timeout) if timeout.is_zero() => Wait::Never,
            Some(timeout) => Wait::Until(Instant::now() + timeout),
        }
    }

    /// Run a non-blocking system call; when it would block, wait for
    /// readiness as the mode allows and try again.
    ///
    /// In blocking mode, `SO_RCVTIMEO` (reading) or `SO_SNDTIMEO` (writing)
    /// bounds each call's wait, from its first wait on.
    pub(crate) async fn io<R>(
        &mut self,
        interest: Interest,
        mut wait: Wait,
        mut call: impl FnMut(&Socket) -> io::Result<R>,
    ) -> Result<R, SocketError> {
        loop {
            match call(self.os_socket()?) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                result => return result.map_err(Into::into),
            }
            match wait {
                Wait::Never => return Err(SocketError::errno(libc::EAGAIN)),
                Wait::Forever => {
                    let limit = if interest.is_readable() {
                        self.recv_timeout
                    } else {
                        self.send_timeout
                    };
                    if let Some(limit) = limit {
                        wait = Wait::UntilWouldBlock(Instant::now() + limit);
                    }
                }
                Wait::Until(_) | Wait::UntilWouldBlock(_) => {}
            }
            self.wait_ready(interest, wait).await?;
        }
    }

    /// Wait until the reactor reports `interest`, then clear the readiness so
    /// that a call that still would block waits for the next event.
    async fn wait_ready(&mut self, interest: Interest, wait: Wait) -> Result<(), SocketError> {
        let registration = match &self.registration {
            Some(registration) => registration,
            None => {
                let fd = self
                    .raw_fd()
                    .ok_or_else(|| SocketError::errno(libc::EBADF))?;
                // SAFETY: the fd belongs to `self.socket`, which is declared
                // after `registration` and so outlives it; `close` drops the
                // registration before the socket.
                let registration = unsafe {
                    AsyncFd::register_with_interest(Fd(fd), Interest::READABLE | Interest::WRITABLE)
                }
                .map_err(io::Error::from)?;
                self.registration.insert(registration)
            }
        };
        let ready = registration.ready(interest);
        let mut guard = match wait {
            Wait::Until(deadline) => tokio::time::timeout_at(deadline, ready)
                .await
                .map_err(|_| SocketError::timed_out())??,
            Wait::UntilWouldBlock(deadline) => tokio::time::timeout_at(deadline, ready)
                .await
                .map_err(|_| SocketError::errno(libc::EAGAIN))??,
            _ => ready.await?,
        };
        let readiness = guard.ready();
        guard.clear_ready();
        drop(guard);
        let hung_up = (interest.is_readable() && readiness.is_read_closed())
            || (interest.is_writable() && readiness.is_write_closed());
        if hung_up {
            // tokio never clears a hang-up, and a waiter for that direction
            // would wake at once forever; register afresh next time so that
            // a socket reused after a failed connect does not spin. A hang-up
            // in the other direction (a half-closed stream) keeps the
            // registration.
            self.registration = None;
        }
        Ok(())
    }
}

/// `SIOCOUTQ`: bytes the socket sent that are not yet acknowledged (TCP)
/// or not yet received (Unix); zero when the kernel does not say.
pub(crate) fn unsent_bytes(socket: &Socket) -> usize {
    let mut unsent: libc::c_int = 0;
    // SAFETY: `TIOCOUTQ` (`SIOCOUTQ`) writes one `int` to the pointer.
    let rc = unsafe { libc::ioctl(socket.as_raw_fd(), libc::TIOCOUTQ, &mut unsent) };
    if rc < 0 {
        0
    } else {
        usize::try_from(unsent).unwrap_or(0)
    }
}

/// Dequeue the datagram a receive just returned from a denied source: with
/// `MSG_PEEK` it is still queued, and a zero-length receive drops it.
pub(crate) fn drop_datagram(socket: &Socket, flags: MsgFlags) -> io::Result<()> {
    if flags & libc::MSG_PEEK != 0 {
        socket.recv_with_flags(&mut [], (flags & !libc::MSG_PEEK) | libc::MSG_DONTWAIT)?;
    }
    Ok(())
}

/// An address the kernel reported, in the guest's view: a Unix path under a
/// granted host directory reads as the guest's name for it, any other host
/// path as unnamed.
pub(crate) fn guest_address(policy: &Policy, address: &SockAddr) -> SockAddress {
    match SockAddress::from_kernel(address) {
        SockAddress::UnixPath(path) => policy
            .guest_view(std::path::Path::new(&path))
            .map_or(SockAddress::Unnamed, SockAddress::UnixPath),
        other => other,
    }
}

/// A Unix address in the abstract namespace; an empty name asks the kernel
/// to autobind (an address of the family alone).
fn abstract_sockaddr(name: &[u8]) -> Result<SockAddr, SocketError> {
    let mut path = Vec::with_capacity(name.len() + 1);
    if !name.is_empty() {
        path.push(0);
        path.extend_from_slice(name);
    }
    SockAddr::unix(std::ffi::OsStr::from_bytes(&path))
        .map_err(|_| SocketError::with_message(libc::EINVAL, "abstract Unix socket name too long"))
}
