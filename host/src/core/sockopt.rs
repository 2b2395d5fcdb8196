//! Socket options by level and name, for the options socket2 does not cover
//! one to one: `int` options, C structs and byte strings.

use std::io;
use std::os::fd::AsRawFd;

use socket2::Socket;

/// A C type the kernel reads and writes as an option value: a plain struct
/// of integers (or an integer), for which every bit pattern is valid.
///
/// # Safety
///
/// Implementors must be `repr(C)` (or primitive) and valid when zeroed or
/// filled with any bytes.
pub unsafe trait OptionValue: Copy {}

// SAFETY: each is an integer or a `repr(C)` struct of integers.
unsafe impl OptionValue for libc::c_int {}
// SAFETY: as above.
unsafe impl OptionValue for libc::timeval {}
// SAFETY: as above.
unsafe impl OptionValue for libc::ucred {}
// SAFETY: as above.
unsafe impl OptionValue for libc::tcp_info {}
// SAFETY: as above.
unsafe impl OptionValue for libc::in_addr {}
// SAFETY: as above.
unsafe impl OptionValue for libc::ip_mreq {}
// SAFETY: as above.
unsafe impl OptionValue for libc::ip_mreq_source {}
// SAFETY: as above.
unsafe impl OptionValue for libc::ipv6_mreq {}
// SAFETY: as above.
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

/// `getsockopt(2)` of an `int` option.
pub fn get_int(socket: &Socket, level: i32, name: i32) -> io::Result<i32> {
    get(socket, level, name)
}

/// `setsockopt(2)` of an `int` option.
pub fn set_int(socket: &Socket, level: i32, name: i32, value: i32) -> io::Result<()> {
    set(socket, level, name, &value)
}

/// `getsockopt(2)` of a value of type `T`. When the kernel fills in less
/// than the whole type (an older `struct tcp_info`, say), the rest is zero.
pub fn get<T: OptionValue>(socket: &Socket, level: i32, name: i32) -> io::Result<T> {
    // SAFETY: `T: OptionValue` is valid when zeroed.
    let mut value: T = unsafe { std::mem::zeroed() };
    // SAFETY: the pointer and length describe `value`, which the kernel
    // may fill with any bytes.
    unsafe {
        get_raw(
            socket,
            level,
            name,
            (&mut value as *mut T).cast(),
            size_of::<T>(),
        )
    }?;
    Ok(value)
}

/// `setsockopt(2)` of a value of type `T`.
pub fn set<T: OptionValue>(socket: &Socket, level: i32, name: i32, value: &T) -> io::Result<()> {
    // SAFETY: the pointer and length describe `value`.
    unsafe {
        set_raw(
            socket,
            level,
            name,
            (value as *const T).cast(),
            size_of::<T>(),
        )
    }
}

/// `getsockopt(2)` into `buffer`; returns how many bytes the kernel wrote.
pub fn get_bytes(socket: &Socket, level: i32, name: i32, buffer: &mut [u8]) -> io::Result<usize> {
    // SAFETY: the pointer and length describe `buffer`.
    unsafe {
        get_raw(
            socket,
            level,
            name,
            buffer.as_mut_ptr().cast(),
            buffer.len(),
        )
    }
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
    // SAFETY: the pointer and length describe `value`.
    unsafe { set_raw(socket, level, name, value.as_ptr().cast(), value.len()) }
}

/// # Safety
///
/// `value` must point to `len` writable bytes that may take any value.
unsafe fn get_raw(
    socket: &Socket,
    level: i32,
    name: i32,
    value: *mut libc::c_void,
    len: usize,
) -> io::Result<usize> {
    let mut len = len as libc::socklen_t;
    // SAFETY: the caller guarantees `value` and `len`.
    let rc = unsafe { libc::getsockopt(socket.as_raw_fd(), level, name, value, &mut len) };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(len as usize)
    }
}

/// # Safety
///
/// `value` must point to `len` readable bytes.
unsafe fn set_raw(
    socket: &Socket,
    level: i32,
    name: i32,
    value: *const libc::c_void,
    len: usize,
) -> io::Result<()> {
    // SAFETY: the caller guarantees `value` and `len`; the kernel only
    // reads them.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            level,
            name,
            value,
            len as libc::socklen_t,
        )
    };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}
