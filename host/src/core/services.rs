//! The services (`/etc/services`) and protocols (`/etc/protocols`)
//! databases. They name no host and need no grant; the lookups run on
//! tokio's blocking pool, as NSS may read files or ask a daemon.

use std::ffi::CString;

use crate::core::netdb::{self, blocking};

/// The port of service `name` for `protocol` (any when `None`), like
/// `getservbyname(3)`. A name with a NUL in it names no service.
pub async fn port_of(name: String, protocol: Option<String>) -> wasmtime::Result<Option<u16>> {
    let (Ok(name), Ok(protocol)) = (CString::new(name), protocol.map(CString::new).transpose())
    else {
        return Ok(None);
    };
    blocking(move || netdb::service_port(&name, protocol.as_deref())).await
}

/// The name of the service on `port` for `protocol` (any when `None`),
/// like `getservbyport(3)`.
pub async fn name_of(port: u16, protocol: Option<String>) -> wasmtime::Result<Option<String>> {
    let Ok(protocol) = protocol.map(CString::new).transpose() else {
        return Ok(None);
    };
    blocking(move || netdb::service_name(port, protocol.as_deref())).await
}

/// The number of protocol `name`, like `getprotobyname(3)`.
pub async fn protocol_number(name: String) -> wasmtime::Result<Option<i32>> {
    let Ok(name) = CString::new(name) else {
        return Ok(None);
    };
    blocking(move || netdb::protocol_number(&name)).await
}
