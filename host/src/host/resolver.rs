//! `wasock:sockets/resolver`: addresses, names, services, protocols and
//! interfaces.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::bindings::resolver::{
    self, AddressInfo, AddressInfoFlags, HostEntry, HostError, IpAddress, NameInfoFlags,
    ResolveError,
};
use crate::bindings::types::{AddressFamily, Protocol, SocketAddress, SocketType};
use crate::core::netdb::{self, HostFailure};
use crate::core::resolve::{self, AddrInfo, Hints, ResolveFailure};
use crate::core::{SockAddress, SocketError, interfaces, names, services};
use crate::ctx::SocketsCtxView;
use crate::host::types::wit_error;

impl resolver::Host for SocketsCtxView<'_> {
    async fn get_address_info(
        &mut self,
        host: Option<String>,
        service: Option<String>,
        family: Option<AddressFamily>,
        sock_type: Option<SocketType>,
        protocol: Protocol,
        flags: AddressInfoFlags,
    ) -> wasmtime::Result<Result<Vec<AddressInfo>, ResolveError>> {
        let hints = Hints {
            family: family.map_or(libc::AF_UNSPEC, af),
            socktype: sock_type.map_or(0, socktype),
            protocol,
            flags: ai_flags(flags),
        };
        let Some(_slot) = self.ctx.lookups.try_take() else {
            return Ok(Err(ResolveError::Memory));
        };
        let found = resolve::get_address_info(&self.ctx.policy, host, service, hints).await;
        resolve_result(found.map(|infos| infos.into_iter().filter_map(address_info).collect()))
    }

    async fn get_name_info(
        &mut self,
        address: SocketAddress,
        flags: NameInfoFlags,
    ) -> wasmtime::Result<Result<(String, String), ResolveError>> {
        let SockAddress::Ip(address) = SockAddress::from(address) else {
            return Ok(Err(ResolveError::Family));
        };
        let Some(_slot) = self.ctx.lookups.try_take() else {
            return Ok(Err(ResolveError::Memory));
        };
        resolve_result(names::get_name_info(&self.ctx.policy, address, ni_flags(flags)).await)
    }

    async fn get_host_by_name(
        &mut self,
        name: String,
        family: Option<AddressFamily>,
    ) -> wasmtime::Result<Result<HostEntry, HostError>> {
        let family = family.map_or(libc::AF_INET, af);
        let Some(_slot) = self.ctx.lookups.try_take() else {
            return Ok(Err(HostError::TryAgain));
        };
        host_result(names::get_host_by_name(&self.ctx.policy, name, family).await)
    }

    async fn get_host_by_address(
        &mut self,
        address: IpAddress,
    ) -> wasmtime::Result<Result<HostEntry, HostError>> {
        let address = ip_address(address);
        let Some(_slot) = self.ctx.lookups.try_take() else {
            return Ok(Err(HostError::TryAgain));
        };
        host_result(names::get_host_by_address(&self.ctx.policy, address).await)
    }

    async fn get_host_name(&mut self) -> wasmtime::Result<String> {
        Ok(names::host_name(&self.ctx.policy))
    }

    async fn get_service_by_name(
        &mut self,
        name: String,
        protocol: Option<String>,
    ) -> wasmtime::Result<Option<u16>> {
        services::port_of(name, protocol).await
    }

    async fn get_service_by_port(
        &mut self,
        port: u16,
        protocol: Option<String>,
    ) -> wasmtime::Result<Option<String>> {
        services::name_of(port, protocol).await
    }

    async fn get_protocol_by_name(&mut self, name: String) -> wasmtime::Result<Option<Protocol>> {
        services::protocol_number(name).await
    }

    async fn interface_name_index(&mut self) -> Result<Vec<(u32, String)>, SocketError> {
        interfaces::name_index(&self.ctx.policy).await
    }

    async fn interface_name_to_index(&mut self, name: String) -> Result<u32, SocketError> {
        interfaces::name_to_index(&self.ctx.policy, name).await
    }

    async fn interface_index_to_name(&mut self, index: u32) -> Result<String, SocketError> {
        interfaces::index_to_name(&self.ctx.policy, index).await
    }
}

/// A core lookup result as WIT; a trap stays a trap.
fn resolve_result<T>(
    result: Result<T, ResolveFailure>,
) -> wasmtime::Result<Result<T, ResolveError>> {
    Ok(match result {
        Ok(value) => Ok(value),
        Err(ResolveFailure::Gai(code)) => Err(resolve_error(code)),
        Err(ResolveFailure::System(SocketError::Os { errno, message })) => {
            Err(ResolveError::System(wit_error(errno, message)))
        }
        Err(ResolveFailure::System(SocketError::Trap(trap))) => return Err(trap),
    })
}

/// A core host-database result as WIT; a trap stays a trap.
fn host_result(
    result: Result<netdb::HostEntry, HostFailure>,
) -> wasmtime::Result<Result<HostEntry, HostError>> {
    Ok(match result {
        Ok(entry) => Ok(HostEntry {
            name: entry.name,
            aliases: entry.aliases,
            addresses: entry.addresses.into_iter().map(IpAddress::from).collect(),
        }),
        Err(HostFailure::HErrno(netdb::HOST_NOT_FOUND)) => Err(HostError::HostNotFound),
        Err(HostFailure::HErrno(netdb::TRY_AGAIN)) => Err(HostError::TryAgain),
        Err(HostFailure::HErrno(netdb::NO_DATA)) => Err(HostError::NoData),
        Err(HostFailure::HErrno(_)) => Err(HostError::NoRecovery),
        Err(HostFailure::System(SocketError::Os { errno, message })) => {
            Err(HostError::System(wit_error(errno, message)))
        }
        Err(HostFailure::System(SocketError::Trap(trap))) => return Err(trap),
    })
}

fn ip_address(address: IpAddress) -> IpAddr {
    match address {
        IpAddress::Inet((a, b, c, d)) => Ipv4Addr::new(a, b, c, d).into(),
        IpAddress::Inet6((a, b, c, d, e, f, g, h)) => Ipv6Addr::new(a, b, c, d, e, f, g, h).into(),
    }
}

impl From<IpAddr> for IpAddress {
    fn from(address: IpAddr) -> IpAddress {
        match address {
            IpAddr::V4(v4) => {
                let [a, b, c, d] = v4.octets();
                IpAddress::Inet((a, b, c, d))
            }
            IpAddr::V6(v6) => {
                let [a, b, c, d, e, f, g, h] = v6.segments();
                IpAddress::Inet6((a, b, c, d, e, f, g, h))
            }
        }
    }
}

fn ni_flags(flags: NameInfoFlags) -> i32 {
    [
        (NameInfoFlags::NUMERIC_HOST, libc::NI_NUMERICHOST),
        (NameInfoFlags::NUMERIC_SERVICE, libc::NI_NUMERICSERV),
        (NameInfoFlags::NAME_REQUIRED, libc::NI_NAMEREQD),
        (NameInfoFlags::DATAGRAM, libc::NI_DGRAM),
        (NameInfoFlags::NO_FQDN, libc::NI_NOFQDN),
    ]
    .into_iter()
    .filter(|(flag, _)| flags.contains(*flag))
    .fold(0, |bits, (_, bit)| bits | bit)
}

fn af(family: AddressFamily) -> i32 {
    match family {
        AddressFamily::Unix => libc::AF_UNIX,
        AddressFamily::Inet => libc::AF_INET,
        AddressFamily::Inet6 => libc::AF_INET6,
    }
}

fn socktype(ty: SocketType) -> i32 {
    match ty {
        SocketType::Stream => libc::SOCK_STREAM,
        SocketType::Dgram => libc::SOCK_DGRAM,
        SocketType::Seqpacket => libc::SOCK_SEQPACKET,
        SocketType::Raw => libc::SOCK_RAW,
    }
}

fn ai_flags(flags: AddressInfoFlags) -> i32 {
    [
        (AddressInfoFlags::PASSIVE, libc::AI_PASSIVE),
        (AddressInfoFlags::CANONICAL_NAME, libc::AI_CANONNAME),
        (AddressInfoFlags::NUMERIC_HOST, libc::AI_NUMERICHOST),
        (AddressInfoFlags::NUMERIC_SERVICE, libc::AI_NUMERICSERV),
        (AddressInfoFlags::V4_MAPPED, libc::AI_V4MAPPED),
        (AddressInfoFlags::ALL, libc::AI_ALL),
        (AddressInfoFlags::ADDRESS_CONFIG, libc::AI_ADDRCONFIG),
    ]
    .into_iter()
    .filter(|(flag, _)| flags.contains(*flag))
    .fold(0, |bits, (_, bit)| bits | bit)
}

/// A result as WIT; entries of a family or type WIT has no case for are skipped.
fn address_info(info: AddrInfo) -> Option<AddressInfo> {
    let family = match info.family {
        libc::AF_INET => AddressFamily::Inet,
        libc::AF_INET6 => AddressFamily::Inet6,
        _ => return None,
    };
    let type_ = match info.socktype {
        libc::SOCK_STREAM => SocketType::Stream,
        libc::SOCK_DGRAM => SocketType::Dgram,
        libc::SOCK_SEQPACKET => SocketType::Seqpacket,
        libc::SOCK_RAW => SocketType::Raw,
        _ => return None,
    };
    Some(AddressInfo {
        family,
        type_,
        protocol: info.protocol,
        canonical_name: info.canonical_name,
        address: SocketAddress::from(info.address),
    })
}

/// glibc's `EAI_ADDRFAMILY`, which the libc crate does not export.
const EAI_ADDRFAMILY: i32 = -9;

fn resolve_error(code: i32) -> ResolveError {
    match code {
        libc::EAI_BADFLAGS => ResolveError::BadFlags,
        libc::EAI_NONAME => ResolveError::NoName,
        libc::EAI_AGAIN => ResolveError::Again,
        libc::EAI_FAIL => ResolveError::Fail,
        libc::EAI_FAMILY => ResolveError::Family,
        libc::EAI_SOCKTYPE => ResolveError::SocketType,
        libc::EAI_SERVICE => ResolveError::Service,
        libc::EAI_MEMORY => ResolveError::Memory,
        libc::EAI_NODATA => ResolveError::NoData,
        EAI_ADDRFAMILY => ResolveError::AddressFamily,
        _ => ResolveError::Fail,
    }
}
