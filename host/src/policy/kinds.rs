//! Which sockets a guest may hold: per family and type, the protocols the
//! policy understands. Any other protocol could carry traffic that no rule
//! checks (MPTCP's extra subflows, SCTP's extra addresses), so it is
//! refused with `EPROTONOSUPPORT`, however the socket would arrive.

use crate::core::{Family, SockType, SocketError};

use super::Policy;

/// What a family, type and protocol make, as the policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A socket every rule of the policy governs: Unix sockets, TCP, UDP
    /// and UDP-Lite.
    Governed,
    /// An ICMP "ping" socket: needs the ICMP grant.
    Icmp,
    /// A raw socket: needs the raw grant.
    Raw,
}

/// The kind of a socket, or `None` when the policy does not understand its
/// protocol. Protocol 0 means the family's default for the type; for IP
/// stream and datagram sockets that is TCP and UDP, while for IP
/// `SOCK_SEQPACKET` it is SCTP, so IP sequenced-packet sockets have no
/// kind at all.
fn kind(family: Family, sock_type: SockType, protocol: i32) -> Option<Kind> {
    use Family::{Inet, Inet6, Unix};
    use SockType::{Dgram, Raw, Stream};
    match (family, sock_type, protocol) {
        // Linux makes a Unix `SOCK_RAW` a datagram socket; it has always
        // needed the raw grant, as every `SOCK_RAW` does.
        (_, Raw, 0..=255) => Some(Kind::Raw),
        (Unix, _, 0 | libc::PF_UNIX) => Some(Kind::Governed),
        (Inet | Inet6, Stream, 0 | libc::IPPROTO_TCP) => Some(Kind::Governed),
        (Inet | Inet6, Dgram, 0 | libc::IPPROTO_UDP | libc::IPPROTO_UDPLITE) => {
            Some(Kind::Governed)
        }
        (Inet, Dgram, libc::IPPROTO_ICMP) | (Inet6, Dgram, libc::IPPROTO_ICMPV6) => {
            Some(Kind::Icmp)
        }
        _ => None,
    }
}

impl Policy {
    /// Check a socket of `family`, `sock_type` and `protocol` before the
    /// guest gets it: one it creates (`create-socket`, `socketpair`) or
    /// one handed to it (`recv-msg`, `take-inherited-sockets`). Raw and
    /// ICMP sockets need their grants; a protocol the policy does not
    /// understand (MPTCP, SCTP, anything but TCP, UDP and UDP-Lite) is
    /// `EPROTONOSUPPORT`.
    pub fn check_socket(
        &self,
        family: Family,
        sock_type: SockType,
        protocol: i32,
    ) -> Result<(), SocketError> {
        match kind(family, sock_type, protocol) {
            Some(Kind::Governed) => Ok(()),
            Some(Kind::Icmp) => self.check_icmp(),
            Some(Kind::Raw) => self.check_raw(),
            None => Err(SocketError::with_message(
                refusal_errno(family, sock_type),
                format!(
                    "protocol {protocol} is not available to guests on {family:?} {sock_type:?} sockets: the policy only governs TCP, UDP and UDP-Lite (and raw and ICMP sockets under their grants)"
                ),
            )),
        }
    }
}

/// The errno of a refused socket: `ESOCKTNOSUPPORT` for a type that no IP
/// protocol the policy understands has (IP `SOCK_SEQPACKET`, as Linux
/// says without SCTP), `EPROTONOSUPPORT` for a protocol of a type that has
/// some.
fn refusal_errno(family: Family, sock_type: SockType) -> i32 {
    match (family, sock_type) {
        (Family::Inet | Family::Inet6, SockType::SeqPacket) => libc::ESOCKTNOSUPPORT,
        _ => libc::EPROTONOSUPPORT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_protocols_the_policy_understands_have_a_kind() {
        use Family::{Inet, Inet6, Unix};
        use SockType::{Dgram, Raw, SeqPacket, Stream};
        for family in [Inet, Inet6] {
            assert_eq!(kind(family, Stream, 0), Some(Kind::Governed));
            assert_eq!(
                kind(family, Stream, libc::IPPROTO_TCP),
                Some(Kind::Governed)
            );
            assert_eq!(
                kind(family, Dgram, libc::IPPROTO_UDPLITE),
                Some(Kind::Governed)
            );
            assert_eq!(kind(family, Raw, libc::IPPROTO_UDP), Some(Kind::Raw));
            for refused in [libc::IPPROTO_MPTCP, libc::IPPROTO_SCTP, 115, 256, -1] {
                assert_eq!(kind(family, Stream, refused), None, "{refused}");
            }
            assert_eq!(kind(family, Dgram, libc::IPPROTO_TCP), None);
            assert_eq!(kind(family, SeqPacket, 0), None, "SCTP by default");
            assert_eq!(kind(family, Raw, 256), None);
        }
        assert_eq!(kind(Inet, Dgram, libc::IPPROTO_ICMP), Some(Kind::Icmp));
        assert_eq!(kind(Inet6, Dgram, libc::IPPROTO_ICMPV6), Some(Kind::Icmp));
        assert_eq!(kind(Inet6, Dgram, libc::IPPROTO_ICMP), None);
        assert_eq!(kind(Unix, SeqPacket, 0), Some(Kind::Governed));
        assert_eq!(kind(Unix, Stream, libc::PF_UNIX), Some(Kind::Governed));
        assert_eq!(kind(Unix, Stream, libc::IPPROTO_TCP), None);
    }
}
