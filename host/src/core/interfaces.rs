//! Network interface names and indexes (`if_nameindex(3)` and co.), as the
//! policy allows.
//!
//! The calls open a socket and ask the kernel, so they run on tokio's
//! blocking pool.

use std::ffi::CString;

use nix::net::if_;

use crate::core::SocketError;
use crate::core::netdb::blocking;
use crate::policy::Policy;

/// Every interface as `(index, name)`, in the kernel's order.
pub async fn name_index(policy: &Policy) -> Result<Vec<(u32, String)>, SocketError> {
    check(policy, "listing the network interfaces")?;
    blocking(list).await?
}

/// The index of the interface named `name`.
pub async fn name_to_index(policy: &Policy, name: String) -> Result<u32, SocketError> {
    check(policy, &format!("looking up network interface `{name}`"))?;
    let name = CString::new(name).map_err(|_| SocketError::errno(libc::EINVAL))?;
    blocking(move || Ok(if_::if_nametoindex(name.as_c_str()).map_err(std::io::Error::from)?))
        .await?
}

/// The name of the interface with index `index`.
pub async fn index_to_name(policy: &Policy, index: u32) -> Result<String, SocketError> {
    check(policy, &format!("looking up network interface {index}"))?;
    blocking(move || {
        let name = if_::if_indextoname(index).map_err(std::io::Error::from)?;
        // nix reports an unknown index as an empty name where glibc's
        // `if_indextoname` fails with ENXIO; no interface has an empty name.
        if name.is_empty() {
            return Err(SocketError::errno(libc::ENXIO));
        }
        Ok(name.to_string_lossy().into_owned())
    })
    .await?
}

/// Deny `what` unless the policy grants interface enumeration.
fn check(policy: &Policy, what: &str) -> Result<(), SocketError> {
    policy.check_interfaces(what)
}

/// `if_nameindex(3)`.
fn list() -> Result<Vec<(u32, String)>, SocketError> {
    let interfaces = if_::if_nameindex().map_err(std::io::Error::from)?;
    Ok(interfaces
        .iter()
        .map(|interface| {
            let name = interface.name().to_string_lossy().into_owned();
            (interface.index(), name)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loopback is listed, and its name and index map onto each other.
    #[test]
    fn loopback_round_trips() {
        let interfaces = list().unwrap();
        let (index, name) = interfaces
            .iter()
            .find(|(_, name)| name == "lo")
            .cloned()
            .expect("loopback is listed");
        let c_name = CString::new(name.clone()).unwrap();
        assert_eq!(if_::if_nametoindex(c_name.as_c_str()).unwrap(), index);
        assert_eq!(if_::if_indextoname(index).unwrap().to_str(), Ok("lo"));
    }
}
