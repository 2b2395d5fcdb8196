//! Malformed arguments: each case prints `outcome NAME RESULT`, where
//! RESULT is `ok:N` (N is the call's count, or 0) or `errno:N`; the host
//! test compares them with the same calls made natively.
//!
//! `hostile_malformed GRANTED ipv6|no-ipv6`, run with loopback grants,
//! `fe80::/10` grants and `--allow-unix GRANTED`.

use std::io;
use std::net::{Ipv6Addr, SocketAddr, SocketAddrV6};

use wasock::net::{TcpListener, TcpStream, UdpSocket};
use wasock::socket::{Domain, MessageFlags, SockAddr, Socket, Type};
use wasock::unix::{UnixDatagram, UnixListener};
use wasock::{Error, ErrorCode};
use wasock_test_programs::args;

/// Print one outcome.
fn outcome<T>(name: &str, result: io::Result<T>, count: impl Fn(&T) -> usize) {
    let text = match &result {
        Ok(value) => format!("ok:{}", count(value)),
        Err(error) => match Error::from_io(error) {
            Some(error) => format!("errno:{}", error.errno()),
            None => panic!("{name}: not a wasock error: {error}"),
        },
    };
    println!("outcome {name} {text}");
}

fn none<T>(_: &T) -> usize {
    0
}

fn link_local(scope: u32) -> SockAddr {
    let address = SocketAddrV6::new(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1), 9, 0, scope);
    SockAddr::from(address)
}

fn main() {
    let args = args();
    let (granted, ipv6) = (&args[0], args[1] == "ipv6");

    outcome(
        "tcp-connect-port-0",
        TcpStream::connect("127.0.0.1:0"),
        none,
    );
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    outcome(
        "udp-send-to-port-0",
        udp.send_to(b"x", "127.0.0.1:0"),
        |n| *n,
    );
    outcome(
        "udp-connect-port-0",
        UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .connect("127.0.0.1:0"),
        none,
    );
    outcome(
        "udp-oversize-v4",
        udp.send_to(&vec![0; 65508], "127.0.0.1:9"),
        |n| *n,
    );
    outcome(
        "udp-largest-v4",
        udp.send_to(&vec![0; 65507], "127.0.0.1:9"),
        |n| *n,
    );
    if ipv6 {
        outcome("tcp6-connect-port-0", TcpStream::connect("[::1]:0"), none);
        let tcp6 = || Socket::new(Domain::IPV6, Type::STREAM, None).unwrap();
        outcome(
            "tcp6-connect-bad-scope",
            tcp6().connect(&link_local(999_999)),
            none,
        );
        outcome("tcp6-connect-scope-0", tcp6().connect(&link_local(0)), none);
        let bind = SockAddr::from(SocketAddrV6::new(
            Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1),
            0,
            0,
            999_999,
        ));
        outcome("tcp6-bind-bad-scope", tcp6().bind(&bind), none);
        let udp6 = UdpSocket::bind("[::1]:0").unwrap();
        outcome(
            "udp-oversize-v6",
            udp6.send_to(&vec![0; 65528], "[::1]:9"),
            |n| *n,
        );
        outcome(
            "udp6-send-to-bad-scope",
            Socket::new(Domain::IPV6, Type::DGRAM, None)
                .unwrap()
                .send_to(b"x", &link_local(999_999)),
            |n| *n,
        );
    }

    let (a, _b) = UnixDatagram::pair().unwrap();
    outcome("unix-dgram-oversize", a.send(&vec![0; 300_000]), |n| *n);
    let long = format!("{granted}/{}", "l".repeat(85));
    outcome("unix-path-too-long", UnixListener::bind(&long), none);
    let error = UnixListener::bind(format!("{granted}/a\0b")).unwrap_err();
    assert_eq!(
        Error::from_io(&error).unwrap().code(),
        ErrorCode::InvalidArgument,
        "a NUL inside a path is refused: {error}"
    );
    println!("unix-path-nul refused: {error}");

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = Socket::from(TcpStream::connect(listener.local_addr().unwrap()).unwrap());
    let _server = listener.accept().unwrap();
    outcome("tcp-send-empty", client.send(b""), |n| *n);
    outcome(
        "tcp-recv-zero",
        client.recv_with_flags(0, MessageFlags::DONT_WAIT),
        Vec::len,
    );

    let receiver = Socket::from(UdpSocket::bind("127.0.0.1:0").unwrap());
    let to: SocketAddr = receiver.local_addr().unwrap().as_inet().unwrap();
    outcome("udp-send-empty", udp.send_to(b"", to), |n| *n);
    outcome(
        "udp-recv-zero",
        receiver.recv_from(0).map(|(data, _)| data),
        Vec::len,
    );
    outcome(
        "udp-recv-after-zero",
        receiver.recv_with_flags(16, MessageFlags::DONT_WAIT),
        Vec::len,
    );
    udp.send_to(b"payload", to).unwrap();
    let message = receiver.recv_msg(0, 0, MessageFlags::empty()).unwrap();
    println!("outcome udp-recv-msg-zero ok:{}", message.data.len());
    let truncated = message.flags.contains(MessageFlags::TRUNCATE);
    println!(
        "outcome udp-recv-msg-zero-truncated ok:{}",
        usize::from(truncated)
    );
    println!("malformed done");
}
