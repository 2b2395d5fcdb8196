//! Socket options by level and name, for the options socket2 does not cover
//! one to one: `int` options, C structs and byte strings.

use std::io;
use std::os::fd::AsRawFd;

use socket2::Socket;

/// A C type the kernel writes as an option value that `getsockopt(2)`
/// reads back: an integer or a plain struct of integers, for which every
/// bit pattern is valid. Values that are only set need no such promise:
/// the kernel only reads their bytes.
///
/// # Safety
///
/// Implementors must be `repr(C)` (or primitive) and valid when zeroed or
/// filled with any bytes, including when only a prefix of them is written.
pub unsafe trait OptionValue {}

// SAFETY: bytes are valid whatever their value.
unsafe impl OptionValue for [u8] {}
// SAFETY: each is a `repr(C)` struct of integers and integer arrays, so
// zeroes, or any bytes over a prefix of them, make a valid value.
unsafe impl OptionValue for libc::ucred {}
// SAFETY: as above.
unsafe impl OptionValue for libc::tcp_info {}
// SAFETY: as above.
unsafe impl OptionValue for libc::in_addr {}
// SAFETY: as above (`sockaddr_in6` is integers and byte arrays too).
unsafe impl OptionValue for Ip6MtuInfo {}

/// `struct ip6_mtuinfo`, the value of `IPV6_PATHMTU` (the `libc` crate
/// lacks it).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Ip6MtuInfo {
    /// `ip6m_addr`: the destination; `getsockopt` leaves it zeroed.
    pub addr: libc::sockaddr_in6,
    /// `ip6m_mtu`: the path MTU in bytes.
    pub mtu: u32,
}

/// Whether a socket also carries IPv4: an IPv6 socket with `IPV6_V6ONLY`
/// off, whose wildcard `::` is `0.0.0.0` too. When the option cannot be
/// read the answer is yes, so that the policy checks more, not less.
pub fn carries_ipv4(socket: &Socket) -> bool {
    socket.only_v6().map_or(true, |only| !only)
}

/// `getsockopt(2)` of an `int` option. A kernel that writes less than an
/// `int` (a one-byte `IP_TOS`, say) leaves the rest zero.
pub fn get_int(socket: &Socket, level: i32, name: i32) -> io::Result<i32> {
    let mut value = [0; size_of::<i32>()];
    getsockopt(socket, level, name, &mut value[..])?;
    Ok(i32::from_ne_bytes(value))
}

/// `setsockopt(2)` of an `int` option.
pub fn set_int(socket: &Socket, level: i32, name: i32, value: i32) -> io::Result<()> {
    setsockopt(socket, level, name, &value)
}

/// `getsockopt(2)` of a value of type `T`. When the kernel fills in less
/// than the whole type (an older `struct tcp_info`, say), the rest is zero.
pub fn get<T: OptionValue + Copy>(socket: &Socket, level: i32, name: i32) -> io::Result<T> {
    // SAFETY: `T: OptionValue` is valid when zeroed.
    let mut value: T = unsafe { std::mem::zeroed() };
    getsockopt(socket, level, name, &mut value)?;
    Ok(value)
}

/// `setsockopt(2)` of a value of type `T`: a plain C value (a `struct
/// ip_mreq`, a `struct timeval`), whose bytes the kernel reads.
pub fn set<T: Copy>(socket: &Socket, level: i32, name: i32, value: &T) -> io::Result<()> {
    setsockopt(socket, level, name, value)
}

/// `getsockopt(2)` into `buffer`; returns how many bytes the kernel wrote.
pub fn get_bytes(socket: &Socket, level: i32, name: i32, buffer: &mut [u8]) -> io::Result<usize> {
    getsockopt(socket, level, name, buffer)
}

/// `getsockopt(2)` of a byte string of at most `capacity` bytes: what the
/// kernel wrote.
pub fn get_vec(socket: &Socket, level: i32, name: i32, capacity: usize) -> io::Result<Vec<u8>> {
    let mut buffer = vec![0; capacity];
    let len = get_bytes(socket, level, name, &mut buffer)?;
    buffer.truncate(len);
    Ok(buffer)
}

/// `setsockopt(2)` of a byte string, such as a congestion-control name.
pub fn set_bytes(socket: &Socket, level: i32, name: i32, value: &[u8]) -> io::Result<()> {
    setsockopt(socket, level, name, value)
}

/// `getsockopt(2)` into the bytes of `value`; returns how many the kernel
/// wrote, never more than `value` holds.
fn getsockopt<T: OptionValue + ?Sized>(
    socket: &Socket,
    level: i32,
    name: i32,
    value: &mut T,
) -> io::Result<usize> {
    let len = size_of_val(value);
    let mut written = socklen(len)?;
    // SAFETY: `value` is valid for writes of `len` bytes, which is what
    // `written` tells the kernel, and `T: OptionValue` is valid whatever
    // the kernel writes into them; the socket's fd is open while borrowed.
    let rc = unsafe {
        libc::getsockopt(
            socket.as_raw_fd(),
            level,
            name,
            (value as *mut T).cast(),
            &mut written,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((written as usize).min(len))
}

/// `setsockopt(2)` of the bytes of `value`.
fn setsockopt<T: ?Sized>(socket: &Socket, level: i32, name: i32, value: &T) -> io::Result<()> {
    let len = socklen(size_of_val(value))?;
    // SAFETY: `value` is valid for reads of `len` bytes, which the kernel
    // copies without writing (padding bytes included, which Rust never
    // reads); the socket's fd is open while borrowed.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            len,
        )
    };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// An option length as the kernel takes it.
fn socklen(len: usize) -> io::Result<libc::socklen_t> {
    libc::socklen_t::try_from(len).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use socket2::{Domain, Type};

    use super::*;

    fn udp() -> Socket {
        Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap()
    }

    #[test]
    fn ints_round_trip_and_errors_pass_through() {
        let socket = udp();
        set_int(&socket, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1).unwrap();
        assert_eq!(
            get_int(&socket, libc::SOL_SOCKET, libc::SO_REUSEADDR).unwrap(),
            1
        );
        let unknown = get_int(&socket, libc::SOL_SOCKET, 0x7fff_0000);
        assert_eq!(unknown.unwrap_err().raw_os_error(), Some(libc::ENOPROTOOPT));
    }

    /// A struct is passed whole: the kernel reads a `timeval`.
    #[test]
    fn structs_are_set_whole() {
        let socket = udp();
        let second = libc::timeval {
            tv_sec: 1,
            tv_usec: 0,
        };
        set(&socket, libc::SOL_SOCKET, libc::SO_RCVTIMEO, &second).unwrap();
        assert_eq!(socket.read_timeout().unwrap(), Some(Duration::from_secs(1)));
    }

    /// `SO_PEERCRED` of a socket without a peer is pid 0, which the kernel
    /// writes and the value accepts; a connected pair names this process.
    #[test]
    fn peer_credentials_with_and_without_a_peer() {
        let (a, _b) = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
        let peer: libc::ucred = get(&a, libc::SOL_SOCKET, libc::SO_PEERCRED).unwrap();
        assert_eq!(peer.pid, std::process::id() as i32);
        let alone = Socket::new(Domain::UNIX, Type::STREAM, None).unwrap();
        let nobody: libc::ucred = get(&alone, libc::SOL_SOCKET, libc::SO_PEERCRED).unwrap();
        assert_eq!(nobody.pid, 0);
    }

    #[test]
    fn typed_values_are_read() {
        let address: libc::in_addr = get(&udp(), libc::IPPROTO_IP, libc::IP_MULTICAST_IF).unwrap();
        assert_eq!(address.s_addr, 0);
        let tcp = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        let info: libc::tcp_info = get(&tcp, libc::IPPROTO_TCP, libc::TCP_INFO).unwrap();
        // `TCP_CLOSE` of the kernel's `tcp_states.h`: a new socket.
        assert_eq!(info.tcpi_state, 7);
    }

    /// Byte strings come back as long as the kernel wrote, never longer
    /// than the buffer.
    #[test]
    fn byte_strings_are_what_the_kernel_wrote() {
        let tcp = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        let name = get_vec(&tcp, libc::IPPROTO_TCP, libc::TCP_CONGESTION, 16).unwrap();
        assert!(!name.is_empty() && name.len() <= 16);
        let short = get_vec(&tcp, libc::IPPROTO_TCP, libc::TCP_CONGESTION, 2).unwrap();
        assert_eq!(short, name[..2]);
        set_bytes(&tcp, libc::IPPROTO_TCP, libc::TCP_CONGESTION, &name).unwrap();
        assert!(
            get_vec(&tcp, libc::IPPROTO_TCP, libc::TCP_CONGESTION, 0)
                .unwrap()
                .is_empty()
        );
    }
}
