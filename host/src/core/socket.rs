//! `HostSocket`: one OS socket owned by a guest, with Python's blocking,
//! timeout and non-blocking modes implemented on the host.
//!
//! The OS socket is always non-blocking. Every call first tries the system
//! call; only when it would block, and the socket's mode allows waiting, does
//! the call await readiness from tokio's reactor, up to the socket's timeout.
//! A waiting guest holds a suspended fiber, never a host thread.

use std::io;
use std::mem::MaybeUninit;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::time::Instant;

use crate::core::SocketError;
use crate::core::address::SockAddress;
use crate::core::unix_path;
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

/// `shutdown(2)`'s `how`.
pub use std::net::Shutdown;

/// Per-call flags for send and receive, as `MSG_*` bits.
pub type MsgFlags = libc::c_int;

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
    /// For Unix sockets: the local and peer names in the guest's view, which
    /// differ from the names the kernel holds for confined paths.
    unix_local: Option<SockAddress>,
    unix_peer: Option<SockAddress>,
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

    pub(crate) fn from_socket(
        socket: Socket,
        family: Family,
        sock_type: SockType,
        bound: bool,
    ) -> HostSocket {
        let protocol = socket.protocol().ok().flatten().map_or(0, i32::from);
        HostSocket {
            registration: None,
            socket: Some(socket),
            family,
            sock_type,
            protocol,
            timeout: None,
            recv_timeout: None,
            send_timeout: None,
            bound,
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
        let mut dup = Self::from_socket(copy, self.family, self.sock_type, self.bound);
        dup.protocol = self.protocol;
        dup.unix_local = self.unix_local.clone();
        dup.unix_peer = self.unix_peer.clone();
        dup.recv_timeout = self.recv_timeout;
        dup.send_timeout = self.send_timeout;
        Ok(dup)
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
                policy.check_ip(AddrUse::Bind, *ip)?;
                self.os_socket()?.bind(&SockAddr::from(*ip))?;
            }
            SockAddress::UnixPath(path) => {
                self.expect_unix_family()?;
                let confined = unix_path::for_bind(policy, path)?;
                self.os_socket()?.bind(&confined.sockaddr)?;
                self.unix_local = Some(address.clone());
            }
            SockAddress::UnixAbstract(name) => {
                self.expect_unix_family()?;
                policy.check_abstract(name)?;
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

    /// `listen(2)`. An unbound IP socket is implicitly bound to an ephemeral
    /// port on the unspecified address, which the policy must grant.
    pub fn listen(&mut self, policy: &Policy, backlog: u32) -> Result<(), SocketError> {
        if !self.bound {
            match self.family {
                Family::Inet => policy.check_ip(
                    AddrUse::ListenImplicitBind,
                    (Ipv4Addr::UNSPECIFIED, 0).into(),
                )?,
                Family::Inet6 => policy.check_ip(
                    AddrUse::ListenImplicitBind,
                    (Ipv6Addr::UNSPECIFIED, 0).into(),
                )?,
                // Linux refuses to listen on an unbound Unix socket (EINVAL).
                Family::Unix => {}
            }
        }
        let backlog = i32::try_from(backlog).unwrap_or(i32::MAX);
        self.os_socket()?.listen(backlog)?;
        self.bound = true;
        Ok(())
    }

    /// `accept4(2)`: the new socket and the peer's address. The new socket
    /// is blocking, as Python's `accept` makes it.
    pub async fn accept(&mut self) -> Result<(HostSocket, SockAddress), SocketError> {
        let wait = self.wait_mode(0);
        let (socket, peer) = self
            .io(Interest::READABLE, wait, |s| {
                s.accept4(libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK)
            })
            .await?;
        let mut accepted = HostSocket::from_socket(socket, self.family, self.sock_type, true);
        accepted.protocol = self.protocol;
        accepted.unix_local = self.unix_local.clone();
        // Linux copies the listener's SO_RCVTIMEO and SO_SNDTIMEO.
        accepted.recv_timeout = self.recv_timeout;
        accepted.send_timeout = self.send_timeout;
        Ok((accepted, SockAddress::from_kernel(&peer)))
    }

    /// `connect(2)`, after the policy grants the address. In blocking and
    /// timeout modes a stream connect waits for completion.
    pub async fn connect(
        &mut self,
        policy: &Policy,
        address: &SockAddress,
    ) -> Result<(), SocketError> {
        let (sockaddr, _anchor) = self.remote_sockaddr(policy, AddrUse::Connect, address)?;
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
            if let SockAddress::UnixPath(_) = address {
                self.unix_peer = Some(address.clone());
            }
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
        let wait = self.wait_mode(flags);
        self.io(Interest::WRITABLE, wait, |s| {
            s.send_with_flags(data, flags | libc::MSG_NOSIGNAL)
        })
        .await
    }

    /// Python's `sendall`: send everything, waiting as needed. The timeout
    /// bounds the whole call.
    pub async fn send_all(&mut self, data: &[u8], flags: MsgFlags) -> Result<(), SocketError> {
        let wait = self.wait_mode(flags);
        let mut sent = 0;
        while sent < data.len() {
            let rest = &data[sent..];
            sent += self
                .io(Interest::WRITABLE, wait, |s| {
                    s.send_with_flags(rest, flags | libc::MSG_NOSIGNAL)
                })
                .await?;
        }
        Ok(())
    }

    /// `sendto(2)`, after the policy grants the address.
    pub async fn send_to(
        &mut self,
        policy: &Policy,
        data: &[u8],
        flags: MsgFlags,
        address: &SockAddress,
    ) -> Result<usize, SocketError> {
        let (sockaddr, _anchor) = self.remote_sockaddr(policy, AddrUse::SendTo, address)?;
        let wait = self.wait_mode(flags);
        let sent = self
            .io(Interest::WRITABLE, wait, |s| {
                s.send_to_with_flags(data, &sockaddr, flags | libc::MSG_NOSIGNAL)
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
    pub async fn recv(&mut self, max_len: usize, flags: MsgFlags) -> Result<Vec<u8>, SocketError> {
        let wait = self.wait_mode(flags);
        let wait_all = flags & libc::MSG_WAITALL != 0
            && flags & libc::MSG_PEEK == 0
            && self.sock_type == SockType::Stream
            && !matches!(wait, Wait::Never);
        let mut buffer = Vec::with_capacity(max_len);
        loop {
            let filled = buffer.len();
            let spare = max_len - filled;
            let received = self
                .io(Interest::READABLE, wait, |s| {
                    s.recv_with_flags(buffer.spare_capacity_mut(), flags)
                })
                .await;
            match received {
                Ok(received) => {
                    // SAFETY: the kernel initialised `received` bytes after
                    // `filled`; with `MSG_TRUNC` it may report more than fit.
                    unsafe { buffer.set_len(filled + received.min(spare)) };
                    if !wait_all || received == 0 || buffer.len() == max_len {
                        return Ok(buffer);
                    }
                }
                Err(_) if filled > 0 => return Ok(buffer),
                Err(error) => return Err(error),
            }
        }
    }

    /// `recvfrom(2)`: data and the address it came from.
    pub async fn recv_from(
        &mut self,
        max_len: usize,
        flags: MsgFlags,
    ) -> Result<(Vec<u8>, SockAddress), SocketError> {
        let wait = self.wait_mode(flags);
        let mut buffer: Vec<u8> = Vec::with_capacity(max_len);
        let (received, from) = self
            .io(Interest::READABLE, wait, |s| {
                s.recv_from_with_flags(buffer.spare_capacity_mut() as &mut [MaybeUninit<u8>], flags)
            })
            .await?;
        // SAFETY: as in `recv`.
        unsafe { buffer.set_len(received.min(max_len)) };
        let mut from_guest = SockAddress::from_kernel(&from);
        if from_guest == SockAddress::Unnamed && from.as_pathname().is_some() {
            // A peer confined by this host: a connected socket knows its
            // name in the guest's view.
            if let Some(peer) = &self.unix_peer {
                from_guest = peer.clone();
            }
        }
        Ok((buffer, from_guest))
    }

    /// `shutdown(2)`.
    pub fn shutdown(&self, how: Shutdown) -> Result<(), SocketError> {
        Ok(self.os_socket()?.shutdown(how)?)
    }

    /// `close(2)`: release the OS socket now. Later calls fail with `EBADF`.
    pub fn close(&mut self) {
        self.registration = None;
        self.socket = None;
    }

    /// `getsockname(2)`, in the guest's view.
    pub fn local_address(&self) -> Result<SockAddress, SocketError> {
        let socket = self.os_socket()?;
        if let Some(name) = &self.unix_local {
            return Ok(name.clone());
        }
        Ok(SockAddress::from_kernel(&socket.local_addr()?))
    }

    /// `getpeername(2)`, in the guest's view.
    pub fn remote_address(&self) -> Result<SockAddress, SocketError> {
        let peer = self.os_socket()?.peer_addr()?;
        Ok(match &self.unix_peer {
            Some(name) => name.clone(),
            None => SockAddress::from_kernel(&peer),
        })
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
                policy.check_ip(used_as, *ip)?;
                Ok((SockAddr::from(*ip), None))
            }
            SockAddress::UnixPath(path) => {
                self.expect_unix_family()?;
                let confined = unix_path::for_connect(policy, path)?;
                Ok((confined.sockaddr.clone(), Some(confined)))
            }
            SockAddress::UnixAbstract(name) => {
                self.expect_unix_family()?;
                policy.check_abstract(name)?;
                Ok((abstract_sockaddr(name)?, None))
            }
            SockAddress::Unnamed => {
                self.expect_unix_family()?;
                Err(SocketError::errno(libc::EINVAL))
            }
        }
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
        if readiness.is_read_closed() || readiness.is_write_closed() {
            // tokio never clears a hang-up; register afresh next time so that
            // a socket reused after a failed connect does not spin.
            self.registration = None;
        }
        Ok(())
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
