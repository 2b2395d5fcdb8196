//! TCP and UDP in the shape of `std::net`.
//!
//! The types here behave like their std namesakes, with three differences:
//! names resolve through the host (see [`ToSocketAddrs`]); a timeout is one
//! setting for every call, as in Python (`set_timeout`); and errors carry the
//! host's [`Error`](crate::Error).
//!
//! Every type converts to and from [`Socket`](crate::socket::Socket) for
//! what only the raw layer can do.

mod addrs;
mod tcp;
mod udp;

pub use self::addrs::ToSocketAddrs;
pub use self::tcp::{Incoming, TcpListener, TcpStream};
pub use self::udp::UdpSocket;
