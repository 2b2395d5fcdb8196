//! Unix-domain sockets in the shape of `std::os::unix::net`.
//!
//! Paths are in the guest's view of the file system; the host confines them
//! to the directories its policy grants. They travel to the host as UTF-8
//! strings, so a path that is not valid UTF-8 fails with
//! [`InvalidInput`](std::io::ErrorKind::InvalidInput). Abstract names (Linux's
//! abstract namespace) work through the `*_addr` functions and
//! [`SocketAddr::from_abstract_name`].

mod addr;
mod datagram;
mod stream;

pub use self::addr::SocketAddr;
pub use self::datagram::UnixDatagram;
pub use self::stream::{Incoming, UnixListener, UnixStream};
