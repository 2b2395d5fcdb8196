//! The host database as Python's `socket` module has it: names to
//! addresses (`gethostbyname`, `gethostbyname_ex`), addresses to names
//! (`gethostbyaddr`, `getfqdn`) and the host's own name (`gethostname`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{AddrInfoFlags, AddrInfoHints, HostError, ResolveError, getaddrinfo};
use crate::addr::{ipv4_from_wit, ipv4_to_wit, ipv6_from_wit, ipv6_to_wit};
use crate::bindings::wasock::sockets::resolver::{self, IpAddress};
use crate::bindings::wasock::sockets::types::AddressFamily;
use crate::socket::{Domain, Type};

/// An entry of the host database: Python's `(hostname, aliaslist,
/// ipaddrlist)`, a `struct hostent`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostEntry {
    /// The official name of the host.
    pub name: String,
    /// Other names of the host.
    pub aliases: Vec<String>,
    /// The addresses of the host, all of one family.
    pub addresses: Vec<IpAddr>,
}

/// The IPv4 address of host `name`, like Python's `socket.gethostbyname`.
///
/// As in CPython, a dotted quad is used as it is, the empty name is
/// `0.0.0.0` and `<broadcast>` is `255.255.255.255`; any other name is
/// translated with `getaddrinfo`, whose first IPv4 address is returned.
///
/// Calls `resolver.get-address-info`, like `getaddrinfo(3)`, for names.
///
/// ```no_run
/// match wasock::lookup::gethostbyname("localhost") {
///     Ok(address) => println!("localhost : {address}"),
///     Err(err) => println!("localhost : {err}"), // e.g. "[Errno -2] Name or service not known"
/// }
/// ```
pub fn gethostbyname(name: &str) -> Result<Ipv4Addr, ResolveError> {
    address_of(name, Some(Domain::IPV4))?
        .into_iter()
        .find_map(|address| match address {
            IpAddr::V4(v4) => Some(v4),
            IpAddr::V6(_) => None,
        })
        .ok_or_else(ResolveError::address_family)
}

/// The host-database entry of host `name` with its IPv4 addresses, like
/// Python's `socket.gethostbyname_ex`.
///
/// As in CPython, the name is first translated as
/// [`gethostbyname`] does (failing with [`HostError::Resolve`], Python's
/// `gaierror`), then looked up in the host database (failing with the
/// `h_errno`, Python's `herror`).
///
/// Calls `resolver.get-address-info` and then `resolver.get-host-by-name`,
/// like `gethostbyname(3)`.
pub fn gethostbyname_ex(name: &str) -> Result<HostEntry, HostError> {
    address_of(name, Some(Domain::IPV4))?;
    Ok(resolver::get_host_by_name(name, Some(AddressFamily::Inet))?.into())
}

/// The host-database entry of a host given by address or name: a reverse
/// lookup, like Python's `socket.gethostbyaddr`.
///
/// As in CPython, `host` is first translated into one address (a name by
/// `getaddrinfo`, taking its first address of any family), whose entry is
/// then looked up. The policy must grant reverse lookups.
///
/// Calls `resolver.get-host-by-address`, like `gethostbyaddr(3)`, after
/// `resolver.get-address-info` for a name.
///
/// ```no_run
/// match wasock::lookup::gethostbyaddr("127.0.0.1") {
///     Ok(entry) => println!("Hostname : {}", entry.name),
///     Err(err) => println!("{err}"), // e.g. "[Errno 1] Unknown host"
/// }
/// ```
pub fn gethostbyaddr(host: &str) -> Result<HostEntry, HostError> {
    let addresses = address_of(host, None)?;
    let [address] = addresses[..] else {
        return Err(HostError::AmbiguousWildcard);
    };
    Ok(resolver::get_host_by_address(IpAddress::from(address))?.into())
}

/// The fully qualified name of `name`, or of this host when `name` is
/// empty, `0.0.0.0` or `::`, like Python's `socket.getfqdn`.
///
/// Python's algorithm: the entry [`gethostbyaddr`] finds for the name,
/// then the first of its name and aliases that contains a dot, else its
/// name; when the lookup fails, the name itself.
pub fn getfqdn(name: &str) -> String {
    let mut name = name.trim().to_owned();
    if name.is_empty() || name == "0.0.0.0" || name == "::" {
        name = gethostname();
    }
    match gethostbyaddr(&name) {
        Ok(entry) => std::iter::once(&entry.name)
            .chain(&entry.aliases)
            .find(|candidate| candidate.contains('.'))
            .cloned()
            .unwrap_or(entry.name),
        Err(_) => name,
    }
}

/// The name of this host as the policy lets the guest see it (`localhost`
/// unless configured or granted), like Python's `socket.gethostname`.
///
/// Calls `resolver.get-host-name`, like `gethostname(2)`.
pub fn gethostname() -> String {
    resolver::get_host_name()
}

/// The addresses `name` stands for, found as CPython's `setipaddr` finds
/// them: the wildcard for the empty name, the broadcast address for
/// `<broadcast>`, a numeric address as it is, else the first result of
/// `getaddrinfo`. Only the wildcard may give more than one address.
fn address_of(name: &str, family: Option<Domain>) -> Result<Vec<IpAddr>, ResolveError> {
    let hints = AddrInfoHints {
        family,
        ..AddrInfoHints::default()
    };
    if name.is_empty() {
        let wildcard = AddrInfoHints {
            socket_type: Some(Type::DGRAM),
            flags: AddrInfoFlags::PASSIVE,
            ..hints
        };
        let found = getaddrinfo(None, Some("0"), &wildcard)?;
        return Ok(found
            .into_iter()
            .filter_map(|info| info.address.as_inet().map(|address| address.ip()))
            .collect());
    }
    if name == "<broadcast>" || name == "255.255.255.255" {
        return Ok(vec![Ipv4Addr::BROADCAST.into()]);
    }
    if family != Some(Domain::IPV6)
        && let Ok(v4) = name.parse::<Ipv4Addr>()
    {
        return Ok(vec![v4.into()]);
    }
    if family != Some(Domain::IPV4)
        && let Ok(v6) = name.parse::<Ipv6Addr>()
    {
        return Ok(vec![v6.into()]);
    }
    getaddrinfo(Some(name), None, &hints)?
        .into_iter()
        .find_map(|info| info.address.as_inet())
        .map(|address| vec![address.ip()])
        .ok_or_else(ResolveError::address_family)
}

impl From<resolver::HostEntry> for HostEntry {
    fn from(entry: resolver::HostEntry) -> HostEntry {
        HostEntry {
            name: entry.name,
            aliases: entry.aliases,
            addresses: entry.addresses.into_iter().map(IpAddr::from).collect(),
        }
    }
}

impl From<IpAddress> for IpAddr {
    fn from(address: IpAddress) -> IpAddr {
        match address {
            IpAddress::Inet(v4) => ipv4_from_wit(v4).into(),
            IpAddress::Inet6(v6) => ipv6_from_wit(v6).into(),
        }
    }
}

impl From<IpAddr> for IpAddress {
    fn from(address: IpAddr) -> IpAddress {
        match address {
            IpAddr::V4(v4) => IpAddress::Inet(ipv4_to_wit(&v4)),
            IpAddr::V6(v6) => IpAddress::Inet6(ipv6_to_wit(&v6)),
        }
    }
}
