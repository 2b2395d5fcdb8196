//! `IPPROTO_TCP` options.

use libc::IPPROTO_TCP;
use socket2::Socket;

use super::{Result, int_of, invalid, misrouted, non_negative, optional, or_none, uint};
use crate::bindings::socket::{OptionName, SocketOption, TcpInfo};
use crate::core::SocketError;
use crate::core::sockopt::{self, get_bytes, get_int, set_bytes, set_int};

/// `TCP_CA_NAME_MAX`: the longest congestion-control name, with its NUL.
const CONGESTION_NAME_MAX: usize = 16;

/// `MAX_TCP_SYNCNT`: the most SYN retransmissions Linux allows.
const MAX_SYN_COUNT: u32 = 127;

pub(super) fn set(os: &Socket, value: SocketOption) -> Result<()> {
    use SocketOption::*;
    let set = |name, value| set_int(os, IPPROTO_TCP, name, value);
    match value {
        NoDelay(v) => set(libc::TCP_NODELAY, int_of(v))?,
        KeepAliveIdle(v) => set(libc::TCP_KEEPIDLE, positive(v)?)?,
        KeepAliveInterval(v) => set(libc::TCP_KEEPINTVL, positive(v)?)?,
        KeepAliveCount(v) => set(libc::TCP_KEEPCNT, positive(v)?)?,
        UserTimeout(v) => set(libc::TCP_USER_TIMEOUT, non_negative(v)?)?,
        Cork(v) => set(libc::TCP_CORK, int_of(v))?,
        QuickAck(v) => set(libc::TCP_QUICKACK, int_of(v))?,
        FastOpen(v) => set(libc::TCP_FASTOPEN, non_negative(v)?)?,
        MaxSegment(v) => set(libc::TCP_MAXSEG, max_segment(v)?)?,
        NotSentLowWatermark(v) => set(libc::TCP_NOTSENT_LOWAT, non_negative(v)?)?,
        CongestionControl(name) => {
            check_congestion_control(&name)?;
            set_bytes(os, IPPROTO_TCP, libc::TCP_CONGESTION, name.as_bytes())?
        }
        DeferAccept(v) => set(libc::TCP_DEFER_ACCEPT, non_negative(v)?)?,
        FinWait2Timeout(v) => set(libc::TCP_LINGER2, or_none(v)?)?,
        SynCount(v) => set(libc::TCP_SYNCNT, syn_count(v)?)?,
        WindowClamp(v) => set(libc::TCP_WINDOW_CLAMP, non_negative(v)?)?,
        other => return Err(misrouted(other)),
    }
    Ok(())
}

pub(super) fn get(os: &Socket, name: OptionName) -> Result<SocketOption> {
    use OptionName as N;
    let int = |name| get_int(os, IPPROTO_TCP, name);
    let flag = |name| -> Result<bool> { Ok(int(name)? != 0) };
    let count = |name| -> Result<u32> { Ok(uint(int(name)?)) };
    Ok(match name {
        N::NoDelay => SocketOption::NoDelay(flag(libc::TCP_NODELAY)?),
        N::KeepAliveIdle => SocketOption::KeepAliveIdle(count(libc::TCP_KEEPIDLE)?),
        N::KeepAliveInterval => SocketOption::KeepAliveInterval(count(libc::TCP_KEEPINTVL)?),
        N::KeepAliveCount => SocketOption::KeepAliveCount(count(libc::TCP_KEEPCNT)?),
        N::UserTimeout => SocketOption::UserTimeout(count(libc::TCP_USER_TIMEOUT)?),
        N::Cork => SocketOption::Cork(flag(libc::TCP_CORK)?),
        N::QuickAck => SocketOption::QuickAck(flag(libc::TCP_QUICKACK)?),
        N::FastOpen => SocketOption::FastOpen(count(libc::TCP_FASTOPEN)?),
        N::MaxSegment => SocketOption::MaxSegment(count(libc::TCP_MAXSEG)?),
        N::NotSentLowWatermark => {
            SocketOption::NotSentLowWatermark(count(libc::TCP_NOTSENT_LOWAT)?)
        }
        N::CongestionControl => {
            let mut name = [0; CONGESTION_NAME_MAX];
            let len = get_bytes(os, IPPROTO_TCP, libc::TCP_CONGESTION, &mut name)?;
            let name = &name[..len];
            let end = name.iter().position(|b| *b == 0).unwrap_or(name.len());
            SocketOption::CongestionControl(String::from_utf8_lossy(&name[..end]).into_owned())
        }
        N::TcpInfo => {
            SocketOption::TcpInfo(tcp_info(sockopt::get(os, IPPROTO_TCP, libc::TCP_INFO)?))
        }
        N::DeferAccept => SocketOption::DeferAccept(count(libc::TCP_DEFER_ACCEPT)?),
        N::FinWait2Timeout => SocketOption::FinWait2Timeout(optional(int(libc::TCP_LINGER2)?)),
        N::SynCount => SocketOption::SynCount(count(libc::TCP_SYNCNT)?),
        N::WindowClamp => SocketOption::WindowClamp(count(libc::TCP_WINDOW_CLAMP)?),
        other => return Err(misrouted(other)),
    })
}

/// Keep-alive settings must be at least 1 (and fit an int).
fn positive(value: u32) -> Result<i32> {
    i32::try_from(value)
        .ok()
        .filter(|v| *v >= 1)
        .ok_or_else(|| invalid("value must be at least 1"))
}

/// `TCP_MAXSEG`: 0 (the default) or `TCP_MIN_MSS` (88) to `MAX_TCP_WINDOW`
/// (32767), the range Linux accepts.
fn max_segment(value: u32) -> Result<i32> {
    match value {
        0 | 88..=32767 => Ok(value as i32),
        _ => Err(invalid("maximum segment size must be 0 or 88 to 32767")),
    }
}

/// `TCP_SYNCNT`: 1 to `MAX_TCP_SYNCNT`, the range Linux accepts.
fn syn_count(value: u32) -> Result<i32> {
    (1..=MAX_SYN_COUNT)
        .contains(&value)
        .then_some(value as i32)
        .ok_or_else(|| invalid("SYN retransmissions must be 1 to 127"))
}

/// A guest may choose what an unprivileged process may choose, whatever
/// the host's privileges: with `CAP_NET_ADMIN` the kernel would accept any
/// algorithm, and load modules to find one.
fn check_congestion_control(name: &str) -> Result<()> {
    if name.is_empty() || name.contains('\0') {
        return Err(invalid(
            "congestion-control name must be non-empty, without NUL",
        ));
    }
    let listed = |file: &str| {
        std::fs::read_to_string(format!("/proc/sys/net/ipv4/{file}"))
            .is_ok_and(|names| names.split_whitespace().any(|n| n == name))
    };
    if listed("tcp_allowed_congestion_control") {
        Ok(())
    } else if listed("tcp_available_congestion_control") {
        Err(SocketError::with_message(
            libc::EPERM,
            format!(
                "congestion control `{name}` is not in /proc/sys/net/ipv4/tcp_allowed_congestion_control"
            ),
        ))
    } else {
        Err(SocketError::with_message(
            libc::ENOENT,
            format!("no congestion control `{name}` is available"),
        ))
    }
}

fn tcp_info(info: libc::tcp_info) -> TcpInfo {
    // `tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4`: the first bit-field takes
    // the low bits on little-endian targets, the high bits on big-endian.
    let wscale = info.tcpi_snd_rcv_wscale;
    let (snd_wscale, rcv_wscale) = if cfg!(target_endian = "little") {
        (wscale & 0xf, wscale >> 4)
    } else {
        (wscale >> 4, wscale & 0xf)
    };
    TcpInfo {
        state: info.tcpi_state,
        ca_state: info.tcpi_ca_state,
        retransmits: info.tcpi_retransmits,
        probes: info.tcpi_probes,
        backoff: info.tcpi_backoff,
        options: info.tcpi_options,
        snd_wscale,
        rcv_wscale,
        rto: info.tcpi_rto,
        ato: info.tcpi_ato,
        snd_mss: info.tcpi_snd_mss,
        rcv_mss: info.tcpi_rcv_mss,
        unacked: info.tcpi_unacked,
        sacked: info.tcpi_sacked,
        lost: info.tcpi_lost,
        retrans: info.tcpi_retrans,
        fackets: info.tcpi_fackets,
        last_data_sent: info.tcpi_last_data_sent,
        last_data_recv: info.tcpi_last_data_recv,
        last_ack_recv: info.tcpi_last_ack_recv,
        pmtu: info.tcpi_pmtu,
        rcv_ssthresh: info.tcpi_rcv_ssthresh,
        rtt: info.tcpi_rtt,
        rttvar: info.tcpi_rttvar,
        snd_ssthresh: info.tcpi_snd_ssthresh,
        snd_cwnd: info.tcpi_snd_cwnd,
        advmss: info.tcpi_advmss,
        reordering: info.tcpi_reordering,
        rcv_rtt: info.tcpi_rcv_rtt,
        rcv_space: info.tcpi_rcv_space,
        total_retrans: info.tcpi_total_retrans,
    }
}
