//! Typed socket options: `setsockopt(2)` and `getsockopt(2)`.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use super::{
    Credentials, Domain, MtuDiscovery, OptionName, Protocol, Socket, SocketOption, TcpInfo, Type,
    nanos, to_u64, to_usize,
};
use crate::bindings::wasock::sockets::socket::{
    Ipv4Membership, Ipv4SourceMembership, Ipv6Membership,
};
use crate::bindings::wasock::sockets::types::Ipv4Address;
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
        Ok(self.as_raw().set_option(&value)?)
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

/// `SOL_SOCKET` options beyond the basics.
impl Socket {
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
}

/// `IPPROTO_TCP` options beyond the basics.
impl Socket {
    /// Sets `TCP_USER_TIMEOUT`: how long sent data may stay
    /// unacknowledged before the connection drops, in whole milliseconds
    /// (a nonzero remainder rounds up); `None` uses the system default.
    ///
    /// Calls `socket.set-option(user-timeout)`.
    pub fn set_tcp_user_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        let millis = timeout.map_or(0, |t| {
            u32::try_from(t.as_nanos().div_ceil(1_000_000)).unwrap_or(u32::MAX)
        });
        self.set_option(SocketOption::UserTimeout(millis))
    }

    /// Reads `TCP_USER_TIMEOUT`; `None` is the system default.
    ///
    /// Calls `socket.get-option(user-timeout)`.
    pub fn tcp_user_timeout(&self) -> io::Result<Option<Duration>> {
        let millis = get!(self, UserTimeout);
        Ok((millis != 0).then(|| Duration::from_millis(millis.into())))
    }

    /// Sets `TCP_CORK`: hold back partial segments until uncorked.
    ///
    /// Calls `socket.set-option(cork)`.
    pub fn set_tcp_cork(&self, cork: bool) -> io::Result<()> {
        self.set_option(SocketOption::Cork(cork))
    }

    /// Reads `TCP_CORK`.
    ///
    /// Calls `socket.get-option(cork)`.
    pub fn tcp_cork(&self) -> io::Result<bool> {
        Ok(get!(self, Cork))
    }

    /// Sets `TCP_QUICKACK`: acknowledge at once. The kernel may leave
    /// quick-ack mode on its own.
    ///
    /// Calls `socket.set-option(quick-ack)`.
    pub fn set_tcp_quickack(&self, quickack: bool) -> io::Result<()> {
        self.set_option(SocketOption::QuickAck(quickack))
    }

    /// Reads `TCP_QUICKACK`.
    ///
    /// Calls `socket.get-option(quick-ack)`.
    pub fn tcp_quickack(&self) -> io::Result<bool> {
        Ok(get!(self, QuickAck))
    }

    /// Sets `TCP_FASTOPEN` on a listener: the queue length of Fast Open
    /// connections not yet accepted; 0 disables Fast Open.
    ///
    /// Calls `socket.set-option(fast-open)`.
    pub fn set_tcp_fastopen(&self, queue: u32) -> io::Result<()> {
        self.set_option(SocketOption::FastOpen(queue))
    }

    /// Reads `TCP_FASTOPEN`.
    ///
    /// Calls `socket.get-option(fast-open)`.
    pub fn tcp_fastopen(&self) -> io::Result<u32> {
        Ok(get!(self, FastOpen))
    }

    /// Sets `TCP_MAXSEG`, the maximum segment size: 0 or 88 to 32767.
    ///
    /// Calls `socket.set-option(max-segment)`.
    pub fn set_tcp_mss(&self, mss: u32) -> io::Result<()> {
        self.set_option(SocketOption::MaxSegment(mss))
    }

    /// Reads `TCP_MAXSEG`.
    ///
    /// Calls `socket.get-option(max-segment)`.
    pub fn tcp_mss(&self) -> io::Result<u32> {
        Ok(get!(self, MaxSegment))
    }

    /// Sets `TCP_NOTSENT_LOWAT`: unsent bytes beyond which the socket no
    /// longer polls writable; 0 is the system default.
    ///
    /// Calls `socket.set-option(not-sent-low-watermark)`.
    pub fn set_tcp_notsent_lowat(&self, bytes: u32) -> io::Result<()> {
        self.set_option(SocketOption::NotSentLowWatermark(bytes))
    }

    /// Reads `TCP_NOTSENT_LOWAT`.
    ///
    /// Calls `socket.get-option(not-sent-low-watermark)`.
    pub fn tcp_notsent_lowat(&self) -> io::Result<u32> {
        Ok(get!(self, NotSentLowWatermark))
    }

    /// Sets `TCP_CONGESTION`, the congestion-control algorithm (`"cubic"`,
    /// `"reno"`, …): one of the host's
    /// `/proc/sys/net/ipv4/tcp_allowed_congestion_control`.
    ///
    /// Calls `socket.set-option(congestion-control)`.
    pub fn set_tcp_congestion(&self, algorithm: &str) -> io::Result<()> {
        self.set_option(SocketOption::CongestionControl(algorithm.to_owned()))
    }

    /// Reads `TCP_CONGESTION`.
    ///
    /// Calls `socket.get-option(congestion-control)`.
    pub fn tcp_congestion(&self) -> io::Result<String> {
        Ok(get!(self, CongestionControl))
    }

    /// The connection's state and counters (`TCP_INFO`).
    ///
    /// Calls `socket.get-option(tcp-info)`.
    pub fn tcp_info(&self) -> io::Result<TcpInfo> {
        Ok(get!(self, TcpInfo))
    }
}

/// `IPPROTO_IP` options beyond the basics, multicast included.
impl Socket {
    /// Sets `IP_TOS`, the type-of-service byte of outgoing packets, 0 to 255.
    ///
    /// Calls `socket.set-option(type-of-service)`.
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.set_option(SocketOption::TypeOfService(tos))
    }

    /// Reads `IP_TOS`.
    ///
    /// Calls `socket.get-option(type-of-service)`.
    pub fn tos_v4(&self) -> io::Result<u32> {
        Ok(get!(self, TypeOfService))
    }

    /// Sets `IP_RECVTOS`: receive each datagram's type of service with
    /// `recv-msg`.
    ///
    /// Calls `socket.set-option(receive-type-of-service)`.
    pub fn set_recv_tos_v4(&self, recv_tos: bool) -> io::Result<()> {
        self.set_option(SocketOption::ReceiveTypeOfService(recv_tos))
    }

    /// Reads `IP_RECVTOS`.
    ///
    /// Calls `socket.get-option(receive-type-of-service)`.
    pub fn recv_tos_v4(&self) -> io::Result<bool> {
        Ok(get!(self, ReceiveTypeOfService))
    }

    /// Sets `IP_PKTINFO`: receive each datagram's interface and addresses
    /// with `recv-msg`.
    ///
    /// Calls `socket.set-option(ipv4-receive-packet-info)`.
    pub fn set_pktinfo_v4(&self, pktinfo: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4ReceivePacketInfo(pktinfo))
    }

    /// Reads `IP_PKTINFO`.
    ///
    /// Calls `socket.get-option(ipv4-receive-packet-info)`.
    pub fn pktinfo_v4(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv4ReceivePacketInfo))
    }

    /// Sets `IP_RECVERR`: queue extended errors, to be read with
    /// `recv-msg`.
    ///
    /// Calls `socket.set-option(ipv4-receive-errors)`.
    pub fn set_recv_err_v4(&self, recv_err: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4ReceiveErrors(recv_err))
    }

    /// Reads `IP_RECVERR`.
    ///
    /// Calls `socket.get-option(ipv4-receive-errors)`.
    pub fn recv_err_v4(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv4ReceiveErrors))
    }

    /// Sets `IP_MTU_DISCOVER`, path MTU discovery.
    ///
    /// Calls `socket.set-option(ipv4-mtu-discovery)`.
    pub fn set_mtu_discover_v4(&self, mode: MtuDiscovery) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4MtuDiscovery(mode))
    }

    /// Reads `IP_MTU_DISCOVER`.
    ///
    /// Calls `socket.get-option(ipv4-mtu-discovery)`.
    pub fn mtu_discover_v4(&self) -> io::Result<MtuDiscovery> {
        Ok(get!(self, Ipv4MtuDiscovery))
    }

    /// The path MTU of a connected socket (`IP_MTU`); fails with
    /// `not-connected` otherwise.
    ///
    /// Calls `socket.get-option(ipv4-mtu)`.
    pub fn mtu_v4(&self) -> io::Result<u32> {
        Ok(get!(self, Ipv4Mtu))
    }

    /// Sets `IP_MULTICAST_TTL`, the TTL of outgoing multicast packets, 0
    /// to 255.
    ///
    /// Calls `socket.set-option(ipv4-multicast-ttl)`.
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4MulticastTtl(ttl))
    }

    /// Reads `IP_MULTICAST_TTL`.
    ///
    /// Calls `socket.get-option(ipv4-multicast-ttl)`.
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        Ok(get!(self, Ipv4MulticastTtl))
    }

    /// Sets `IP_MULTICAST_LOOP`: loop outgoing multicast back to local
    /// members.
    ///
    /// Calls `socket.set-option(ipv4-multicast-loop)`.
    pub fn set_multicast_loop_v4(&self, multicast_loop: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4MulticastLoop(multicast_loop))
    }

    /// Reads `IP_MULTICAST_LOOP`.
    ///
    /// Calls `socket.get-option(ipv4-multicast-loop)`.
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv4MulticastLoop))
    }

    /// Sets `IP_MULTICAST_IF`: the local address of the interface for
    /// outgoing multicast; `0.0.0.0` lets the kernel choose.
    ///
    /// Calls `socket.set-option(ipv4-multicast-interface)`.
    pub fn set_multicast_if_v4(&self, interface: &Ipv4Addr) -> io::Result<()> {
        self.set_option(SocketOption::Ipv4MulticastInterface(ipv4(interface)))
    }

    /// Reads `IP_MULTICAST_IF`.
    ///
    /// Calls `socket.get-option(ipv4-multicast-interface)`.
    pub fn multicast_if_v4(&self) -> io::Result<Ipv4Addr> {
        let (a, b, c, d) = get!(self, Ipv4MulticastInterface);
        Ok(Ipv4Addr::new(a, b, c, d))
    }

    /// Joins the multicast group `multiaddr` on the interface with local
    /// address `interface` (`IP_ADD_MEMBERSHIP`); needs the host's
    /// multicast grant.
    ///
    /// Calls `socket.set-option(ipv4-join-group)`.
    pub fn join_multicast_v4(&self, multiaddr: &Ipv4Addr, interface: &Ipv4Addr) -> io::Result<()> {
        let membership = Ipv4Membership {
            group: ipv4(multiaddr),
            interface_address: ipv4(interface),
        };
        self.set_option(SocketOption::Ipv4JoinGroup(membership))
    }

    /// Leaves a multicast group (`IP_DROP_MEMBERSHIP`).
    ///
    /// Calls `socket.set-option(ipv4-leave-group)`.
    pub fn leave_multicast_v4(&self, multiaddr: &Ipv4Addr, interface: &Ipv4Addr) -> io::Result<()> {
        let membership = Ipv4Membership {
            group: ipv4(multiaddr),
            interface_address: ipv4(interface),
        };
        self.set_option(SocketOption::Ipv4LeaveGroup(membership))
    }

    /// Joins the multicast group `group` for datagrams from `source` only
    /// (`IP_ADD_SOURCE_MEMBERSHIP`); needs the host's multicast grant.
    ///
    /// Calls `socket.set-option(ipv4-join-source-group)`.
    pub fn join_ssm_v4(
        &self,
        source: &Ipv4Addr,
        group: &Ipv4Addr,
        interface: &Ipv4Addr,
    ) -> io::Result<()> {
        let membership = source_membership(source, group, interface);
        self.set_option(SocketOption::Ipv4JoinSourceGroup(membership))
    }

    /// Leaves a source-specific multicast group
    /// (`IP_DROP_SOURCE_MEMBERSHIP`).
    ///
    /// Calls `socket.set-option(ipv4-leave-source-group)`.
    pub fn leave_ssm_v4(
        &self,
        source: &Ipv4Addr,
        group: &Ipv4Addr,
        interface: &Ipv4Addr,
    ) -> io::Result<()> {
        let membership = source_membership(source, group, interface);
        self.set_option(SocketOption::Ipv4LeaveSourceGroup(membership))
    }
}

/// `IPPROTO_IPV6` options beyond the basics, multicast included.
impl Socket {
    /// Sets `IPV6_MULTICAST_HOPS`, the hop limit of outgoing multicast
    /// packets, 0 to 255.
    ///
    /// Calls `socket.set-option(ipv6-multicast-hops)`.
    pub fn set_multicast_hops_v6(&self, hops: u32) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6MulticastHops(hops))
    }

    /// Reads `IPV6_MULTICAST_HOPS`.
    ///
    /// Calls `socket.get-option(ipv6-multicast-hops)`.
    pub fn multicast_hops_v6(&self) -> io::Result<u32> {
        Ok(get!(self, Ipv6MulticastHops))
    }

    /// Sets `IPV6_MULTICAST_LOOP`: loop outgoing multicast back to local
    /// members.
    ///
    /// Calls `socket.set-option(ipv6-multicast-loop)`.
    pub fn set_multicast_loop_v6(&self, multicast_loop: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6MulticastLoop(multicast_loop))
    }

    /// Reads `IPV6_MULTICAST_LOOP`.
    ///
    /// Calls `socket.get-option(ipv6-multicast-loop)`.
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv6MulticastLoop))
    }

    /// Sets `IPV6_MULTICAST_IF`: the index of the interface for outgoing
    /// multicast; 0 lets the kernel choose.
    ///
    /// Calls `socket.set-option(ipv6-multicast-interface)`.
    pub fn set_multicast_if_v6(&self, interface: u32) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6MulticastInterface(interface))
    }

    /// Reads `IPV6_MULTICAST_IF`.
    ///
    /// Calls `socket.get-option(ipv6-multicast-interface)`.
    pub fn multicast_if_v6(&self) -> io::Result<u32> {
        Ok(get!(self, Ipv6MulticastInterface))
    }

    /// Joins the multicast group `multiaddr` on the interface with index
    /// `interface` (0: the kernel's choice), `IPV6_JOIN_GROUP`; needs the
    /// host's multicast grant.
    ///
    /// Calls `socket.set-option(ipv6-join-group)`.
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        let membership = ipv6_membership(multiaddr, interface);
        self.set_option(SocketOption::Ipv6JoinGroup(membership))
    }

    /// Leaves a multicast group (`IPV6_LEAVE_GROUP`).
    ///
    /// Calls `socket.set-option(ipv6-leave-group)`.
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        let membership = ipv6_membership(multiaddr, interface);
        self.set_option(SocketOption::Ipv6LeaveGroup(membership))
    }

    /// Sets `IPV6_TCLASS`, the traffic class of outgoing packets, 0 to 255.
    ///
    /// Calls `socket.set-option(traffic-class)`.
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.set_option(SocketOption::TrafficClass(tclass))
    }

    /// Reads `IPV6_TCLASS`.
    ///
    /// Calls `socket.get-option(traffic-class)`.
    pub fn tclass_v6(&self) -> io::Result<u32> {
        Ok(get!(self, TrafficClass))
    }

    /// Sets `IPV6_RECVPKTINFO`: receive each datagram's destination and
    /// interface with `recv-msg`.
    ///
    /// Calls `socket.set-option(ipv6-receive-packet-info)`.
    pub fn set_recv_pktinfo_v6(&self, pktinfo: bool) -> io::Result<()> {
        self.set_option(SocketOption::Ipv6ReceivePacketInfo(pktinfo))
    }

    /// Reads `IPV6_RECVPKTINFO`.
    ///
    /// Calls `socket.get-option(ipv6-receive-packet-info)`.
    pub fn recv_pktinfo_v6(&self) -> io::Result<bool> {
        Ok(get!(self, Ipv6ReceivePacketInfo))
    }

    /// Sets `IPV6_RECVTCLASS`: receive each datagram's traffic class with
    /// `recv-msg`.
    ///
    /// Calls `socket.set-option(receive-traffic-class)`.
    pub fn set_recv_tclass_v6(&self, recv_tclass: bool) -> io::Result<()> {
        self.set_option(SocketOption::ReceiveTrafficClass(recv_tclass))
    }

    /// Reads `IPV6_RECVTCLASS`.
    ///
    /// Calls `socket.get-option(receive-traffic-class)`.
    pub fn recv_tclass_v6(&self) -> io::Result<bool> {
        Ok(get!(self, ReceiveTrafficClass))
    }
}

fn ipv4(addr: &Ipv4Addr) -> Ipv4Address {
    let [a, b, c, d] = addr.octets();
    (a, b, c, d)
}

fn source_membership(
    source: &Ipv4Addr,
    group: &Ipv4Addr,
    interface: &Ipv4Addr,
) -> Ipv4SourceMembership {
    Ipv4SourceMembership {
        group: ipv4(group),
        interface_address: ipv4(interface),
        source: ipv4(source),
    }
}

fn ipv6_membership(group: &Ipv6Addr, interface: u32) -> Ipv6Membership {
    let [a, b, c, d, e, f, g, h] = group.segments();
    Ipv6Membership {
        group: (a, b, c, d, e, f, g, h),
        interface_index: interface,
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
