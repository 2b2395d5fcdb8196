//! `getaddrinfo(3)` through the host's resolver, under the policy.
//!
//! Lookups run on tokio's blocking pool, never on a thread that runs guests.
//! A name goes to the host's resolver when the policy grants looking it up
//! (every name, a matching pattern, or a name an address rule names).
//! Otherwise hosts are resolved numerically only (glibc's own
//! `AI_NUMERICHOST` parsing, so `127.1` works as natively), and `localhost`
//! always means the loopback addresses (RFC 6761). Each decision is audited
//! as `socket.getaddrinfo`.
//!
//! The addresses a lookup returns grant nothing: connecting to them is
//! checked by address like any other.

use std::ffi::{CStr, CString};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use crate::core::{SocketError, netdb, search_list};
use crate::policy::{Action, GuestText, Policy, Subject};

/// The hints of a lookup: `ai_family`, `ai_socktype`, `ai_protocol`,
/// `ai_flags` as libc values.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints {
    /// `AF_UNSPEC`, `AF_INET` or `AF_INET6`.
    pub family: i32,
    /// `0` or a `SOCK_*` value.
    pub socktype: i32,
    /// `0` or a protocol number.
    pub protocol: i32,
    /// `AI_*` bits.
    pub flags: i32,
}

/// One result of a lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrInfo {
    /// `AF_INET` or `AF_INET6`.
    pub family: i32,
    /// A `SOCK_*` value.
    pub socktype: i32,
    /// A protocol number.
    pub protocol: i32,
    /// The canonical name, in the first result when asked for.
    pub canonical_name: Option<String>,
    /// The address.
    pub address: SocketAddr,
}

/// Why a lookup failed.
#[derive(Debug)]
pub enum ResolveFailure {
    /// An `EAI_*` code other than `EAI_SYSTEM`.
    Gai(i32),
    /// `EAI_SYSTEM` with its `errno`; a policy denial is `EACCES`.
    System(SocketError),
}

/// Resolve `host` and `service` as the policy allows.
pub async fn get_address_info(
    policy: &Policy,
    host: Option<String>,
    service: Option<String>,
    hints: Hints,
) -> Result<Vec<AddrInfo>, ResolveFailure> {
    let Some(host) = host else {
        return lookup(None, service, hints, Search::Native).await;
    };
    check_scope(policy, &host).map_err(ResolveFailure::System)?;
    let audit = |allowed| policy.audit(Action::Lookup, || Subject::Name(host.clone()), allowed);
    if policy.allows_dns_name(&host) {
        audit(true);
        return lookup(Some(host), service, hints, Search::for_policy(policy)).await;
    }
    let numeric = Hints {
        flags: hints.flags | libc::AI_NUMERICHOST,
        ..hints
    };
    // A numeric host asks no name server.
    match lookup(Some(host.clone()), service.clone(), numeric, Search::Native).await {
        Err(ResolveFailure::Gai(libc::EAI_NONAME)) if hints.flags & libc::AI_NUMERICHOST == 0 => {}
        result => {
            audit(true);
            return result;
        }
    }
    if is_localhost(&host) {
        audit(true);
        return loopback(service, hints).await;
    }
    audit(false);
    Err(ResolveFailure::System(SocketError::denied(format!(
        "name lookup of `{}` is not granted by the policy (grant it with --allow-dns or --allow-dns-name)",
        GuestText(&host)
    ))))
}

/// Which names the resolver may ask its name server for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Search {
    /// As configured, the search domains included: for lookups of any name
    /// when every name is granted (`--allow-dns`), and for lookups that ask
    /// no name server (numeric hosts, services alone).
    Native,
    /// The name as given only (see [`search_list`]).
    NameAsGiven,
}

impl Search {
    /// The search a lookup of a granted name may use: the search list only
    /// when the policy grants every name; a name granted by a pattern or a
    /// rule is looked up as it is.
    pub(crate) fn for_policy(policy: &Policy) -> Search {
        if policy.allows_dns() {
            Search::Native
        } else {
            Search::NameAsGiven
        }
    }

    /// Run `lookup` with this search.
    pub(crate) fn run<T>(self, lookup: impl FnOnce() -> T) -> T {
        match self {
            Search::Native => lookup(),
            Search::NameAsGiven => search_list::without_search_list(lookup),
        }
    }
}

/// Check the scope id of a numeric IPv6 host (`fe80::1%eth0`): glibc turns
/// an interface name into its index, and fails for a name the host does
/// not have, so a name needs the interfaces grant. A number reveals
/// nothing and needs none.
pub(crate) fn check_scope(policy: &Policy, host: &str) -> Result<(), SocketError> {
    match host.split_once('%') {
        Some((_, scope)) if scope.is_empty() || !scope.bytes().all(|b| b.is_ascii_digit()) => {
            policy.check_interfaces(&format!(
                "an interface name as a scope id (`%{}`)",
                GuestText(scope)
            ))
        }
        _ => Ok(()),
    }
}

/// `localhost` and names under `.localhost` (RFC 6761).
fn is_localhost(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost")
}

/// The loopback addresses, as the answer for `localhost`.
async fn loopback(service: Option<String>, hints: Hints) -> Result<Vec<AddrInfo>, ResolveFailure> {
    let numeric = Hints {
        flags: (hints.flags | libc::AI_NUMERICHOST) & !libc::AI_CANONNAME,
        ..hints
    };
    let mut results = Vec::new();
    let mut first_error = None;
    for (family, address) in [(libc::AF_INET, "127.0.0.1"), (libc::AF_INET6, "::1")] {
        if hints.family != libc::AF_UNSPEC && hints.family != family {
            continue;
        }
        match lookup(
            Some(address.into()),
            service.clone(),
            numeric,
            Search::Native,
        )
        .await
        {
            Ok(found) => results.extend(found),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    match (results.first_mut(), first_error) {
        (Some(first), _) => {
            if hints.flags & libc::AI_CANONNAME != 0 {
                first.canonical_name = Some("localhost".into());
            }
            Ok(results)
        }
        (None, Some(error)) => Err(error),
        (None, None) => Err(ResolveFailure::Gai(libc::EAI_FAMILY)),
    }
}

/// Run `getaddrinfo(3)` on the blocking pool, with or without the
/// resolver's search list.
async fn lookup(
    host: Option<String>,
    service: Option<String>,
    hints: Hints,
    search: Search,
) -> Result<Vec<AddrInfo>, ResolveFailure> {
    let to_c = |s: Option<String>| {
        s.map(CString::new)
            .transpose()
            .map_err(|_| ResolveFailure::Gai(libc::EAI_NONAME))
    };
    let host = to_c(host)?;
    let service = to_c(service)?;
    netdb::blocking(move || search.run(|| getaddrinfo(host.as_deref(), service.as_deref(), hints)))
        .await
        .map_err(|trap| ResolveFailure::System(trap.into()))?
}

fn getaddrinfo(
    host: Option<&CStr>,
    service: Option<&CStr>,
    hints: Hints,
) -> Result<Vec<AddrInfo>, ResolveFailure> {
    // SAFETY: `addrinfo` is a plain C struct; all zeroes (null pointers) is valid.
    let mut c_hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    c_hints.ai_family = hints.family;
    c_hints.ai_socktype = hints.socktype;
    c_hints.ai_protocol = hints.protocol;
    c_hints.ai_flags = hints.flags;
    let mut list: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: the strings are NUL-terminated or null, the hints are valid,
    // and `list` receives a list we free below.
    let rc = unsafe {
        libc::getaddrinfo(
            host.map_or(std::ptr::null(), CStr::as_ptr),
            service.map_or(std::ptr::null(), CStr::as_ptr),
            &c_hints,
            &mut list,
        )
    };
    if rc == libc::EAI_SYSTEM {
        return Err(ResolveFailure::System(
            std::io::Error::last_os_error().into(),
        ));
    }
    if rc != 0 {
        return Err(ResolveFailure::Gai(rc));
    }
    let mut results = Vec::new();
    let mut entry = list;
    while !entry.is_null() {
        // SAFETY: `entry` is a node of the list getaddrinfo returned.
        let info = unsafe { &*entry };
        // SAFETY: `ai_addr` points to `ai_addrlen` bytes of the given family.
        if let Some(address) = unsafe { socket_addr(info) } {
            let canonical_name = (!info.ai_canonname.is_null())
                // SAFETY: a non-null `ai_canonname` is a NUL-terminated string.
                .then(|| {
                    unsafe { CStr::from_ptr(info.ai_canonname) }
                        .to_string_lossy()
                        .into_owned()
                });
            results.push(AddrInfo {
                family: info.ai_family,
                socktype: info.ai_socktype,
                protocol: info.ai_protocol,
                canonical_name,
                address,
            });
        }
        entry = info.ai_next;
    }
    // SAFETY: `list` came from getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(list) };
    Ok(results)
}

/// # Safety
/// `info.ai_addr` must point to a valid socket address of `info.ai_family`.
unsafe fn socket_addr(info: &libc::addrinfo) -> Option<SocketAddr> {
    match info.ai_family {
        libc::AF_INET => {
            // SAFETY: the caller guarantees a `sockaddr_in`.
            let sin = unsafe { &*(info.ai_addr as *const libc::sockaddr_in) };
            let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
            Some(SocketAddrV4::new(ip, u16::from_be(sin.sin_port)).into())
        }
        libc::AF_INET6 => {
            // SAFETY: the caller guarantees a `sockaddr_in6`.
            let sin6 = unsafe { &*(info.ai_addr as *const libc::sockaddr_in6) };
            let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            Some(
                SocketAddrV6::new(
                    ip,
                    u16::from_be(sin6.sin6_port),
                    u32::from_be(sin6.sin6_flowinfo),
                    sin6.sin6_scope_id,
                )
                .into(),
            )
        }
        _ => None,
    }
}
