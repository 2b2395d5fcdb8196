//! UDP-Lite (`socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE)`) and its
//! options `UDPLITE_SEND_CSCOV` and `UDPLITE_RECV_CSCOV`: their values, and
//! a receiver dropping datagrams that cover less than it asks for. Run
//! with `--allow-bind 127.0.0.1/32:*` and `--allow-connect
//! 127.0.0.1/32:*`. Argument: `ok` when this host makes UDP-Lite sockets,
//! `unsupported` when its kernel refuses them.

use std::net::SocketAddr;
use std::time::Duration;

use wasock::ErrorCode;
use wasock::socket::{Domain, OptionName, Protocol, Socket, SocketOption, Type};
use wasock_test_programs::{args, expect_code};

fn main() {
    let lite = || Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDPLITE));
    match args().first().map(String::as_str) {
        Some("ok") => {}
        Some("unsupported") => {
            expect_code("a UDP-Lite socket", lite(), ErrorCode::ProtocolNotSupported);
            println!("udplite ok (not in this kernel)");
            return;
        }
        _ => panic!("argument: ok or unsupported"),
    }
    let socket = lite().unwrap();
    assert_eq!(socket.protocol().unwrap(), Protocol::UDPLITE);
    type Coverage = (
        &'static str,
        fn(&Socket, u16) -> std::io::Result<()>,
        fn(&Socket) -> std::io::Result<u16>,
    );
    let options: [Coverage; 2] = [
        (
            "UDPLITE_SEND_CSCOV",
            Socket::set_udplite_send_cscov,
            Socket::udplite_send_cscov,
        ),
        (
            "UDPLITE_RECV_CSCOV",
            Socket::set_udplite_recv_cscov,
            Socket::udplite_recv_cscov,
        ),
    ];
    for (name, set, get) in options {
        assert_eq!(get(&socket).unwrap(), 0, "{name}: full coverage at first");
        for (value, read) in [(20, 20), (1, 8), (u16::MAX, u16::MAX), (0, 0)] {
            set(&socket, value).unwrap();
            assert_eq!(get(&socket).unwrap(), read, "{name} {value}");
        }
    }

    let udp = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    expect_code(
        "UDPLITE_SEND_CSCOV on a UDP socket",
        udp.set_udplite_send_cscov(8),
        ErrorCode::NotSupported,
    );
    assert_eq!(
        udp.udplite_send_cscov().unwrap(),
        0,
        "Linux reads 0 on a UDP socket"
    );
    let tcp = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    expect_code(
        "UDPLITE_RECV_CSCOV of a TCP socket",
        tcp.get_option(OptionName::UdpliteReceiveCoverage),
        ErrorCode::OperationNotSupported,
    );
    expect_code(
        "UDPLITE_RECV_CSCOV on a TCP socket",
        tcp.set_option(SocketOption::UdpliteReceiveCoverage(8)),
        ErrorCode::NotSupported,
    );

    partial_coverage(lite().unwrap(), lite().unwrap());
    match Socket::new(Domain::IPV6, Type::DGRAM, Some(Protocol::UDPLITE)) {
        Ok(v6) => {
            v6.set_udplite_send_cscov(12).unwrap();
            assert_eq!(v6.udplite_send_cscov().unwrap(), 12);
        }
        Err(error) => println!("no IPv6 UDP-Lite socket: {error}"),
    }
    println!("udplite ok");
}

/// A datagram whose checksum covers only its header reaches a receiver
/// that accepts that coverage, and is dropped by one that asks for more.
fn partial_coverage(sender: Socket, receiver: Socket) {
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    receiver.bind(&any.into()).unwrap();
    let to = receiver.local_addr().unwrap();
    sender.set_udplite_send_cscov(8).unwrap();

    receiver.set_udplite_recv_cscov(8).unwrap();
    receiver.set_timeout(Some(Duration::from_secs(5)));
    sender.send_to(b"header only", &to).unwrap();
    assert_eq!(receiver.recv(64).unwrap(), b"header only");

    receiver.set_udplite_recv_cscov(20).unwrap();
    receiver.set_timeout(Some(Duration::from_millis(300)));
    sender.send_to(b"too little", &to).unwrap();
    expect_code(
        "a datagram covering less than asked for",
        receiver.recv(64),
        ErrorCode::TimedOut,
    );

    sender.set_udplite_send_cscov(0).unwrap();
    receiver.set_timeout(Some(Duration::from_secs(5)));
    sender.send_to(b"all of it", &to).unwrap();
    assert_eq!(receiver.recv(64).unwrap(), b"all of it");
}
