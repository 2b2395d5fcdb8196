//! `SOL_SOCKET` options.

use std::time::Duration;

use libc::SOL_SOCKET;

use super::{
    Result, int_of, invalid, misrouted, non_negative, not_permitted, optional, or_none, uint,
};
use crate::bindings::socket::{OptionName, SocketOption};
use crate::bindings::types::Credentials;
use crate::core::HostSocket;
use crate::core::sockopt::{self, get_int, get_vec, set_int};
use crate::host::convert::{duration, nanos};
use crate::host::types::error_code;

/// The highest `SO_PRIORITY` Linux grants without `CAP_NET_ADMIN`.
const MAX_UNPRIVILEGED_PRIORITY: u32 = 6;

/// `SO_INCOMING_CPU` as asm-generic (x86, Arm, RISC-V) numbers it; the
/// `libc` crate does not export it.
const SO_INCOMING_CPU: i32 = 49;

/// Room for a security label (`SO_PEERSEC`): a page. A longer label
/// fails with `ERANGE`, as it would natively with a buffer this size.
const MAX_SECURITY_LABEL: usize = 4096;

pub(super) fn set(socket: &mut HostSocket, value: SocketOption) -> Result<()> {
    use SocketOption::*;
    let os = socket.os_socket()?;
    match value {
        ReuseAddress(v) => os.set_reuse_address(v)?,
        ReusePort(v) => os.set_reuse_port(v)?,
        KeepAlive(v) => os.set_keepalive(v)?,
        Linger(v) => socket.set_linger(v.map(|secs| Duration::from_secs(secs.into())))?,
        ReceiveBufferSize(v) => os.set_recv_buffer_size(buffer_size(v)?)?,
        SendBufferSize(v) => os.set_send_buffer_size(buffer_size(v)?)?,
        Broadcast(v) => os.set_broadcast(v)?,
        OutOfBandInline(v) => os.set_out_of_band_inline(v)?,
        ReceiveLowWatermark(v) => set_int(os, SOL_SOCKET, libc::SO_RCVLOWAT, non_negative(v)?)?,
        SendLowWatermark(v) => set_int(os, SOL_SOCKET, libc::SO_SNDLOWAT, non_negative(v)?)?,
        ReceiveTimeout(v) => {
            let timeout = io_timeout(v);
            sockopt::set(os, SOL_SOCKET, libc::SO_RCVTIMEO, &timeval(timeout))?;
            socket.set_recv_timeout(timeout);
        }
        SendTimeout(v) => {
            let timeout = io_timeout(v);
            sockopt::set(os, SOL_SOCKET, libc::SO_SNDTIMEO, &timeval(timeout))?;
            socket.set_send_timeout(timeout);
        }
        DontRoute(v) => set_int(os, SOL_SOCKET, libc::SO_DONTROUTE, int_of(v))?,
        Priority(v) => {
            if v > MAX_UNPRIVILEGED_PRIORITY {
                return Err(not_permitted(
                    "a priority above 6 needs CAP_NET_ADMIN, which guests do not have",
                ));
            }
            set_int(os, SOL_SOCKET, libc::SO_PRIORITY, v as i32)?
        }
        PassCredentials(v) => set_int(os, SOL_SOCKET, libc::SO_PASSCRED, int_of(v))?,
        Timestamp(v) => set_int(os, SOL_SOCKET, libc::SO_TIMESTAMP, int_of(v))?,
        Debug(v) => {
            if v {
                return Err(not_permitted(
                    "SO_DEBUG needs CAP_NET_ADMIN, which guests do not have",
                ));
            }
            set_int(os, SOL_SOCKET, libc::SO_DEBUG, 0)?
        }
        IncomingCpu(v) => set_int(os, SOL_SOCKET, SO_INCOMING_CPU, or_none(v)?)?,
        PassSecurity(v) => set_int(os, SOL_SOCKET, libc::SO_PASSSEC, int_of(v))?,
        other => return Err(misrouted(other)),
    }
    Ok(())
}

pub(super) fn get(socket: &HostSocket, name: OptionName) -> Result<SocketOption> {
    use OptionName as N;
    let os = socket.os_socket()?;
    let flag = |name| -> Result<bool> { Ok(get_int(os, SOL_SOCKET, name)? != 0) };
    let count = |name| -> Result<u32> { Ok(uint(get_int(os, SOL_SOCKET, name)?)) };
    Ok(match name {
        N::ReuseAddress => SocketOption::ReuseAddress(os.reuse_address()?),
        N::ReusePort => SocketOption::ReusePort(os.reuse_port()?),
        N::KeepAlive => SocketOption::KeepAlive(os.keepalive()?),
        N::Linger => SocketOption::Linger(
            socket
                .linger()?
                .map(|d| d.as_secs().try_into().unwrap_or(u32::MAX)),
        ),
        N::ReceiveBufferSize => SocketOption::ReceiveBufferSize(os.recv_buffer_size()? as u64),
        N::SendBufferSize => SocketOption::SendBufferSize(os.send_buffer_size()? as u64),
        N::Broadcast => SocketOption::Broadcast(os.broadcast()?),
        N::OutOfBandInline => SocketOption::OutOfBandInline(os.out_of_band_inline()?),
        N::PendingError => {
            let pending = get_int(os, SOL_SOCKET, libc::SO_ERROR)?;
            SocketOption::PendingError((pending != 0).then(|| error_code(pending)))
        }
        N::SocketType => SocketOption::SocketType(socket.sock_type().into()),
        N::Domain => SocketOption::Domain(socket.family().into()),
        // The kernel's SO_PROTOCOL, read once when the socket was made.
        N::Protocol => SocketOption::Protocol(socket.protocol()),
        N::AcceptingConnections => SocketOption::AcceptingConnections(flag(libc::SO_ACCEPTCONN)?),
        N::ReceiveLowWatermark => SocketOption::ReceiveLowWatermark(count(libc::SO_RCVLOWAT)?),
        N::SendLowWatermark => SocketOption::SendLowWatermark(count(libc::SO_SNDLOWAT)?),
        N::ReceiveTimeout => SocketOption::ReceiveTimeout(socket.recv_timeout().map(nanos)),
        N::SendTimeout => SocketOption::SendTimeout(socket.send_timeout().map(nanos)),
        N::DontRoute => SocketOption::DontRoute(flag(libc::SO_DONTROUTE)?),
        N::Priority => SocketOption::Priority(count(libc::SO_PRIORITY)?),
        N::PassCredentials => SocketOption::PassCredentials(flag(libc::SO_PASSCRED)?),
        N::PeerCredentials => {
            let peer: libc::ucred = sockopt::get(os, SOL_SOCKET, libc::SO_PEERCRED)?;
            SocketOption::PeerCredentials(Credentials {
                pid: peer.pid,
                uid: peer.uid,
                gid: peer.gid,
            })
        }
        N::Timestamp => SocketOption::Timestamp(flag(libc::SO_TIMESTAMP)?),
        N::Debug => SocketOption::Debug(flag(libc::SO_DEBUG)?),
        N::IncomingCpu => {
            SocketOption::IncomingCpu(optional(get_int(os, SOL_SOCKET, SO_INCOMING_CPU)?))
        }
        N::PassSecurity => SocketOption::PassSecurity(flag(libc::SO_PASSSEC)?),
        N::PeerSecurity => {
            let label = get_vec(os, SOL_SOCKET, libc::SO_PEERSEC, MAX_SECURITY_LABEL)?;
            let end = label.iter().position(|b| *b == 0).unwrap_or(label.len());
            SocketOption::PeerSecurity(String::from_utf8_lossy(&label[..end]).into_owned())
        }
        other => return Err(misrouted(other)),
    })
}

/// Buffer sizes are ints in the kernel.
fn buffer_size(value: u64) -> Result<usize> {
    i32::try_from(value)
        .map(|v| v as usize)
        .map_err(|_| invalid("buffer size out of range"))
}

/// `SO_RCVTIMEO`/`SO_SNDTIMEO` as the host keeps them: a zero duration
/// means no limit, as it does in the kernel.
fn io_timeout(value: Option<u64>) -> Option<Duration> {
    value.map(duration).filter(|d| !d.is_zero())
}

/// The kernel's form of a timeout: `{0, 0}` for none, and never `{0, 0}`
/// for a real one (sub-microsecond parts round up).
fn timeval(timeout: Option<Duration>) -> libc::timeval {
    let micros = timeout.map_or(0, |t| t.as_nanos().div_ceil(1000));
    libc::timeval {
        tv_sec: libc::time_t::try_from(micros / 1_000_000).unwrap_or(libc::time_t::MAX),
        tv_usec: (micros % 1_000_000) as libc::suseconds_t,
    }
}
