//! `IPPROTO_TCP` options.

use std::io;
use std::time::Duration;

use super::whole_seconds;
use crate::socket::{Socket, SocketOption, TcpInfo};

impl Socket {
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

    /// Sets `TCP_DEFER_ACCEPT` on a listener: accept a connection only once
    /// data arrives, waiting up to `timeout` (whole seconds) after the
    /// handshake; zero disables. Linux rounds the time up to its SYN-ACK
    /// retransmission schedule.
    ///
    /// Calls `socket.set-option(defer-accept)`.
    pub fn set_tcp_defer_accept(&self, timeout: Duration) -> io::Result<()> {
        self.set_option(SocketOption::DeferAccept(whole_seconds(timeout)))
    }

    /// Reads `TCP_DEFER_ACCEPT`.
    ///
    /// Calls `socket.get-option(defer-accept)`.
    pub fn tcp_defer_accept(&self) -> io::Result<Duration> {
        Ok(Duration::from_secs(get!(self, DeferAccept).into()))
    }

    /// Sets `TCP_LINGER2`: how long an orphaned connection may stay in
    /// `FIN_WAIT2`, in whole seconds (at most 120). Zero is the system
    /// default; `None` skips `FIN_WAIT2`, resetting the connection instead.
    ///
    /// Calls `socket.set-option(fin-wait2-timeout)`.
    pub fn set_tcp_linger2(&self, timeout: Option<Duration>) -> io::Result<()> {
        self.set_option(SocketOption::FinWait2Timeout(timeout.map(whole_seconds)))
    }

    /// Reads `TCP_LINGER2`; `None` if `FIN_WAIT2` is skipped.
    ///
    /// Calls `socket.get-option(fin-wait2-timeout)`.
    pub fn tcp_linger2(&self) -> io::Result<Option<Duration>> {
        Ok(get!(self, FinWait2Timeout).map(|secs| Duration::from_secs(secs.into())))
    }

    /// Sets `TCP_SYNCNT`: SYN retransmissions before a connect gives up,
    /// 1 to 127.
    ///
    /// Calls `socket.set-option(syn-count)`.
    pub fn set_tcp_syncnt(&self, count: u32) -> io::Result<()> {
        self.set_option(SocketOption::SynCount(count))
    }

    /// Reads `TCP_SYNCNT` (the system default until set).
    ///
    /// Calls `socket.get-option(syn-count)`.
    pub fn tcp_syncnt(&self) -> io::Result<u32> {
        Ok(get!(self, SynCount))
    }

    /// Sets `TCP_WINDOW_CLAMP`, the largest receive window to advertise, in
    /// bytes; Linux raises small values to its minimum.
    ///
    /// Calls `socket.set-option(window-clamp)`.
    pub fn set_tcp_window_clamp(&self, bytes: u32) -> io::Result<()> {
        self.set_option(SocketOption::WindowClamp(bytes))
    }

    /// Reads `TCP_WINDOW_CLAMP`.
    ///
    /// Calls `socket.get-option(window-clamp)`.
    pub fn tcp_window_clamp(&self) -> io::Result<u32> {
        Ok(get!(self, WindowClamp))
    }
}
