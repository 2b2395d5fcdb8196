//! Network interface names and indexes (`if_nameindex(3)` and co.), as the
//! policy allows.
//!
//! The calls open a socket and ask the kernel, so they run on tokio's
//! blocking pool.

use std::ffi::{CStr, CString};

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
    blocking(move || {
        // SAFETY: `name` is NUL-terminated.
        match unsafe { libc::if_nametoindex(name.as_ptr()) } {
            0 => Err(std::io::Error::last_os_error().into()),
            index => Ok(index),
        }
    })
    .await?
}

/// The name of the interface with index `index`.
pub async fn index_to_name(policy: &Policy, index: u32) -> Result<String, SocketError> {
    check(policy, &format!("looking up network interface {index}"))?;
    blocking(move || {
        let mut name = [0 as libc::c_char; libc::IF_NAMESIZE];
        // SAFETY: `name` has room for IF_NAMESIZE bytes, as required.
        if unsafe { libc::if_indextoname(index, name.as_mut_ptr()) }.is_null() {
            return Err(std::io::Error::last_os_error().into());
        }
        // SAFETY: on success the name is NUL-terminated within the buffer.
        Ok(unsafe { CStr::from_ptr(name.as_ptr()) }
            .to_string_lossy()
            .into_owned())
    })
    .await?
}

/// Deny `what` unless the policy grants interface enumeration.
fn check(policy: &Policy, what: &str) -> Result<(), SocketError> {
    policy.check_interfaces(what)
}

/// `if_nameindex(3)`.
fn list() -> Result<Vec<(u32, String)>, SocketError> {
    // SAFETY: no preconditions; the result is freed below.
    let first = unsafe { libc::if_nameindex() };
    if first.is_null() {
        return Err(std::io::Error::last_os_error().into());
    }
    let mut interfaces = Vec::new();
    let mut next = first;
    // SAFETY: the array ends with an entry of index 0 and a null name.
    unsafe {
        while (*next).if_index != 0 && !(*next).if_name.is_null() {
            let name = CStr::from_ptr((*next).if_name).to_string_lossy();
            interfaces.push(((*next).if_index, name.into_owned()));
            next = next.add(1);
        }
        libc::if_freenameindex(first);
    }
    Ok(interfaces)
}
