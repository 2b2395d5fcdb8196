//! `wasock:sockets/resolver`: `get-address-info`.

use crate::bindings::resolver::{self, AddressInfo, AddressInfoFlags, ResolveError};
use crate::bindings::types::{AddressFamily, Protocol, SocketAddress, SocketType};
use crate::core::SocketError;
use crate::core::resolve::{self, AddrInfo, Hints, ResolveFailure};
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
        let found = resolve::get_address_info(&self.ctx.policy, host, service, hints).await;
        Ok(match found {
            Ok(infos) => Ok(infos.into_iter().filter_map(address_info).collect()),
            Err(ResolveFailure::Gai(code)) => Err(resolve_error(code)),
            Err(ResolveFailure::System(SocketError::Os { errno, message })) => {
                Err(ResolveError::System(wit_error(errno, message)))
            }
            Err(ResolveFailure::System(SocketError::Trap(trap))) => return Err(trap),
        })
    }
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
