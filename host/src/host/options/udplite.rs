//! `SOL_UDPLITE` options: the partial checksum coverage of UDP-Lite
//! (RFC 3828). The `libc` crate lacks these names.

use socket2::Socket;

use super::{Result, misrouted, uint};
use crate::bindings::socket::{OptionName, SocketOption};
use crate::core::sockopt::{get_int, set_int};

/// `SOL_UDPLITE`, the protocol number.
const SOL_UDPLITE: i32 = libc::IPPROTO_UDPLITE;
/// `UDPLITE_SEND_CSCOV`.
const UDPLITE_SEND_CSCOV: i32 = 10;
/// `UDPLITE_RECV_CSCOV`.
const UDPLITE_RECV_CSCOV: i32 = 11;

pub(super) fn set(os: &Socket, value: SocketOption) -> Result<()> {
    use SocketOption::*;
    match value {
        UdpliteSendCoverage(v) => set_int(os, SOL_UDPLITE, UDPLITE_SEND_CSCOV, v.into())?,
        UdpliteReceiveCoverage(v) => set_int(os, SOL_UDPLITE, UDPLITE_RECV_CSCOV, v.into())?,
        other => return Err(misrouted(other)),
    }
    Ok(())
}

pub(super) fn get(os: &Socket, name: OptionName) -> Result<SocketOption> {
    use OptionName as N;
    // Linux keeps the coverage in 16 bits.
    let coverage = |name| -> Result<u16> {
        let value = uint(get_int(os, SOL_UDPLITE, name)?);
        Ok(u16::try_from(value).unwrap_or(u16::MAX))
    };
    Ok(match name {
        N::UdpliteSendCoverage => SocketOption::UdpliteSendCoverage(coverage(UDPLITE_SEND_CSCOV)?),
        N::UdpliteReceiveCoverage => {
            SocketOption::UdpliteReceiveCoverage(coverage(UDPLITE_RECV_CSCOV)?)
        }
        other => return Err(misrouted(other)),
    })
}
