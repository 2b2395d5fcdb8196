//! `SOL_SOCKET` options.

use std::io;
use std::time::Duration;

use super::whole_seconds;
use crate::Error;
use crate::socket::{
    Credentials, Domain, Protocol, Socket, SocketOption, Type, nanos, to_u64, to_usize,
};

impl Socket {
    /// Sets `SO_REUSEADDR`: allow reuse of local addresses.
    ///
    /// Calls `socket.set-option(reuse-address)`.
    pub fn set_reuse_address(&self, reuse: bool) -> io::Result<()> {
        self.set_option(SocketOption::ReuseAddress(reuse))
    }

    /// Reads `SO_REUSEADDR`.
    ///
    /// Calls `socket.get-option(reuse-address)`.
    pub fn reuse_address(&self) -> io::Result<bool> {
        Ok(get!(self, ReuseAddress))
    }

    /// Sets `SO_REUSEPORT`: allow several sockets to bind the same address
    /// and port.
    ///
    /// Calls `socket.set-option(reuse-port)`.
    pub fn set_reuse_port(&self, reuse: bool) -> io::Result<()> {
        self.set_option(SocketOption::ReusePort(reuse))
    }

    /// Reads `SO_REUSEPORT`.
    ///
    /// Calls `socket.get-option(reuse-port)`.
    pub fn reuse_port(&self) -> io::Result<bool> {
        Ok(get!(self, ReusePort))
    }

    /// Sets `SO_KEEPALIVE`: send keep-alive probes.
    ///
    /// Calls `socket.set-option(keep-alive)`.
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        self.set_option(SocketOption::KeepAlive(keepalive))
    }

    /// Reads `SO_KEEPALIVE`.
    ///
    /// Calls `socket.get-option(keep-alive)`.
    pub fn keepalive(&self) -> io::Result<bool> {
        Ok(get!(self, KeepAlive))
    }

    /// Sets `SO_LINGER`: linger on close for up to this long while unsent
    /// data remains, in whole seconds (fractions are dropped); `None`
    /// disables lingering.
    ///
    /// Calls `socket.set-option(linger)`.
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        self.set_option(SocketOption::Linger(linger.map(whole_seconds)))
    }

    /// Reads `SO_LINGER`.
    ///
    /// Calls `socket.get-option(linger)`.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        Ok(get!(self, Linger).map(|secs| Duration::from_secs(secs.into())))
    }

    /// Sets `SO_RCVBUF`, the receive buffer size in bytes. Linux doubles the
    /// value and reports the doubled value.
    ///
    /// Calls `socket.set-option(receive-buffer-size)`.
    pub fn set_recv_buffer_size(&self, size: usize) -> io::Result<()> {
        self.set_option(SocketOption::ReceiveBufferSize(to_u64(size)))
    }

    /// Reads `SO_RCVBUF`.
    ///
    /// Calls `socket.get-option(receive-buffer-size)`.
    pub fn recv_buffer_size(&self) -> io::Result<usize> {
        Ok(to_usize(get!(self, ReceiveBufferSize)))
    }

    /// Sets `SO_SNDBUF`, the send buffer size in bytes. Linux doubles the
    /// value and reports the doubled value.
    ///
    /// Calls `socket.set-option(send-buffer-size)`.
    pub fn set_send_buffer_size(&self, size: usize) -> io::Result<()> {
        self.set_option(SocketOption::SendBufferSize(to_u64(size)))
    }

    /// Reads `SO_SNDBUF`.
    ///
    /// Calls `socket.get-option(send-buffer-size)`.
    pub fn send_buffer_size(&self) -> io::Result<usize> {
        Ok(to_usize(get!(self, SendBufferSize)))
    }

    /// Sets `SO_BROADCAST`: allow sending to broadcast addresses.
    ///
    /// Calls `socket.set-option(broadcast)`.
    pub fn set_broadcast(&self, broadcast: bool) -> io::Result<()> {
        self.set_option(SocketOption::Broadcast(broadcast))
    }

    /// Reads `SO_BROADCAST`.
    ///
    /// Calls `socket.get-option(broadcast)`.
    pub fn broadcast(&self) -> io::Result<bool> {
        Ok(get!(self, Broadcast))
    }

    /// Sets `SO_OOBINLINE`: deliver out-of-band data in the normal stream.
    ///
    /// Calls `socket.set-option(out-of-band-inline)`.
    pub fn set_out_of_band_inline(&self, inline: bool) -> io::Result<()> {
        self.set_option(SocketOption::OutOfBandInline(inline))
    }

    /// Reads `SO_OOBINLINE`.
    ///
    /// Calls `socket.get-option(out-of-band-inline)`.
    pub fn out_of_band_inline(&self) -> io::Result<bool> {
        Ok(get!(self, OutOfBandInline))
    }

    /// Reads and clears the pending error (`SO_ERROR`), e.g. the outcome of
    /// a non-blocking connect.
    ///
    /// Calls `socket.get-option(pending-error)`.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        Ok(get!(self, PendingError).map(|code| Error::new(code, None).into()))
    }

    /// The socket type (`SO_TYPE`).
    ///
    /// Calls `socket.get-option(socket-type)`.
    pub fn r#type(&self) -> io::Result<Type> {
        Ok(get!(self, SocketType).into())
    }

    /// The address family (`SO_DOMAIN`).
    ///
    /// Calls `socket.get-option(domain)`.
    pub fn domain(&self) -> io::Result<Domain> {
        Ok(get!(self, Domain).into())
    }

    /// The protocol (`SO_PROTOCOL`).
    ///
    /// Calls `socket.get-option(protocol)`.
    pub fn protocol(&self) -> io::Result<Protocol> {
        Ok(get!(self, Protocol).into())
    }

    /// Whether the socket is listening (`SO_ACCEPTCONN`).
    ///
    /// Calls `socket.get-option(accepting-connections)`.
    pub fn is_listener(&self) -> io::Result<bool> {
        Ok(get!(self, AcceptingConnections))
    }

    /// Sets `SO_RCVLOWAT`: the fewest bytes a receive waits for.
    ///
    /// Calls `socket.set-option(receive-low-watermark)`.
    pub fn set_recv_lowat(&self, bytes: u32) -> io::Result<()> {
        self.set_option(SocketOption::ReceiveLowWatermark(bytes))
    }

    /// Reads `SO_RCVLOWAT`.
    ///
    /// Calls `socket.get-option(receive-low-watermark)`.
    pub fn recv_lowat(&self) -> io::Result<u32> {
        Ok(get!(self, ReceiveLowWatermark))
    }

    /// Sets `SO_SNDLOWAT`. Linux does not let it change: this fails with
    /// `not-supported`.
    ///
    /// Calls `socket.set-option(send-low-watermark)`.
    pub fn set_send_lowat(&self, bytes: u32) -> io::Result<()> {
        self.set_option(SocketOption::SendLowWatermark(bytes))
    }

    /// Reads `SO_SNDLOWAT` (always 1 on Linux).
    ///
    /// Calls `socket.get-option(send-low-watermark)`.
    pub fn send_lowat(&self) -> io::Result<u32> {
        Ok(get!(self, SendLowWatermark))
    }

    /// Sets `SO_RCVTIMEO`: in blocking mode, the longest a receive or
    /// accept waits before failing with
    /// [`WouldBlock`](io::ErrorKind::WouldBlock), as std's
    /// `set_read_timeout` does natively. `None` (or zero) waits without
    /// limit. A timeout set with [`Socket::set_timeout`] takes precedence.
    ///
    /// Calls `socket.set-option(receive-timeout)`.
    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        self.set_option(SocketOption::ReceiveTimeout(timeout.map(nanos)))
    }

    /// Reads `SO_RCVTIMEO`.
    ///
    /// Calls `socket.get-option(receive-timeout)`.
    pub fn read_timeout(&self) -> io::Result<Option<Duration>> {
        Ok(get!(self, ReceiveTimeout).map(Duration::from_nanos))
    }

    /// Sets `SO_SNDTIMEO`: in blocking mode, the longest a send waits for
    /// buffer space before failing with
    /// [`WouldBlock`](io::ErrorKind::WouldBlock). `None` (or zero) waits
    /// without limit.
    ///
    /// Calls `socket.set-option(send-timeout)`.
    pub fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        self.set_option(SocketOption::SendTimeout(timeout.map(nanos)))
    }

    /// Reads `SO_SNDTIMEO`.
    ///
    /// Calls `socket.get-option(send-timeout)`.
    pub fn write_timeout(&self) -> io::Result<Option<Duration>> {
        Ok(get!(self, SendTimeout).map(Duration::from_nanos))
    }

    /// Sets `SO_DONTROUTE`: send only to directly connected networks.
    ///
    /// Calls `socket.set-option(dont-route)`.
    pub fn set_dontroute(&self, dontroute: bool) -> io::Result<()> {
        self.set_option(SocketOption::DontRoute(dontroute))
    }

    /// Reads `SO_DONTROUTE`.
    ///
    /// Calls `socket.get-option(dont-route)`.
    pub fn dontroute(&self) -> io::Result<bool> {
        Ok(get!(self, DontRoute))
    }

    /// Sets `SO_PRIORITY`, 0 to 6 (higher values fail with
    /// `not-permitted`).
    ///
    /// Calls `socket.set-option(priority)`.
    pub fn set_priority(&self, priority: u32) -> io::Result<()> {
        self.set_option(SocketOption::Priority(priority))
    }

    /// Reads `SO_PRIORITY`.
    ///
    /// Calls `socket.get-option(priority)`.
    pub fn priority(&self) -> io::Result<u32> {
        Ok(get!(self, Priority))
    }

    /// Sets `SO_PASSCRED`: receive the sender's credentials with each
    /// message (Unix sockets only).
    ///
    /// Calls `socket.set-option(pass-credentials)`.
    pub fn set_passcred(&self, passcred: bool) -> io::Result<()> {
        self.set_option(SocketOption::PassCredentials(passcred))
    }

    /// Reads `SO_PASSCRED`.
    ///
    /// Calls `socket.get-option(pass-credentials)`.
    pub fn passcred(&self) -> io::Result<bool> {
        Ok(get!(self, PassCredentials))
    }

    /// The credentials of the peer process (`SO_PEERCRED`); for a peer in
    /// a wasock guest, those of the host process.
    ///
    /// Calls `socket.get-option(peer-credentials)`.
    pub fn peer_credentials(&self) -> io::Result<Credentials> {
        Ok(get!(self, PeerCredentials))
    }

    /// Sets `SO_TIMESTAMP`: report the receive time of each message.
    ///
    /// Calls `socket.set-option(timestamp)`.
    pub fn set_timestamp(&self, timestamp: bool) -> io::Result<()> {
        self.set_option(SocketOption::Timestamp(timestamp))
    }

    /// Reads `SO_TIMESTAMP`.
    ///
    /// Calls `socket.get-option(timestamp)`.
    pub fn timestamp(&self) -> io::Result<bool> {
        Ok(get!(self, Timestamp))
    }

    /// Sets `SO_DEBUG`. Turning it on needs `CAP_NET_ADMIN` and fails with
    /// `not-permitted`; turning it off always works.
    ///
    /// Calls `socket.set-option(debug)`.
    pub fn set_debug(&self, debug: bool) -> io::Result<()> {
        self.set_option(SocketOption::Debug(debug))
    }

    /// Reads `SO_DEBUG`.
    ///
    /// Calls `socket.get-option(debug)`.
    pub fn debug(&self) -> io::Result<bool> {
        Ok(get!(self, Debug))
    }

    /// Sets `SO_INCOMING_CPU`: the CPU whose packets a `SO_REUSEPORT`
    /// group steers to this socket; `None` for no CPU.
    ///
    /// Calls `socket.set-option(incoming-cpu)`.
    pub fn set_cpu_affinity(&self, cpu: Option<u32>) -> io::Result<()> {
        self.set_option(SocketOption::IncomingCpu(cpu))
    }

    /// Reads `SO_INCOMING_CPU`: the CPU that last processed the socket's
    /// packets, `None` before any.
    ///
    /// Calls `socket.get-option(incoming-cpu)`.
    pub fn cpu_affinity(&self) -> io::Result<Option<u32>> {
        Ok(get!(self, IncomingCpu))
    }

    /// Sets `SO_PASSSEC`: receive the sender's security label with each
    /// message (Unix sockets only).
    ///
    /// Calls `socket.set-option(pass-security)`.
    pub fn set_passsec(&self, passsec: bool) -> io::Result<()> {
        self.set_option(SocketOption::PassSecurity(passsec))
    }

    /// Reads `SO_PASSSEC`.
    ///
    /// Calls `socket.get-option(pass-security)`.
    pub fn passsec(&self) -> io::Result<bool> {
        Ok(get!(self, PassSecurity))
    }

    /// The peer's security label (`SO_PEERSEC`); fails with
    /// `not-supported` when the host's security module labels none.
    ///
    /// Calls `socket.get-option(peer-security)`.
    pub fn peer_security(&self) -> io::Result<String> {
        Ok(get!(self, PeerSecurity))
    }
}
