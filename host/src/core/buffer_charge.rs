//! What a socket's buffers may hold in the kernel, as charged to the
//! guest's socket-buffer budget.
//!
//! A socket is charged, for each of its two buffers, the most the kernel
//! may let that buffer hold:
//! - a TCP buffer the kernel sizes itself (its automatic tuning, on until
//!   the size is set with `SO_SNDBUF`/`SO_RCVBUF`) may grow to
//!   `net.ipv4.tcp_wmem`/`tcp_rmem`'s maximum, so it is charged that;
//! - any other buffer holds what the kernel reports for it: the defaults
//!   (`net.core.wmem_default`/`rmem_default`) for a new socket, the size
//!   set otherwise.
//!
//! When the budget has no room for a new TCP socket at its maxima, the
//! socket's buffers are fixed at the TCP defaults instead (which turns the
//! tuning off), as the kernel itself sizes sockets under memory pressure.
//! The sizes are read from `/proc/sys` once.

use std::io;
use std::sync::OnceLock;

use socket2::Socket;

use crate::core::{Family, SockType};

/// Which buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BufferSide {
    /// The send buffer, `SO_SNDBUF`.
    Send,
    /// The receive buffer, `SO_RCVBUF`.
    Receive,
}

/// Which buffers have a size set (`SOCK_SNDBUF_LOCK`, `SOCK_RCVBUF_LOCK`),
/// so that the kernel no longer tunes them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Locks {
    /// The send buffer's size is set.
    pub send: bool,
    /// The receive buffer's size is set.
    pub receive: bool,
}

impl Locks {
    /// Whether `side` has its size set.
    pub(crate) fn has(self, side: BufferSide) -> bool {
        match side {
            BufferSide::Send => self.send,
            BufferSide::Receive => self.receive,
        }
    }

    /// These locks and `side`'s.
    pub(crate) fn with(self, side: BufferSide) -> Locks {
        match side {
            BufferSide::Send => Locks { send: true, ..self },
            BufferSide::Receive => Locks {
                receive: true,
                ..self
            },
        }
    }

    /// Both sizes set.
    pub(crate) const BOTH: Locks = Locks {
        send: true,
        receive: true,
    };
}

/// The kernel's buffer sizes, send and receive.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    /// `tcp_wmem`/`tcp_rmem` defaults.
    tcp_default: (usize, usize),
    /// `tcp_wmem`/`tcp_rmem` maxima, the most the tuning grows to.
    tcp_max: (usize, usize),
    /// `wmem_default`/`rmem_default`.
    other_default: (usize, usize),
    /// `wmem_max`/`rmem_max`, the most `SO_SNDBUF`/`SO_RCVBUF` sets (doubled).
    set_max: (usize, usize),
}

/// Linux's defaults, where `/proc/sys` cannot be read.
const FALLBACK: Sizes = Sizes {
    tcp_default: (16384, 131072),
    tcp_max: (4 << 20, 6 << 20),
    other_default: (212992, 212992),
    set_max: (212992, 212992),
};

fn sizes() -> &'static Sizes {
    static SIZES: OnceLock<Sizes> = OnceLock::new();
    SIZES.get_or_init(|| read_sizes().unwrap_or(FALLBACK))
}

fn side((send, receive): (usize, usize), side: BufferSide) -> usize {
    match side {
        BufferSide::Send => send,
        BufferSide::Receive => receive,
    }
}

/// Whether the kernel tunes the buffers of sockets of this kind.
pub(crate) fn tuned(family: Family, sock_type: SockType) -> bool {
    family != Family::Unix && sock_type == SockType::Stream
}

/// The bytes a new socket of this kind is charged.
pub(crate) fn new_charge(family: Family, sock_type: SockType) -> usize {
    let sizes = sizes();
    if tuned(family, sock_type) {
        sizes.tcp_max.0 + sizes.tcp_max.1
    } else {
        sizes.other_default.0 + sizes.other_default.1
    }
}

/// The bytes a TCP socket is charged once [`fix_at_defaults`] fixed it.
pub(crate) fn fixed_charge() -> usize {
    let (send, receive) = sizes().tcp_default;
    send + receive
}

/// Fix a TCP socket's buffers at the TCP defaults, turning the kernel's
/// tuning of them off: the sizes set are half the defaults, as the kernel
/// doubles them.
pub(crate) fn fix_at_defaults(socket: &Socket) -> io::Result<()> {
    let (send, receive) = sizes().tcp_default;
    socket.set_send_buffer_size(send / 2)?;
    socket.set_recv_buffer_size(receive / 2)
}

/// The bytes an existing socket is charged: per buffer, the size the
/// kernel reports, and at least the tuning's maximum when the kernel may
/// tune it.
pub(crate) fn charge_of(
    socket: &Socket,
    family: Family,
    sock_type: SockType,
    locks: Locks,
) -> usize {
    [BufferSide::Send, BufferSide::Receive]
        .into_iter()
        .map(|s| side_charge(socket, family, sock_type, locks, s))
        .sum()
}

/// The most a socket is charged once `set` is set to `size`: Linux doubles
/// the size and caps it at twice `wmem_max`/`rmem_max`.
pub(crate) fn charge_after(
    socket: &Socket,
    family: Family,
    sock_type: SockType,
    locks: Locks,
    set: BufferSide,
    size: u64,
) -> usize {
    let max = side(sizes().set_max, set);
    let size = usize::try_from(size).unwrap_or(usize::MAX).min(max);
    let other = match set {
        BufferSide::Send => BufferSide::Receive,
        BufferSide::Receive => BufferSide::Send,
    };
    size.saturating_mul(2)
        .saturating_add(side_charge(socket, family, sock_type, locks, other))
}

fn side_charge(
    socket: &Socket,
    family: Family,
    sock_type: SockType,
    locks: Locks,
    which: BufferSide,
) -> usize {
    let sizes = sizes();
    let reported = match which {
        BufferSide::Send => socket.send_buffer_size(),
        BufferSide::Receive => socket.recv_buffer_size(),
    };
    let reported = reported.unwrap_or_else(|_| side(sizes.set_max, which).saturating_mul(2));
    if tuned(family, sock_type) && !locks.has(which) {
        // A socket from elsewhere may have its size set beyond the
        // tuning's maximum without the host knowing.
        return side(sizes.tcp_max, which).max(reported);
    }
    reported
}

fn sysctl(path: &str) -> Option<Vec<usize>> {
    std::fs::read_to_string(format!("/proc/sys/net/{path}"))
        .ok()?
        .split_whitespace()
        .map(|n| n.parse().ok())
        .collect()
}

fn read_sizes() -> Option<Sizes> {
    let (tcp_send, tcp_receive) = (sysctl("ipv4/tcp_wmem")?, sysctl("ipv4/tcp_rmem")?);
    let one = |path| sysctl(path)?.first().copied();
    Some(Sizes {
        tcp_default: (*tcp_send.get(1)?, *tcp_receive.get(1)?),
        tcp_max: (*tcp_send.get(2)?, *tcp_receive.get(2)?),
        other_default: (one("core/wmem_default")?, one("core/rmem_default")?),
        set_max: (one("core/wmem_max")?, one("core/rmem_max")?),
    })
}

#[cfg(test)]
mod tests {
    use std::net::{TcpListener, TcpStream};

    use socket2::{Domain, SockRef, Type};

    use super::*;

    /// A new socket is charged at least what the kernel gives it, a
    /// connected TCP socket included (whose buffers the kernel grows at
    /// once on loopback).
    #[test]
    fn new_sockets_are_charged_at_least_what_the_kernel_gives_them() {
        for (domain, family, ty, sock_type) in [
            (Domain::IPV4, Family::Inet, Type::DGRAM, SockType::Dgram),
            (Domain::UNIX, Family::Unix, Type::STREAM, SockType::Stream),
        ] {
            let socket = Socket::new(domain, ty, None).unwrap();
            let actual = socket.send_buffer_size().unwrap() + socket.recv_buffer_size().unwrap();
            assert!(
                new_charge(family, sock_type) >= actual,
                "{family:?} {sock_type:?}"
            );
        }
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let client = SockRef::from(&client);
        let actual = client.send_buffer_size().unwrap() + client.recv_buffer_size().unwrap();
        let charged = charge_of(&client, Family::Inet, SockType::Stream, Locks::default());
        assert_eq!(charged, new_charge(Family::Inet, SockType::Stream));
        assert!(charged >= actual, "{charged} < {actual}");
    }

    /// Fixed at the defaults, a TCP socket is charged what it reports.
    #[test]
    fn fixed_sockets_are_charged_what_they_report() {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        fix_at_defaults(&socket).unwrap();
        let charged = charge_of(&socket, Family::Inet, SockType::Stream, Locks::BOTH);
        assert_eq!(charged, fixed_charge());
        let raised = charge_after(
            &socket,
            Family::Inet,
            SockType::Stream,
            Locks::BOTH,
            BufferSide::Send,
            u64::MAX,
        );
        assert_eq!(raised, 2 * sizes().set_max.0 + sizes().tcp_default.1);
    }
}
