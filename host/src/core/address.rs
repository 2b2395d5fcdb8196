//! Socket addresses in the guest's view, and their conversion to and from
//! the kernel's `sockaddr`.

use std::net::SocketAddr;
use std::os::unix::ffi::OsStrExt;

use socket2::SockAddr;

/// A socket address as the guest sees it.
///
/// Unix paths are guest paths; the policy maps them onto host directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SockAddress {
    /// An IPv4 or IPv6 address and port.
    Ip(SocketAddr),
    /// A Unix socket bound to a path (guest view).
    UnixPath(String),
    /// A Unix socket in the abstract namespace (without the leading NUL).
    UnixAbstract(Vec<u8>),
    /// An unbound Unix socket.
    Unnamed,
}

impl SockAddress {
    /// Convert an address reported by the kernel. Unix paths are reported as
    /// the kernel has them; paths the host made up to confine a guest
    /// (`/proc/self/fd/…`, `/proc/PID/fd/…`) mean nothing to a guest and read as unnamed.
    pub fn from_kernel(addr: &SockAddr) -> SockAddress {
        if let Some(ip) = addr.as_socket() {
            return SockAddress::Ip(ip);
        }
        if let Some(name) = addr.as_abstract_namespace() {
            return SockAddress::UnixAbstract(name.to_vec());
        }
        match addr.as_pathname() {
            Some(path) if crate::core::unix_path::is_host_made(path.as_os_str().as_bytes()) => {
                SockAddress::Unnamed
            }
            Some(path) => SockAddress::UnixPath(path.to_string_lossy().into_owned()),
            None => SockAddress::Unnamed,
        }
    }
}
