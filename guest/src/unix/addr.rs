//! Unix-domain socket addresses.

use std::fmt;
use std::io;
use std::path::Path;

use crate::ErrorCode;
use crate::bindings::wasock::sockets::types::SocketAddress;
use crate::error;

/// The address of a Unix-domain socket: a file system path, a name in
/// Linux's abstract namespace, or unnamed (an unbound client).
///
/// Paths are in the guest's view of the file system; the host maps them onto
/// the directories its policy grants. They travel as UTF-8 strings, so a path
/// that is not valid UTF-8 is rejected with
/// [`InvalidInput`](io::ErrorKind::InvalidInput).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SocketAddr(Kind);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Kind {
    Pathname(String),
    Abstract(Vec<u8>),
    Unnamed,
}

impl SocketAddr {
    /// An address for a file system path.
    ///
    /// Fails with [`InvalidInput`](io::ErrorKind::InvalidInput) when the path
    /// is not valid UTF-8.
    pub fn from_pathname<P: AsRef<Path>>(path: P) -> io::Result<SocketAddr> {
        match path.as_ref().to_str() {
            Some(path) => Ok(SocketAddr::pathname(path.to_owned())),
            None => Err(error::local(
                ErrorCode::InvalidArgument,
                "Unix socket path is not valid UTF-8",
            )),
        }
    }

    /// An address in Linux's abstract namespace: `name` is what follows the
    /// leading NUL byte of `sun_path`. Never fails; the `Result` matches std.
    pub fn from_abstract_name<N: AsRef<[u8]>>(name: N) -> io::Result<SocketAddr> {
        Ok(SocketAddr::abstract_name(name.as_ref().to_vec()))
    }

    /// The path, if this is a path address.
    pub fn as_pathname(&self) -> Option<&Path> {
        match &self.0 {
            Kind::Pathname(path) => Some(Path::new(path)),
            _ => None,
        }
    }

    /// The abstract name (without the leading NUL), if this is an abstract
    /// address.
    pub fn as_abstract_name(&self) -> Option<&[u8]> {
        match &self.0 {
            Kind::Abstract(name) => Some(name),
            _ => None,
        }
    }

    /// Whether the address is unnamed, as for an unbound client.
    pub fn is_unnamed(&self) -> bool {
        matches!(self.0, Kind::Unnamed)
    }

    pub(crate) fn pathname(path: String) -> SocketAddr {
        SocketAddr(Kind::Pathname(path))
    }

    pub(crate) fn abstract_name(name: Vec<u8>) -> SocketAddr {
        SocketAddr(Kind::Abstract(name))
    }

    pub(crate) fn unnamed() -> SocketAddr {
        SocketAddr(Kind::Unnamed)
    }
}

/// Formats like std's: `"/tmp/sock" (pathname)`, `"name" (abstract)`,
/// `(unnamed)`.
impl fmt::Debug for SocketAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Pathname(path) => write!(f, "{path:?} (pathname)"),
            Kind::Abstract(name) => write!(f, "\"{}\" (abstract)", name.escape_ascii()),
            Kind::Unnamed => f.write_str("(unnamed)"),
        }
    }
}

impl From<&SocketAddr> for SocketAddress {
    fn from(addr: &SocketAddr) -> SocketAddress {
        match &addr.0 {
            Kind::Pathname(path) => SocketAddress::UnixPath(path.clone()),
            Kind::Abstract(name) => SocketAddress::UnixAbstract(name.clone()),
            Kind::Unnamed => SocketAddress::Unnamed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_like_std() {
        let path = SocketAddr::from_pathname("/tmp/sock").unwrap();
        assert_eq!(format!("{path:?}"), "\"/tmp/sock\" (pathname)");
        let name = SocketAddr::from_abstract_name(b"name\0").unwrap();
        assert_eq!(format!("{name:?}"), "\"name\\x00\" (abstract)");
        assert_eq!(format!("{:?}", SocketAddr::unnamed()), "(unnamed)");
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_path_is_invalid_input() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;

        let err = SocketAddr::from_pathname(OsStr::from_bytes(b"\xff")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }
}
