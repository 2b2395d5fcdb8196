//! Shared helpers for the example programs.
//!
//! The programs in `src/bin/` are ports of the classic Python socket
//! programs, and print exactly what the Python versions print. This module
//! holds what they share: Python's way of printing bytes and socket
//! addresses, the names of the socket constants, the echo message and the
//! two halves of the echo conversation, and argument handling.
//!
//! Output goes through `println!`; Rust's standard output is line-buffered,
//! so each line reaches a pipe as soon as it is printed.

use std::convert::Infallible;
use std::fmt::{Display, Write as _};
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process;

use wasock::lookup::{AddrInfoHints, getaddrinfo};
use wasock::net::TcpListener;
use wasock::socket::{Domain, Protocol, SockAddr, Type};
use wasock::unix;

/// The message every echo client sends: 42 bytes, two spaces after the
/// first full stop.
pub const MESSAGE: &[u8] = b"This is the message.  It will be repeated.";

/// How much an echo server reads per call, and an echo client per reply
/// chunk.
pub const CHUNK: usize = 16;

/// Python's `repr()` of a `bytes` object, e.g. `b'This is the mess'`.
///
/// Single quotes unless the data holds a `'` and no `"`; `\t`, `\n`, `\r`,
/// `\\` and the quote escaped; other bytes outside printable ASCII as
/// `\xhh`.
pub fn py_bytes_repr(data: &[u8]) -> String {
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut repr = String::with_capacity(data.len() + 3);
    repr.push('b');
    repr.push(quote);
    for &byte in data {
        match byte {
            b'\\' => repr.push_str("\\\\"),
            b'\t' => repr.push_str("\\t"),
            b'\n' => repr.push_str("\\n"),
            b'\r' => repr.push_str("\\r"),
            _ if char::from(byte) == quote => {
                repr.push('\\');
                repr.push(quote);
            }
            b' '..=b'~' => repr.push(char::from(byte)),
            _ => {
                let _ = write!(repr, "\\x{byte:02x}");
            }
        }
    }
    repr.push(quote);
    repr
}

/// Python's `str()` of an IP socket address: `('127.0.0.1', 53042)` for
/// IPv4, `('::1', 10000, 0, 0)` (host, port, flow info, scope id) for IPv6.
pub fn py_inet_addr(addr: &SocketAddr) -> String {
    match addr {
        SocketAddr::V4(addr) => format!("('{}', {})", addr.ip(), addr.port()),
        SocketAddr::V6(addr) => format!(
            "('{}', {}, {}, {})",
            addr.ip(),
            addr.port(),
            addr.flowinfo(),
            addr.scope_id()
        ),
    }
}

/// Python's `str()` of a Unix-domain address: the path itself, the abstract
/// name as the bytes `b'\x00name'`, and the empty string for an unnamed
/// address, so that `print('connection from', addr)` prints
/// `connection from ` for an unnamed peer.
pub fn py_unix_addr(addr: &unix::SocketAddr) -> String {
    if let Some(path) = addr.as_pathname() {
        path.display().to_string()
    } else if let Some(name) = addr.as_abstract_name() {
        py_bytes_repr(&[&[0], name].concat())
    } else {
        String::new()
    }
}

/// Python's `str()` of a socket address of any family.
pub fn py_sockaddr(addr: &SockAddr) -> String {
    match addr {
        SockAddr::Inet(addr) => py_inet_addr(addr),
        SockAddr::Unix(addr) => py_unix_addr(addr),
    }
}

/// The `AF_*` constants of Python's `socket` module that wasock has.
const FAMILIES: &[(Domain, &str)] = &[
    (Domain::UNIX, "AF_UNIX"),
    (Domain::IPV4, "AF_INET"),
    (Domain::IPV6, "AF_INET6"),
];

/// The `SOCK_*` type constants of Python's `socket` module that wasock has.
const TYPES: &[(Type, &str)] = &[
    (Type::STREAM, "SOCK_STREAM"),
    (Type::DGRAM, "SOCK_DGRAM"),
    (Type::RAW, "SOCK_RAW"),
    (Type::SEQPACKET, "SOCK_SEQPACKET"),
];

/// The `IPPROTO_*` constants of Python's `socket` module on Linux. Where
/// two share a value, the one Python's reverse lookup finds is listed.
const PROTOCOLS: &[(i32, &str)] = &[
    (0, "IPPROTO_IP"),
    (1, "IPPROTO_ICMP"),
    (2, "IPPROTO_IGMP"),
    (4, "IPPROTO_IPIP"),
    (6, "IPPROTO_TCP"),
    (8, "IPPROTO_EGP"),
    (12, "IPPROTO_PUP"),
    (17, "IPPROTO_UDP"),
    (22, "IPPROTO_IDP"),
    (29, "IPPROTO_TP"),
    (41, "IPPROTO_IPV6"),
    (43, "IPPROTO_ROUTING"),
    (44, "IPPROTO_FRAGMENT"),
    (46, "IPPROTO_RSVP"),
    (47, "IPPROTO_GRE"),
    (50, "IPPROTO_ESP"),
    (51, "IPPROTO_AH"),
    (58, "IPPROTO_ICMPV6"),
    (59, "IPPROTO_NONE"),
    (60, "IPPROTO_DSTOPTS"),
    (103, "IPPROTO_PIM"),
    (132, "IPPROTO_SCTP"),
    (136, "IPPROTO_UDPLITE"),
    (255, "IPPROTO_RAW"),
    (262, "IPPROTO_MPTCP"),
];

/// Finds the name of `value` in a table of constants; an unknown value is
/// shown as it is.
fn constant_name<T: PartialEq + std::fmt::Debug>(table: &[(T, &str)], value: T) -> String {
    match table.iter().find(|(known, _)| *known == value) {
        Some((_, name)) => (*name).to_owned(),
        None => format!("{value:?}"),
    }
}

/// The name of an address family's constant, e.g. `AF_INET`.
pub fn family_name(domain: Domain) -> String {
    constant_name(FAMILIES, domain)
}

/// The name of a socket type's constant, e.g. `SOCK_STREAM`.
pub fn type_name(ty: Type) -> String {
    constant_name(TYPES, ty)
}

/// The name of a protocol's constant, e.g. `IPPROTO_TCP`.
pub fn protocol_name(protocol: Protocol) -> String {
    constant_name(PROTOCOLS, i32::from(protocol))
}

/// Resolves `host` as Python does for the address of an `AF_INET` socket:
/// `''` is `0.0.0.0`, a dotted quad is used as it is, and anything else is
/// the first IPv4 result of `getaddrinfo`.
pub fn resolve_ipv4(host: &str, port: u16, ty: Type) -> io::Result<SocketAddr> {
    if host.is_empty() {
        return Ok(SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), port));
    }
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return Ok(SocketAddr::new(IpAddr::V4(ip), port));
    }
    let hints = AddrInfoHints {
        family: Some(Domain::IPV4),
        socket_type: Some(ty),
        ..AddrInfoHints::default()
    };
    let results = getaddrinfo(Some(host), None, &hints)?;
    match results.into_iter().find_map(|info| info.address.as_inet()) {
        Some(mut addr) => {
            addr.set_port(port);
            Ok(addr)
        }
        None => Err(io::Error::other("getaddrinfo returned no IPv4 address")),
    }
}

/// The client half of the echo conversation, as in Python's clients: sends
/// [`MESSAGE`] with one `sendall`, then reads chunks of up to [`CHUNK`]
/// bytes until the whole message is back, printing each step.
///
/// Python's loop would spin forever if the server closed early; this one
/// stops at the end of the stream.
pub fn echo_client<S: Read + Write>(mut stream: S) -> io::Result<()> {
    println!("sending {}", py_bytes_repr(MESSAGE));
    stream.write_all(MESSAGE)?;
    let mut received = 0;
    while received < MESSAGE.len() {
        let mut buf = [0; CHUNK];
        let len = stream.read(&mut buf)?;
        println!("received {}", py_bytes_repr(&buf[..len]));
        if len == 0 {
            break;
        }
        received += len;
    }
    Ok(())
}

/// The server half of the echo conversation for one connection: reads
/// chunks of up to [`CHUNK`] bytes and sends each back, until the client
/// closes. `client` is the peer as Python prints it.
pub fn echo_connection<S: Read + Write>(mut stream: S, client: &str) -> io::Result<()> {
    loop {
        let mut buf = [0; CHUNK];
        let len = stream.read(&mut buf)?;
        println!("received {}", py_bytes_repr(&buf[..len]));
        if len == 0 {
            println!("no data from {client}");
            return Ok(());
        }
        println!("sending data back to the client");
        stream.write_all(&buf[..len])?;
    }
}

/// The accept loop of the explicit-address and `INADDR_ANY` echo servers:
/// prints `waiting for a connection`, then `client connected: <addr>` for
/// each client, and echoes chunks of up to [`CHUNK`] bytes, printing each
/// (the empty read that ends the connection too). Each connection is closed
/// however it ends; returns only on an error.
pub fn serve_echo(listener: &TcpListener) -> io::Result<Infallible> {
    loop {
        println!("waiting for a connection");
        let (connection, client_address) = listener.accept()?;
        println!("client connected: {}", py_inet_addr(&client_address));
        let result = echo_back(&connection);
        drop(connection);
        result?;
    }
}

/// Sends back every chunk a client sends until it closes.
fn echo_back<S: Read + Write>(mut stream: S) -> io::Result<()> {
    loop {
        let mut buf = [0; CHUNK];
        let len = stream.read(&mut buf)?;
        println!("received {}", py_bytes_repr(&buf[..len]));
        if len == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..len])?;
    }
}

/// Python's `repr()` of a `str`, e.g. `'localhost'`: single quotes unless
/// the text holds a `'` and no `"`; `\t`, `\n`, `\r`, `\\`, the quote and
/// other control characters escaped.
pub fn py_str_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut repr = String::with_capacity(text.len() + 2);
    repr.push(quote);
    for c in text.chars() {
        match c {
            '\\' => repr.push_str("\\\\"),
            '\t' => repr.push_str("\\t"),
            '\n' => repr.push_str("\\n"),
            '\r' => repr.push_str("\\r"),
            _ if c == quote => {
                repr.push('\\');
                repr.push(quote);
            }
            _ if c.is_control() => {
                let _ = write!(repr, "\\x{:02x}", u32::from(c));
            }
            _ => repr.push(c),
        }
    }
    repr.push(quote);
    repr
}

/// Python's `repr()` of a list of `str`, e.g. `['127.0.0.1', '::1']`.
pub fn py_str_list<T: Display>(items: &[T]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|item| py_str_repr(&item.to_string()))
        .collect();
    format!("[{}]", items.join(", "))
}

/// The command-line arguments, with `defaults` for those not given. More
/// arguments than defaults is an error.
pub fn args<const N: usize>(defaults: [&str; N]) -> [String; N] {
    let given: Vec<String> = std::env::args().skip(1).collect();
    if given.len() > N {
        fail(format!(
            "expected at most {N} arguments, got {}",
            given.len()
        ));
    }
    std::array::from_fn(|i| {
        given
            .get(i)
            .cloned()
            .unwrap_or_else(|| defaults[i].to_owned())
    })
}

/// Parses a port number argument, or exits.
pub fn port(arg: &str) -> u16 {
    arg.parse()
        .unwrap_or_else(|_| fail(format!("invalid port number: {arg}")))
}

/// Prints `err` on standard error, where Python's traceback would end with
/// it, and exits with status 1.
pub fn fail(err: impl Display) -> ! {
    eprintln!("{err}");
    process::exit(1)
}

/// Unwrapping that ends the program the way an uncaught Python exception
/// does: see [`fail`].
pub trait OrExit<T> {
    /// The value, or else print the error and exit with status 1.
    fn or_exit(self) -> T;
}

impl<T, E: Display> OrExit<T> for Result<T, E> {
    fn or_exit(self) -> T {
        self.unwrap_or_else(|err| fail(err))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_repr_matches_python() {
        assert_eq!(py_bytes_repr(&MESSAGE[..16]), "b'This is the mess'");
        assert_eq!(py_bytes_repr(b""), "b''");
        assert_eq!(py_bytes_repr(b"it's"), "b\"it's\"");
        assert_eq!(py_bytes_repr(b"'\""), "b'\\'\"'");
        assert_eq!(
            py_bytes_repr(b"\0\t\n\r\\\x7f\xff"),
            "b'\\x00\\t\\n\\r\\\\\\x7f\\xff'"
        );
    }

    #[test]
    fn addresses_print_as_python_tuples() {
        let v4: SocketAddr = "127.0.0.1:53042".parse().unwrap();
        assert_eq!(py_inet_addr(&v4), "('127.0.0.1', 53042)");
        let v6: SocketAddr = "[::1]:10000".parse().unwrap();
        assert_eq!(py_inet_addr(&v6), "('::1', 10000, 0, 0)");
        let path = unix::SocketAddr::from_pathname("./uds_socket").unwrap();
        assert_eq!(py_sockaddr(&SockAddr::Unix(path)), "./uds_socket");
        let name = unix::SocketAddr::from_abstract_name(b"echo").unwrap();
        assert_eq!(py_unix_addr(&name), "b'\\x00echo'");
    }

    #[test]
    fn constants_are_named() {
        assert_eq!(family_name(Domain::IPV4), "AF_INET");
        assert_eq!(type_name(Type::STREAM), "SOCK_STREAM");
        assert_eq!(protocol_name(Protocol::TCP), "IPPROTO_TCP");
        assert_eq!(protocol_name(Protocol::from(0)), "IPPROTO_IP");
    }

    #[test]
    fn str_lists_print_as_python_lists() {
        assert_eq!(py_str_list::<String>(&[]), "[]");
        assert_eq!(
            py_str_list(&["localhost", "vm.example"]),
            "['localhost', 'vm.example']"
        );
        assert_eq!(py_str_repr("it's"), "\"it's\"");
        assert_eq!(py_str_repr("a\tb\x01"), "'a\\tb\\x01'");
    }
}
