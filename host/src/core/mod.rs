//! The WIT-free core: sockets on socket2 and tokio, Unix path confinement,
//! readiness and name lookups. The WIT adapters in `crate::host` translate
//! to and from these types.

pub mod address;
pub(crate) mod buffer_charge;
mod control;
mod error;
pub(crate) mod in_flight;
pub mod interfaces;
pub mod lookups;
pub mod message;
pub mod names;
pub mod netdb;
pub mod poll;
pub mod poller;
mod recv_buffer;
pub mod resolve;
mod search_list;
pub mod services;
pub mod socket;
pub mod sockopt;
mod unix_diag;
pub mod unix_path;

pub use address::SockAddress;
pub use error::SocketError;
pub use socket::{Family, HostSocket, SockType};
