//! What a socket's buffers may hold in the kernel, as charged to the
//! guest's socket-buffer budget.
//!
//! A new socket is charged the kernel's defaults for its kind
//! (`net.ipv4.tcp_wmem`/`tcp_rmem` for TCP, `net.core.wmem_default`/
//! `rmem_default` for the others), read once; a socket whose sizes are set
//! with `SO_SNDBUF`/`SO_RCVBUF`, or that arrives from elsewhere, is charged
//! the sizes the kernel reports for it.

use std::sync::OnceLock;

use socket2::Socket;

use crate::core::{Family, SockType};

/// The defaults Linux has shipped with, used where `/proc/sys` cannot be
/// read.
const FALLBACK: Defaults = Defaults {
    tcp: 16384 + 131072,
    other: 212992 * 2,
};

/// Send plus receive buffer bytes of a new socket.
#[derive(Debug, Clone, Copy)]
struct Defaults {
    tcp: usize,
    other: usize,
}

/// The bytes a new socket of this kind is charged.
pub(crate) fn default_charge(family: Family, sock_type: SockType) -> usize {
    static DEFAULTS: OnceLock<Defaults> = OnceLock::new();
    let defaults = DEFAULTS.get_or_init(|| read_defaults().unwrap_or(FALLBACK));
    match (family, sock_type) {
        (Family::Inet | Family::Inet6, SockType::Stream) => defaults.tcp,
        _ => defaults.other,
    }
}

/// The bytes an existing socket is charged: its send and receive buffer
/// sizes as the kernel reports them.
pub(crate) fn charge_of(socket: &Socket, family: Family, sock_type: SockType) -> usize {
    match (socket.send_buffer_size(), socket.recv_buffer_size()) {
        (Ok(send), Ok(receive)) => send.saturating_add(receive),
        _ => default_charge(family, sock_type),
    }
}

/// Which buffer an option sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BufferSide {
    /// `SO_SNDBUF`.
    Send,
    /// `SO_RCVBUF`.
    Receive,
}

/// The most a socket is charged once `side` is set to `size`: Linux
/// doubles the size for its bookkeeping and caps it at twice
/// `net.core.wmem_max`/`rmem_max`.
pub(crate) fn charge_after(socket: &Socket, side: BufferSide, size: u64) -> usize {
    static MAXIMA: OnceLock<(usize, usize)> = OnceLock::new();
    let (send_max, receive_max) = *MAXIMA.get_or_init(|| {
        let read = |name| sysctl(&format!("core/{name}")).unwrap_or(usize::MAX / 4);
        (read("wmem_max"), read("rmem_max"))
    });
    let (max, other) = match side {
        BufferSide::Send => (send_max, socket.recv_buffer_size()),
        BufferSide::Receive => (receive_max, socket.send_buffer_size()),
    };
    let size = usize::try_from(size).unwrap_or(usize::MAX).min(max);
    size.saturating_mul(2).saturating_add(other.unwrap_or(0))
}

fn sysctl(path: &str) -> Option<usize> {
    std::fs::read_to_string(format!("/proc/sys/net/{path}"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn read_defaults() -> Option<Defaults> {
    // `tcp_wmem` and `tcp_rmem` list the minimum, default and maximum.
    let middle = |path: &str| -> Option<usize> {
        let text = std::fs::read_to_string(format!("/proc/sys/net/{path}")).ok()?;
        text.split_whitespace().nth(1)?.parse().ok()
    };
    Some(Defaults {
        tcp: middle("ipv4/tcp_wmem")? + middle("ipv4/tcp_rmem")?,
        other: sysctl("core/wmem_default")? + sysctl("core/rmem_default")?,
    })
}

#[cfg(test)]
mod tests {
    use socket2::{Domain, Type};

    use super::*;

    /// A new socket is charged at least what the kernel gives it.
    #[test]
    fn new_sockets_are_charged_the_kernels_defaults() {
        for (domain, family, ty, sock_type) in [
            (Domain::IPV4, Family::Inet, Type::STREAM, SockType::Stream),
            (Domain::IPV4, Family::Inet, Type::DGRAM, SockType::Dgram),
            (Domain::UNIX, Family::Unix, Type::STREAM, SockType::Stream),
        ] {
            let socket = Socket::new(domain, ty, None).unwrap();
            let actual = charge_of(&socket, family, sock_type);
            assert!(
                default_charge(family, sock_type) >= actual,
                "{family:?} {sock_type:?}: {actual}"
            );
        }
    }
}
