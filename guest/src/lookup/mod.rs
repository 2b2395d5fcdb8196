//! Name services through the host's resolver, as Python's `socket` module
//! has them: [`getaddrinfo`] and [`getnameinfo`], the host database
//! ([`gethostbyname`], [`gethostbyname_ex`], [`gethostbyaddr`],
//! [`getfqdn`], [`gethostname`]), services and protocols
//! ([`getservbyname`], [`getservbyport`], [`getprotobyname`]) and network
//! interfaces ([`if_nameindex`], [`if_nametoindex`], [`if_indextoname`]).
//!
//! The host's policy decides what a guest may look up. Without a DNS grant
//! the host still resolves numeric hosts, service names and `localhost`;
//! other names fail with a [`ResolveError`] whose
//! [`system_error`](ResolveError::system_error) is `access-denied`. Reverse
//! lookups and interfaces need grants of their own, and
//! [`gethostname`] returns the name the policy gives the guest. Services
//! and protocols need no grant.

mod addrinfo;
mod errors;
mod hosts;
mod interfaces;
mod nameinfo;
mod services;

pub(crate) use addrinfo::resolve;
pub use addrinfo::{AddrInfo, AddrInfoFlags, AddrInfoHints, getaddrinfo, lookup_host};
pub use errors::{HostError, ResolveError};
pub use hosts::{HostEntry, getfqdn, gethostbyaddr, gethostbyname, gethostbyname_ex, gethostname};
pub use interfaces::{if_indextoname, if_nameindex, if_nametoindex};
pub use nameinfo::{NameInfoFlags, getnameinfo};
pub use services::{getprotobyname, getservbyname, getservbyport};
