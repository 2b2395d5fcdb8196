//! Address conversions and byte order, as Python's `socket` module has
//! them: `inet_aton`, `inet_ntoa`, `inet_pton`, `inet_ntop` and
//! `htons` and co.
//!
//! These run in the guest; no host call is made. They behave as glibc's
//! functions behind CPython's, with CPython's errors.
//!
//! ```
//! use wasock::inet::{inet_aton, inet_ntoa};
//!
//! let packed = inet_aton("127.1").unwrap();
//! assert_eq!(packed, [127, 0, 0, 1]);
//! assert_eq!(inet_ntoa(&packed).unwrap(), "127.0.0.1");
//! ```

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::ErrorCode;
use crate::socket::Domain;

/// Packs an IPv4 address in any of the classic forms into its 4 bytes,
/// like Python's `socket.inet_aton` (glibc's `inet_aton(3)`).
///
/// The forms are `a.b.c.d`, `a.b.c` (`c` fills 16 bits), `a.b` (`b` fills
/// 24 bits) and `a` (32 bits), each part decimal, octal (leading `0`) or
/// hexadecimal (leading `0x`); text after a whitespace character is
/// ignored. Anything else fails with
/// [`InvalidInput`](io::ErrorKind::InvalidInput), displayed as Python's
/// `illegal IP address string passed to inet_aton`.
pub fn inet_aton(text: &str) -> io::Result<[u8; 4]> {
    parse_classic(text)
        .map(u32::to_be_bytes)
        .ok_or_else(|| invalid("illegal IP address string passed to inet_aton"))
}

/// The dotted-quad text of 4 packed bytes, like Python's
/// `socket.inet_ntoa`. Another length fails with
/// [`InvalidInput`](io::ErrorKind::InvalidInput), displayed as Python's
/// `packed IP wrong length for inet_ntoa`.
pub fn inet_ntoa(packed: &[u8]) -> io::Result<String> {
    let octets: [u8; 4] = packed
        .try_into()
        .map_err(|_| invalid("packed IP wrong length for inet_ntoa"))?;
    Ok(Ipv4Addr::from(octets).to_string())
}

/// Packs the text of an address of `family` into its bytes (4 for IPv4,
/// 16 for IPv6), like Python's `socket.inet_pton` (glibc's
/// `inet_pton(3)`): IPv4 only as a strict dotted quad, IPv6 in any RFC 4291
/// form, without a scope.
///
/// Text that is not an address fails with
/// [`InvalidInput`](io::ErrorKind::InvalidInput), displayed as Python's
/// `illegal IP address string passed to inet_pton`; [`Domain::UNIX`] fails
/// with `address-family-not-supported`.
pub fn inet_pton(family: Domain, text: &str) -> io::Result<Vec<u8>> {
    let illegal = || invalid("illegal IP address string passed to inet_pton");
    match family {
        Domain::IPV4 => Ok(text
            .parse::<Ipv4Addr>()
            .map_err(|_| illegal())?
            .octets()
            .to_vec()),
        Domain::IPV6 => Ok(text
            .parse::<Ipv6Addr>()
            .map_err(|_| illegal())?
            .octets()
            .to_vec()),
        _ => Err(crate::Error::new(ErrorCode::AddressFamilyNotSupported, None).into()),
    }
}

/// The text of a packed address of `family`, like Python's
/// `socket.inet_ntop` (glibc's `inet_ntop(3)`): IPv6 in RFC 5952's form,
/// with an embedded dotted quad for IPv4-mapped (`::ffff:1.2.3.4`) and
/// IPv4-compatible (`::1.2.3.4`) addresses.
///
/// A length other than the family's fails with
/// [`InvalidInput`](io::ErrorKind::InvalidInput), displayed as Python's
/// `invalid length of packed IP address string`; [`Domain::UNIX`] fails with
/// Python's `unknown address family 1`.
pub fn inet_ntop(family: Domain, packed: &[u8]) -> io::Result<String> {
    let wrong_length = || invalid("invalid length of packed IP address string");
    match family {
        Domain::IPV4 => inet_ntoa(packed).map_err(|_| wrong_length()),
        Domain::IPV6 => {
            let octets: [u8; 16] = packed.try_into().map_err(|_| wrong_length())?;
            Ok(ipv6_text(Ipv6Addr::from(octets)))
        }
        _ => Err(invalid("unknown address family 1")),
    }
}

/// A 16-bit value from host to network byte order, like Python's
/// `socket.htons`.
pub fn htons(value: u16) -> u16 {
    value.to_be()
}

/// A 16-bit value from network to host byte order, like Python's
/// `socket.ntohs`.
pub fn ntohs(value: u16) -> u16 {
    u16::from_be(value)
}

/// A 32-bit value from host to network byte order, like Python's
/// `socket.htonl`.
pub fn htonl(value: u32) -> u32 {
    value.to_be()
}

/// A 32-bit value from network to host byte order, like Python's
/// `socket.ntohl`.
pub fn ntohl(value: u32) -> u32 {
    u32::from_be(value)
}

/// glibc's `inet_ntop` text of an IPv6 address. Rust writes the same
/// RFC 5952 form except for IPv4-compatible addresses (the first 96 bits
/// zero, the rest neither `::` nor `::1`-like), which glibc writes with a
/// dotted quad.
fn ipv6_text(address: Ipv6Addr) -> String {
    let segments = address.segments();
    if segments[..6] == [0; 6] && segments[6] != 0 {
        let [.., a, b, c, d] = address.octets();
        return format!("::{}", Ipv4Addr::new(a, b, c, d));
    }
    address.to_string()
}

/// The value of an address in glibc's `inet_aton` syntax.
fn parse_classic(text: &str) -> Option<u32> {
    // glibc stops at the first whitespace character and ignores the rest.
    let text = text
        .split(|c: char| c.is_ascii_whitespace() || c == '\x0b')
        .next()?;
    let parts = text
        .split('.')
        .map(parse_part)
        .collect::<Option<Vec<u32>>>()?;
    let (last, leading) = parts.split_last()?;
    if leading.len() > 3 || leading.iter().any(|&part| part > 0xff) {
        return None;
    }
    let last_bits = 32 - 8 * leading.len() as u32;
    if u64::from(*last) >= 1 << last_bits {
        return None;
    }
    Some(
        leading
            .iter()
            .enumerate()
            .fold(*last, |value, (i, &part)| value | part << (24 - 8 * i)),
    )
}

/// One part of an `inet_aton` address: decimal, octal after `0`, or
/// hexadecimal after `0x`; at most 32 bits.
fn parse_part(part: &str) -> Option<u32> {
    let (digits, radix) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u32::from_str_radix(digits, radix).ok()
}

/// An `InvalidInput` error that displays as `message`, as Python's
/// `OSError` or `ValueError` with only a message.
fn invalid(message: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aton_takes_the_classic_forms() {
        for (text, packed) in [
            ("127.1", [127, 0, 0, 1]),
            ("127.0.0.1", [127, 0, 0, 1]),
            ("1", [0, 0, 0, 1]),
            ("0x7f.1", [127, 0, 0, 1]),
            ("0177.0.0.1", [127, 0, 0, 1]),
            ("127.0.0.1 junk", [127, 0, 0, 1]),
            ("127.0.0.1\tx", [127, 0, 0, 1]),
            ("1.2.3.4\n", [1, 2, 3, 4]),
            ("1.2.65535", [1, 2, 255, 255]),
            ("1.16777215", [1, 255, 255, 255]),
            ("4294967295", [255, 255, 255, 255]),
            ("0xffffffff", [255, 255, 255, 255]),
            ("192.168.1.1", [192, 168, 1, 1]),
        ] {
            assert_eq!(inet_aton(text).unwrap(), packed, "{text:?}");
        }
    }

    #[test]
    fn aton_rejects_what_glibc_rejects() {
        for text in [
            " 127.0.0.1",
            "",
            "256.0.0.1",
            "1.2.3.4.5",
            "4294967296",
            "08.1.1.1",
            "1.2.3.",
            ".1.2.3",
            "0x100.1",
            "1..2",
            "127.0.0.1x",
            "1.2.65536",
            "0x",
            "+1.2.3.4",
        ] {
            let err = inet_aton(text).unwrap_err();
            assert_eq!(
                err.to_string(),
                "illegal IP address string passed to inet_aton",
                "{text:?}"
            );
        }
    }

    #[test]
    fn ntoa_needs_four_bytes() {
        assert_eq!(inet_ntoa(&[192, 168, 1, 1]).unwrap(), "192.168.1.1");
        for packed in [&[127, 0, 0][..], &[127, 0, 0, 1, 1]] {
            assert_eq!(
                inet_ntoa(packed).unwrap_err().to_string(),
                "packed IP wrong length for inet_ntoa"
            );
        }
    }

    #[test]
    fn pton_is_strict() {
        assert_eq!(
            inet_pton(Domain::IPV4, "127.0.0.1").unwrap(),
            [127, 0, 0, 1]
        );
        for text in ["127.1", "01.2.3.4", "1.2.3.4 ", "256.1.1.1"] {
            assert_eq!(
                inet_pton(Domain::IPV4, text).unwrap_err().to_string(),
                "illegal IP address string passed to inet_pton",
                "{text:?}"
            );
        }
        let packed = inet_pton(Domain::IPV6, "2002:ac10:10a:1234:21e:52ff:fe74:40e").unwrap();
        let hex: String = packed.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "2002ac10010a1234021e52fffe74040e");
        for text in [
            "::1",
            "::ffff:1.2.3.4",
            "::1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4",
            "0001::1",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
        ] {
            assert!(inet_pton(Domain::IPV6, text).is_ok(), "{text:?}");
        }
        for text in [
            "1::2::3",
            "fe80::1%1",
            "1:2:3:4:5:6:7:8:9",
            "::ffff:01.2.3.4",
            "00000::1",
            ":1::",
        ] {
            assert!(inet_pton(Domain::IPV6, text).is_err(), "{text:?}");
        }
        let err = inet_pton(Domain::UNIX, "1.2.3.4").unwrap_err();
        assert_eq!(
            err.to_string(),
            "[Errno 97] Address family not supported by protocol"
        );
    }

    #[test]
    fn ntop_writes_what_glibc_writes() {
        let v6 = |hex: &str| -> Vec<u8> {
            (0..16)
                .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
                .collect()
        };
        for (hex, text) in [
            ("00000000000000000000000000000000", "::"),
            ("00000000000000000000000000000001", "::1"),
            ("00000000000000000000000001020304", "::1.2.3.4"),
            ("00000000000000000000ffff01020304", "::ffff:1.2.3.4"),
            ("00000000000000000000000000000100", "::100"),
            ("00010000000000000001000000000001", "1::1:0:0:1"),
            ("00010000000100000000000000000001", "1:0:1::1"),
            ("00000000000000000000ffff00000000", "::ffff:0.0.0.0"),
            ("00000000000000000000fffe01020304", "::fffe:102:304"),
            ("0000000000000000000000000a000001", "::10.0.0.1"),
            (
                "2002ac10010a1234021e52fffe74040e",
                "2002:ac10:10a:1234:21e:52ff:fe74:40e",
            ),
        ] {
            assert_eq!(inet_ntop(Domain::IPV6, &v6(hex)).unwrap(), text, "{hex}");
        }
        assert_eq!(inet_ntop(Domain::IPV4, &[1, 2, 3, 4]).unwrap(), "1.2.3.4");
        for (family, packed) in [(Domain::IPV6, &[0; 15][..]), (Domain::IPV4, &[0; 5])] {
            assert_eq!(
                inet_ntop(family, packed).unwrap_err().to_string(),
                "invalid length of packed IP address string"
            );
        }
        assert_eq!(
            inet_ntop(Domain::UNIX, &[1, 2, 3, 4])
                .unwrap_err()
                .to_string(),
            "unknown address family 1"
        );
    }

    #[test]
    fn byte_order() {
        assert_eq!(htons(1), 1u16.to_be());
        assert_eq!(ntohs(htons(0x1234)), 0x1234);
        assert_eq!(htonl(1).to_ne_bytes(), [0, 0, 0, 1]);
        assert_eq!(ntohl(htonl(0x1234_5678)), 0x1234_5678);
    }
}
