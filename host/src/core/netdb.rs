//! glibc's network databases (`netdb.h`): the host database, reverse
//! lookups with `getnameinfo(3)`, services and protocols.
//!
//! Every function here blocks (files, NSS modules, DNS) and uses the
//! reentrant `*_r` variants, so it may run on any thread of tokio's
//! blocking pool; [`blocking`] runs one there.

use std::ffi::{CStr, c_char, c_int, c_void};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::core::SocketError;
use crate::core::resolve::ResolveFailure;

/// An entry of the host database, a `struct hostent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostEntry {
    /// The official name, `h_name`.
    pub name: String,
    /// Other names, `h_aliases`.
    pub aliases: Vec<String>,
    /// The addresses, all of one family, `h_addr_list`.
    pub addresses: Vec<IpAddr>,
}

/// Why a host-database lookup failed.
#[derive(Debug)]
pub enum HostFailure {
    /// An `h_errno` other than `NETDB_INTERNAL`: `HOST_NOT_FOUND`,
    /// `TRY_AGAIN`, `NO_RECOVERY` or `NO_DATA`.
    HErrno(i32),
    /// `NETDB_INTERNAL` with its `errno`; a policy denial is `EACCES`.
    System(SocketError),
}

/// `h_errno`: the host is not known.
pub const HOST_NOT_FOUND: i32 = 1;
/// `h_errno`: a temporary failure.
pub const TRY_AGAIN: i32 = 2;
/// `h_errno`: a permanent failure.
pub const NO_RECOVERY: i32 = 3;
/// `h_errno`: the name has no address of the family.
pub const NO_DATA: i32 = 4;
/// `h_errno`: see `errno`.
const NETDB_INTERNAL: i32 = -1;

/// The first buffer a `*_r` call gets; it doubles on `ERANGE`.
const FIRST_BUFFER: usize = 1024;
/// The largest buffer a `*_r` call gets before its `ERANGE` is final.
const MAX_BUFFER: usize = 1 << 20;
/// `NI_MAXSERV`, which the libc crate does not export.
const NI_MAXSERV: usize = 32;

// The reentrant lookups of glibc that the libc crate does not declare.
// SAFETY: the signatures are glibc's (`netdb.h`), with the C types of the
// libc crate; each call below states what it passes.
unsafe extern "C" {
    fn gethostbyname2_r(
        name: *const c_char,
        af: c_int,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
    fn gethostbyaddr_r(
        addr: *const c_void,
        len: libc::socklen_t,
        af: c_int,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
    fn getservbyname_r(
        name: *const c_char,
        proto: *const c_char,
        result_buf: *mut libc::servent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::servent,
    ) -> c_int;
    fn getservbyport_r(
        port: c_int,
        proto: *const c_char,
        result_buf: *mut libc::servent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::servent,
    ) -> c_int;
    fn getprotobyname_r(
        name: *const c_char,
        result_buf: *mut libc::protoent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::protoent,
    ) -> c_int;
}

/// Run a blocking lookup on tokio's blocking pool. A lookup that panics is
/// a host bug, and traps the guest.
pub async fn blocking<T: Send + 'static>(
    lookup: impl FnOnce() -> T + Send + 'static,
) -> wasmtime::Result<T> {
    tokio::task::spawn_blocking(lookup)
        .await
        .map_err(|e| wasmtime::Error::msg(format!("a name-service lookup failed: {e}")))
}

/// One call of a `*_r` function: the entry it fills, the buffer, and
/// where it reports the result and `h_errno`.
struct Call<'a, E> {
    entry: &'a mut E,
    buffer: &'a mut [c_char],
    result: &'a mut *mut E,
    h_errno: &'a mut c_int,
}

/// Call a `*_r` lookup with a buffer that doubles while it fails with
/// `ERANGE`; `read` turns the entry it found into a Rust value. Returns the
/// value, or the call's return code and `h_errno`.
fn lookup_r<E, T>(
    mut call: impl FnMut(Call<'_, E>) -> c_int,
    read: impl FnOnce(&E) -> T,
) -> Result<T, (c_int, c_int)> {
    let mut size = FIRST_BUFFER;
    loop {
        // SAFETY: the entries are plain C structs of pointers and integers;
        // all zeroes is a valid value, and the call overwrites it.
        let mut entry: E = unsafe { std::mem::zeroed() };
        let mut buffer = vec![0 as c_char; size];
        let mut result = std::ptr::null_mut();
        let mut h_errno = 0;
        let rc = call(Call {
            entry: &mut entry,
            buffer: &mut buffer,
            result: &mut result,
            h_errno: &mut h_errno,
        });
        if !result.is_null() {
            // SAFETY: on success `result` points to `entry`, whose strings
            // live in `buffer`, which is still alive.
            return Ok(read(unsafe { &*result }));
        }
        if rc != libc::ERANGE || size >= MAX_BUFFER {
            return Err((rc, h_errno));
        }
        size *= 2;
    }
}

/// Look a host up by name, like `gethostbyname2(3)`: `family` is `AF_INET`
/// or `AF_INET6`.
pub fn host_by_name(name: &CStr, family: i32) -> Result<HostEntry, HostFailure> {
    lookup_r(
        |call| {
            // SAFETY: `name` is NUL-terminated; the other pointers are valid
            // for the sizes given, for the duration of the call.
            unsafe {
                gethostbyname2_r(
                    name.as_ptr(),
                    family,
                    call.entry,
                    call.buffer.as_mut_ptr(),
                    call.buffer.len(),
                    call.result,
                    call.h_errno,
                )
            }
        },
        // SAFETY: a hostent filled by glibc.
        |entry| unsafe { host_entry(entry) },
    )
    .map_err(host_failure)
}

/// Look a host up by address, like `gethostbyaddr(3)`.
pub fn host_by_address(address: IpAddr) -> Result<HostEntry, HostFailure> {
    let (bytes, family) = match address {
        IpAddr::V4(v4) => (v4.octets().to_vec(), libc::AF_INET),
        IpAddr::V6(v6) => (v6.octets().to_vec(), libc::AF_INET6),
    };
    lookup_r(
        |call| {
            // SAFETY: `bytes` holds an address of `family`; the other
            // pointers are valid for the sizes given, for the call.
            unsafe {
                gethostbyaddr_r(
                    bytes.as_ptr().cast(),
                    bytes.len() as libc::socklen_t,
                    family,
                    call.entry,
                    call.buffer.as_mut_ptr(),
                    call.buffer.len(),
                    call.result,
                    call.h_errno,
                )
            }
        },
        // SAFETY: a hostent filled by glibc.
        |entry| unsafe { host_entry(entry) },
    )
    .map_err(host_failure)
}

/// The failure of a host lookup from its return code and `h_errno`.
fn host_failure((rc, h_errno): (c_int, c_int)) -> HostFailure {
    match h_errno {
        NETDB_INTERNAL => {
            HostFailure::System(SocketError::errno(if rc == 0 { libc::EIO } else { rc }))
        }
        h_errno => HostFailure::HErrno(h_errno),
    }
}

/// # Safety
/// `entry` must be a `hostent` filled by glibc, with its buffer alive.
unsafe fn host_entry(entry: &libc::hostent) -> HostEntry {
    // SAFETY: the caller guarantees a valid entry.
    let name = unsafe { string(entry.h_name) };
    // SAFETY: `h_aliases` is a null-terminated array of strings.
    let aliases = unsafe { null_terminated(entry.h_aliases) }
        .into_iter()
        // SAFETY: each alias is a NUL-terminated string.
        .map(|alias| unsafe { string(alias) })
        .collect();
    // SAFETY: `h_addr_list` is a null-terminated array of addresses.
    let addresses = unsafe { null_terminated(entry.h_addr_list) }
        .into_iter()
        .filter_map(|address| match (entry.h_addrtype, entry.h_length) {
            // SAFETY: an address of `h_length` bytes.
            (libc::AF_INET, 4) => Some(IpAddr::V4(Ipv4Addr::from(unsafe {
                *address.cast::<[u8; 4]>()
            }))),
            // SAFETY: an address of `h_length` bytes.
            (libc::AF_INET6, 16) => Some(IpAddr::V6(Ipv6Addr::from(unsafe {
                *address.cast::<[u8; 16]>()
            }))),
            _ => None,
        })
        .collect();
    HostEntry {
        name,
        aliases,
        addresses,
    }
}

/// # Safety
/// `list` must be null or a null-terminated array of pointers.
unsafe fn null_terminated(list: *mut *mut c_char) -> Vec<*mut c_char> {
    let mut items = Vec::new();
    if list.is_null() {
        return items;
    }
    // SAFETY: the array ends with a null pointer, which stops the walk.
    unsafe {
        let mut next = list;
        while !(*next).is_null() {
            items.push(*next);
            next = next.add(1);
        }
    }
    items
}

/// # Safety
/// `text` must be null or a NUL-terminated string.
unsafe fn string(text: *const c_char) -> String {
    if text.is_null() {
        return String::new();
    }
    // SAFETY: the caller guarantees a NUL-terminated string.
    unsafe { CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned()
}

/// Translate a socket address into a host and a service name, like
/// `getnameinfo(3)` with `NI_*` `flags`.
pub fn name_info(address: SocketAddr, flags: i32) -> Result<(String, String), ResolveFailure> {
    let address = socket2::SockAddr::from(address);
    let mut host = [0u8; libc::NI_MAXHOST as usize];
    let mut service = [0u8; NI_MAXSERV];
    // SAFETY: `address` is a valid socket address of its length, and the
    // buffers are writable for the lengths given.
    let rc = unsafe {
        libc::getnameinfo(
            address.as_ptr().cast(),
            address.len(),
            host.as_mut_ptr().cast(),
            host.len() as libc::socklen_t,
            service.as_mut_ptr().cast(),
            service.len() as libc::socklen_t,
            flags,
        )
    };
    match rc {
        0 => Ok((until_nul(&host), until_nul(&service))),
        libc::EAI_SYSTEM => Err(ResolveFailure::System(
            std::io::Error::last_os_error().into(),
        )),
        code => Err(ResolveFailure::Gai(code)),
    }
}

/// The text of a buffer a C call filled, up to its first NUL (all of it
/// if it has none).
fn until_nul(buffer: &[u8]) -> String {
    let end = buffer.iter().position(|b| *b == 0).unwrap_or(buffer.len());
    String::from_utf8_lossy(&buffer[..end]).into_owned()
}

/// The port of a service, like `getservbyname(3)`.
pub fn service_port(name: &CStr, protocol: Option<&CStr>) -> Option<u16> {
    lookup_r(
        |call| {
            // SAFETY: the strings are NUL-terminated or null; the other
            // pointers are valid for the sizes given, for the call.
            unsafe {
                getservbyname_r(
                    name.as_ptr(),
                    protocol.map_or(std::ptr::null(), CStr::as_ptr),
                    call.entry,
                    call.buffer.as_mut_ptr(),
                    call.buffer.len(),
                    call.result,
                )
            }
        },
        // `s_port` holds the port in network byte order in an `int`.
        |entry: &libc::servent| u16::from_be(entry.s_port as u16),
    )
    .ok()
}

/// The name of the service on a port, like `getservbyport(3)`.
pub fn service_name(port: u16, protocol: Option<&CStr>) -> Option<String> {
    lookup_r(
        |call| {
            // SAFETY: the protocol is NUL-terminated or null; the other
            // pointers are valid for the sizes given, for the call.
            unsafe {
                getservbyport_r(
                    c_int::from(port.to_be()),
                    protocol.map_or(std::ptr::null(), CStr::as_ptr),
                    call.entry,
                    call.buffer.as_mut_ptr(),
                    call.buffer.len(),
                    call.result,
                )
            }
        },
        // SAFETY: `s_name` of an entry glibc filled is a NUL-terminated string.
        |entry: &libc::servent| unsafe { string(entry.s_name) },
    )
    .ok()
}

/// The number of a protocol, like `getprotobyname(3)`.
pub fn protocol_number(name: &CStr) -> Option<i32> {
    lookup_r(
        |call| {
            // SAFETY: `name` is NUL-terminated; the other pointers are valid
            // for the sizes given, for the call.
            unsafe {
                getprotobyname_r(
                    name.as_ptr(),
                    call.entry,
                    call.buffer.as_mut_ptr(),
                    call.buffer.len(),
                    call.result,
                )
            }
        },
        |entry: &libc::protoent| entry.p_proto,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_hosts_need_no_database() {
        let entry = host_by_name(c"127.0.0.1", libc::AF_INET).unwrap();
        assert_eq!(entry.name, "127.0.0.1");
        assert_eq!(entry.addresses, vec![IpAddr::from([127, 0, 0, 1])]);
        assert!(matches!(
            host_by_name(c"::1", libc::AF_INET),
            Err(HostFailure::HErrno(HOST_NOT_FOUND))
        ));
    }

    #[test]
    fn name_info_numeric() {
        let numeric = libc::NI_NUMERICHOST | libc::NI_NUMERICSERV;
        let address = "127.0.0.1:80".parse().unwrap();
        assert_eq!(
            name_info(address, numeric).unwrap(),
            ("127.0.0.1".into(), "80".into())
        );
        assert!(matches!(
            name_info(address, libc::NI_NUMERICHOST | libc::NI_NAMEREQD),
            Err(ResolveFailure::Gai(libc::EAI_NONAME))
        ));
    }

    /// The buffer doubles while a call asks for more room, up to a bound.
    #[test]
    fn buffers_grow_on_erange_and_stop() {
        let found = lookup_r(
            |call: Call<'_, libc::protoent>| {
                if call.buffer.len() < 4 * FIRST_BUFFER {
                    return libc::ERANGE;
                }
                call.entry.p_proto = 42;
                *call.result = &mut *call.entry;
                0
            },
            |entry| entry.p_proto,
        );
        assert_eq!(found.ok(), Some(42));
        let never = lookup_r(|_: Call<'_, libc::protoent>| libc::ERANGE, |_| ());
        assert_eq!(never.err(), Some((libc::ERANGE, 0)));
    }

    #[test]
    fn reverse_lookups_give_entries_or_host_errors() {
        match host_by_address(IpAddr::from([127, 0, 0, 1])) {
            Ok(entry) => assert!(!entry.name.is_empty()),
            Err(failure) => assert!(matches!(failure, HostFailure::HErrno(_))),
        }
    }

    #[test]
    fn services_and_protocols() {
        assert_eq!(protocol_number(c"tcp"), Some(6));
        assert_eq!(protocol_number(c"wasock-no-such-protocol"), None);
        assert_eq!(service_port(c"wasock-no-such-service", None), None);
        if let Some(port) = service_port(c"http", Some(c"tcp")) {
            assert_eq!(service_name(port, Some(c"tcp")).as_deref(), Some("http"));
        }
    }
}
