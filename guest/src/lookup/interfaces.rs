//! Network interface names and indexes, as Python's `socket` module has
//! them. The policy must grant interface enumeration.

use std::io;

use crate::ErrorCode;
use crate::bindings::wasock::sockets::resolver;

/// Every network interface of the host as `(index, name)`, like Python's
/// `socket.if_nameindex`.
///
/// Calls `resolver.interface-name-index`, like `if_nameindex(3)`.
///
/// ```no_run
/// for (index, name) in wasock::lookup::if_nameindex().unwrap() {
///     println!("{index}: {name}");
/// }
/// ```
pub fn if_nameindex() -> io::Result<Vec<(u32, String)>> {
    Ok(resolver::interface_name_index()?)
}

/// The index of the network interface named `name`, like Python's
/// `socket.if_nametoindex`.
///
/// An unknown name fails with [`NotFound`](io::ErrorKind::NotFound),
/// displayed as Python's `no interface with this name`; other errors (a
/// policy denial) carry the socket error.
///
/// Calls `resolver.interface-name-to-index`, like `if_nametoindex(3)`.
pub fn if_nametoindex(name: &str) -> io::Result<u32> {
    resolver::interface_name_to_index(name).map_err(|err| match err.code {
        ErrorCode::NoSuchDevice => {
            io::Error::new(io::ErrorKind::NotFound, "no interface with this name")
        }
        _ => err.into(),
    })
}

/// The name of the network interface with index `index`, like Python's
/// `socket.if_indextoname`. An unknown index fails with
/// `no-such-device-or-address`, `[Errno 6] No such device or address`.
///
/// Calls `resolver.interface-index-to-name`, like `if_indextoname(3)`.
pub fn if_indextoname(index: u32) -> io::Result<String> {
    Ok(resolver::interface_index_to_name(index)?)
}
