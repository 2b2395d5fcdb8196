//! Typed socket options: each WIT case maps to one `setsockopt(2)` /
//! `getsockopt(2)` pair, with the value checked before the call.

use std::time::Duration;

use crate::bindings::socket::{OptionName, SocketOption};
use crate::core::sockopt::{get_int, set_int};
use crate::core::{Family, HostSocket, SocketError};
use crate::host::types::error_code;

type Result<T> = std::result::Result<T, SocketError>;

/// `setsockopt(2)` of a typed option.
pub fn set(socket: &HostSocket, value: SocketOption) -> Result<()> {
    use SocketOption::*;
    let os = socket.os_socket()?;
    let int = |v: bool| i32::from(v);
    match value {
        ReuseAddress(v) => os.set_reuse_address(v)?,
        ReusePort(v) => os.set_reuse_port(v)?,
        KeepAlive(v) => os.set_keepalive(v)?,
        Linger(v) => os.set_linger(v.map(|secs| Duration::from_secs(secs.into())))?,
        ReceiveBufferSize(v) => os.set_recv_buffer_size(buffer_size(v)?)?,
        SendBufferSize(v) => os.set_send_buffer_size(buffer_size(v)?)?,
        Broadcast(v) => os.set_broadcast(v)?,
        OutOfBandInline(v) => os.set_out_of_band_inline(v)?,
        NoDelay(v) => set_int(os, libc::IPPROTO_TCP, libc::TCP_NODELAY, int(v))?,
        KeepAliveIdle(v) => set_int(os, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, positive(v)?)?,
        KeepAliveInterval(v) => set_int(os, libc::IPPROTO_TCP, libc::TCP_KEEPINTVL, positive(v)?)?,
        KeepAliveCount(v) => set_int(os, libc::IPPROTO_TCP, libc::TCP_KEEPCNT, positive(v)?)?,
        Ttl(v) => {
            ip_level(socket, Family::Inet)?;
            set_int(os, libc::IPPROTO_IP, libc::IP_TTL, hops(v)?)?
        }
        Ipv6Only(v) => {
            ip_level(socket, Family::Inet6)?;
            set_int(os, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, int(v))?
        }
        UnicastHops(v) => {
            ip_level(socket, Family::Inet6)?;
            set_int(os, libc::IPPROTO_IPV6, libc::IPV6_UNICAST_HOPS, hops(v)?)?
        }
        PendingError(_) | SocketType(_) | Domain(_) | Protocol(_) | AcceptingConnections(_) => {
            return Err(SocketError::with_message(
                libc::ENOPROTOOPT,
                "the option is read-only",
            ));
        }
    }
    Ok(())
}

/// `getsockopt(2)` of a typed option.
pub fn get(socket: &HostSocket, name: OptionName) -> Result<SocketOption> {
    use OptionName as N;
    let os = socket.os_socket()?;
    let flag = |level, name| -> Result<bool> { Ok(get_int(os, level, name)? != 0) };
    let uint = |level, name| -> Result<u32> { Ok(get_int(os, level, name)?.max(0) as u32) };
    Ok(match name {
        N::ReuseAddress => SocketOption::ReuseAddress(os.reuse_address()?),
        N::ReusePort => SocketOption::ReusePort(os.reuse_port()?),
        N::KeepAlive => SocketOption::KeepAlive(os.keepalive()?),
        N::Linger => SocketOption::Linger(
            os.linger()?
                .map(|d| d.as_secs().try_into().unwrap_or(u32::MAX)),
        ),
        N::ReceiveBufferSize => SocketOption::ReceiveBufferSize(os.recv_buffer_size()? as u64),
        N::SendBufferSize => SocketOption::SendBufferSize(os.send_buffer_size()? as u64),
        N::Broadcast => SocketOption::Broadcast(os.broadcast()?),
        N::OutOfBandInline => SocketOption::OutOfBandInline(os.out_of_band_inline()?),
        N::PendingError => {
            let pending = get_int(os, libc::SOL_SOCKET, libc::SO_ERROR)?;
            SocketOption::PendingError((pending != 0).then(|| error_code(pending)))
        }
        N::SocketType => SocketOption::SocketType(socket.sock_type().into()),
        N::Domain => SocketOption::Domain(socket.family().into()),
        N::Protocol => SocketOption::Protocol(get_int(os, libc::SOL_SOCKET, libc::SO_PROTOCOL)?),
        N::AcceptingConnections => {
            SocketOption::AcceptingConnections(flag(libc::SOL_SOCKET, libc::SO_ACCEPTCONN)?)
        }
        N::NoDelay => SocketOption::NoDelay(flag(libc::IPPROTO_TCP, libc::TCP_NODELAY)?),
        N::KeepAliveIdle => {
            SocketOption::KeepAliveIdle(uint(libc::IPPROTO_TCP, libc::TCP_KEEPIDLE)?)
        }
        N::KeepAliveInterval => {
            SocketOption::KeepAliveInterval(uint(libc::IPPROTO_TCP, libc::TCP_KEEPINTVL)?)
        }
        N::KeepAliveCount => {
            SocketOption::KeepAliveCount(uint(libc::IPPROTO_TCP, libc::TCP_KEEPCNT)?)
        }
        N::Ttl => {
            ip_level(socket, Family::Inet)?;
            SocketOption::Ttl(uint(libc::IPPROTO_IP, libc::IP_TTL)?)
        }
        N::Ipv6Only => {
            ip_level(socket, Family::Inet6)?;
            SocketOption::Ipv6Only(flag(libc::IPPROTO_IPV6, libc::IPV6_V6ONLY)?)
        }
        N::UnicastHops => {
            ip_level(socket, Family::Inet6)?;
            SocketOption::UnicastHops(uint(libc::IPPROTO_IPV6, libc::IPV6_UNICAST_HOPS)?)
        }
    })
}

/// IP-level options exist only on sockets of their family (`ENOPROTOOPT`,
/// as Linux answers for an IPv6 option on a Unix socket).
fn ip_level(socket: &HostSocket, family: Family) -> Result<()> {
    if socket.family() == family {
        Ok(())
    } else {
        Err(SocketError::errno(libc::ENOPROTOOPT))
    }
}

fn invalid(what: &str) -> SocketError {
    SocketError::with_message(libc::EINVAL, what.to_string())
}

/// Buffer sizes are ints in the kernel.
fn buffer_size(value: u64) -> Result<usize> {
    i32::try_from(value)
        .map(|v| v as usize)
        .map_err(|_| invalid("buffer size out of range"))
}

/// Keep-alive settings must be at least 1 (and fit an int).
fn positive(value: u32) -> Result<i32> {
    i32::try_from(value)
        .ok()
        .filter(|v| *v >= 1)
        .ok_or_else(|| invalid("value must be at least 1"))
}

/// Hop limits are 1 to 255.
fn hops(value: u32) -> Result<i32> {
    (1..=255)
        .contains(&value)
        .then_some(value as i32)
        .ok_or_else(|| invalid("hop limit must be 1 to 255"))
}
