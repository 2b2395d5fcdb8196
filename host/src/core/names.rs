//! Host names under the policy: reverse lookups (`getnameinfo(3)`,
//! `gethostbyaddr(3)`), host-database entries (`gethostbyname(3)`) and the
//! host's own name.
//!
//! Forward lookups follow `get_address_info`: unless the policy grants
//! looking the name up, only numeric hosts and `localhost` are answered.
//! Every reverse lookup needs the reverse-DNS grant; numeric translations
//! need none. Each decision is audited.

use std::ffi::CString;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use crate::core::SocketError;
use crate::core::netdb::{self, HostEntry, HostFailure, blocking};
use crate::core::resolve::{self, Hints, ResolveFailure, Search};
use crate::policy::{Action, Policy, Subject};

/// Translate a socket address into a host and a service name, like
/// `getnameinfo(3)` with `NI_*` `flags`.
///
/// Without `NI_NUMERICHOST` the policy must grant reverse lookups. Unless
/// it grants interfaces, an IPv6 scope is shown as its number rather than
/// the name of its interface.
pub async fn get_name_info(
    policy: &Policy,
    address: SocketAddr,
    flags: i32,
) -> Result<(String, String), ResolveFailure> {
    if flags & libc::NI_NUMERICHOST == 0 {
        policy
            .check_reverse_dns(address.ip())
            .map_err(ResolveFailure::System)?;
    }
    let (address, scope) = match address {
        SocketAddr::V6(mut v6) if v6.scope_id() != 0 && !policy.allows_interfaces() => {
            let scope = v6.scope_id();
            v6.set_scope_id(0);
            (SocketAddr::V6(v6), Some(scope))
        }
        address => (address, None),
    };
    let (host, service) = blocking(move || netdb::name_info(address, flags))
        .await
        .map_err(|trap| ResolveFailure::System(trap.into()))??;
    let host = match scope {
        Some(scope) if host.parse::<Ipv6Addr>().is_ok() => format!("{host}%{scope}"),
        _ => host,
    };
    Ok((host, service))
}

/// Look a host up by name, like `gethostbyname2(3)`; `family` is
/// `AF_INET` or `AF_INET6`.
///
/// When the policy grants looking `name` up this asks the host database.
/// Otherwise numeric hosts and `localhost` are answered from their
/// addresses (the name as given, or `localhost`; no aliases) and other
/// names are denied.
pub async fn get_host_by_name(
    policy: &Policy,
    name: String,
    family: i32,
) -> Result<HostEntry, HostFailure> {
    if family != libc::AF_INET && family != libc::AF_INET6 {
        return Err(HostFailure::System(SocketError::errno(libc::EAFNOSUPPORT)));
    }
    if policy.allows_dns_name(&name) {
        policy.audit(Action::Lookup, || Subject::Name(name.clone()), true);
        // A name with a NUL in it names no host.
        let name = CString::new(name).map_err(|_| HostFailure::HErrno(netdb::HOST_NOT_FOUND))?;
        let search = Search::for_policy(policy);
        return blocking(move || search.run(|| netdb::host_by_name(&name, family)))
            .await
            .map_err(|trap| HostFailure::System(trap.into()))?;
    }
    let hints = Hints {
        family,
        socktype: libc::SOCK_STREAM,
        protocol: 0,
        flags: libc::AI_CANONNAME,
    };
    let found = resolve::get_address_info(policy, Some(name.clone()), None, hints)
        .await
        .map_err(|failure| match failure {
            ResolveFailure::Gai(code) => HostFailure::HErrno(h_errno_of(code)),
            ResolveFailure::System(error) => HostFailure::System(error),
        })?;
    let mut addresses = Vec::new();
    for info in &found {
        if !addresses.contains(&info.address.ip()) {
            addresses.push(info.address.ip());
        }
    }
    Ok(HostEntry {
        name: found
            .into_iter()
            .find_map(|info| info.canonical_name)
            .unwrap_or(name),
        aliases: Vec::new(),
        addresses,
    })
}

/// The `h_errno` `gethostbyname(3)` gives where `getaddrinfo(3)` fails
/// with an `EAI_*` code.
fn h_errno_of(code: i32) -> i32 {
    match code {
        libc::EAI_AGAIN => netdb::TRY_AGAIN,
        libc::EAI_NODATA => netdb::NO_DATA,
        libc::EAI_FAIL | libc::EAI_MEMORY => netdb::NO_RECOVERY,
        _ => netdb::HOST_NOT_FOUND,
    }
}

/// Look a host up by address, like `gethostbyaddr(3)`; the policy must
/// grant reverse lookups.
pub async fn get_host_by_address(
    policy: &Policy,
    address: IpAddr,
) -> Result<HostEntry, HostFailure> {
    policy
        .check_reverse_dns(address)
        .map_err(HostFailure::System)?;
    blocking(move || netdb::host_by_address(address))
        .await
        .map_err(|trap| HostFailure::System(trap.into()))?
}

/// The host name the guest sees: the real one (`gethostname(2)`) when the
/// policy grants it, else the name the policy configures.
pub fn host_name(policy: &Policy) -> String {
    policy.audit(
        Action::HostName,
        || Subject::None,
        policy.allows_real_host_name(),
    );
    if !policy.allows_real_host_name() {
        return policy.host_name().to_owned();
    }
    let mut name = [0 as libc::c_char; 256];
    // SAFETY: `name` is writable for its length; glibc NUL-terminates a name
    // that fits, and Linux host names have at most 64 bytes.
    if unsafe { libc::gethostname(name.as_mut_ptr(), name.len()) } != 0 {
        tracing::debug!(
            "gethostname failed ({}); the guest sees the configured name",
            std::io::Error::last_os_error()
        );
        return policy.host_name().to_owned();
    }
    // SAFETY: NUL-terminated on success, as above.
    unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}
