//! Typed socket options: `setsockopt(2)` and `getsockopt(2)`.

use std::io;
use std::time::Duration;

use super::{Domain, OptionName, Protocol, Socket, SocketOption, Type, to_u64, to_usize};
use crate::{Error, ErrorCode, error};

/// Reads option `$name` and unpacks the value of the same name.
macro_rules! get {
    ($socket:expr, $name:ident) => {
        match $socket.get_option(OptionName::$name)? {
            SocketOption::$name(value) => value,
            other => return Err(mismatch(OptionName::$name, &other)),
        }
    };
}

impl Socket {
    /// Sets any socket option.
    ///
    /// Calls `socket.set-option`, like `setsockopt(2)`.
    pub fn set_option(&self, value: SocketOption) -> io::Result<()> {
        Ok(self.as_raw().set_option(value)?)
    }

    /// Reads any socket option.
    ///
    /// Calls `socket.get-option`, like `getsockopt(2)`.
    pub fn get_option(&self, name: OptionName) -> io::Result<SocketOption> {
        Ok(self.as_raw().get_option(name)?)
    }

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

    /// Sets `TCP_NODELAY`: disable Nagle's algorithm.
    ///
    /// Calls `socket.set-option(no-delay)`.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.set_option(SocketOption::NoDelay(nodelay))
    }

    /// Reads `TCP_NODELAY`.
    ///
    /// Calls `socket.get-option(no-delay)`.
    pub fn nodelay(&self) -> io::Result<bool> {
        Ok(get!(self, NoDelay))
    }

    /// Sets `TCP_KEEPIDLE`: idle time before keep-alive probes start, in
    /// whole seconds.
    ///
    /// Calls `socket.set-option(keep-alive-idle)`.
    pub fn set_tcp_keepalive_idle(&self, idle: Duration) -> io::Result<()> {
        self.set_option(SocketOption::KeepAliveIdle(whole_seconds(idle)))
    }

    /// Reads `TCP_KEEPIDLE`.
    ///
    /// Calls `socket.get-option(keep-alive-idle)`.
    pub fn tcp_keepalive_idle(&self) -> io::Result<Duration> {
        Ok(Duration::from_secs(get!(self, KeepAliveIdle).into()))
    }

    /// Sets `TCP_KEEPINTVL`: time between keep-alive probes, in whole
    /// seconds.
    ///
    /// Calls `socket.set-option(keep-alive-interval)`.
    pub fn set_tcp_keepalive_interval(&self, interval: Duration) -> io::Result<()> {
        self.set_option(SocketOption::KeepAliveInterval(whole_seconds(interval)))
    }

    /// Reads `TCP_KEEPINTVL`.
    ///
    /// Calls `socket.get-option(keep-alive-interval)`.
    pub fn tcp_keepalive_interval(&self) -> io::Result<Duration> {
        Ok(Duration::from_secs(get!(self, KeepAliveInterval).into()))
    }

    /// Sets `TCP_KEEPCNT`: unanswered probes before the connection drops.
    ///
    /// Calls `socket.set-option(keep-alive-count)`.
    pub fn set_tcp_keepalive_count(&self, count: u32) -> io::Result<()> {
        self.set_option(SocketOption::KeepAliveCount(count))
    }

    /// Reads `TCP_KEEPCNT`.
    ///
    /// Calls `socket.get-option(keep-alive-count)`.
    pub fn tcp_keepalive_count(&self) -> io::Result<u32> {
        Ok(get!(self, KeepAliveCount))
    }

    /// Sets `IP_TTL`, the time-to-live of outgoing IPv4 packets.
    ///
    /// Calls `socket.set-option(ttl)`.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.set_option(SocketOption::Ttl(ttl))
    }

    /// Reads `IP_TTL`.
    ///
    /// Calls `socket.get-option(ttl)`.
    pub fn ttl(&self) -> io::Result<u32> {
        Ok(get!(self, Ttl))
    }

    /// Sets `IPV6_V6ONLY`: restrict an IPv6 socket to IPv6; when false,
    /// IPv4 peers appear as IPv4-mapped addresses. Set it before `bind`.
    ///
    /// Calls `socket.set-option(ipv6-only)`.
    pub fn set_only_v6(&self, only_v6: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6Only(only_v6))
    }

    /// Reads `IPV6_V6ONLY`.
    ///
    /// Calls `socket.get-option(ipv6-only)`.
    pub fn only_v6(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv6Only))
    }

    /// Sets `IPV6_UNICAST_HOPS`, the hop limit of outgoing IPv6 unicast
    /// packets.
    ///
    /// Calls `socket.set-option(unicast-hops)`.
    pub fn set_unicast_hops_v6(&self, hops: u32) -> io::Result<()> {
        self.set_option(SocketOption::UnicastHops(hops))
    }

    /// Reads `IPV6_UNICAST_HOPS`.
    ///
    /// Calls `socket.get-option(unicast-hops)`.
    pub fn unicast_hops_v6(&self) -> io::Result<u32> {
        Ok(get!(self, UnicastHops))
    }
}

/// The host answered `get-option(name)` with another option.
fn mismatch(name: OptionName, value: &SocketOption) -> io::Error {
    let message = format!("the host answered get-option({name:?}) with {value:?}");
    error::local(ErrorCode::ProtocolError, &message)
}

fn whole_seconds(duration: Duration) -> u32 {
    u32::try_from(duration.as_secs()).unwrap_or(u32::MAX)
}
