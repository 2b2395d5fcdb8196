//! `IPPROTO_TCP` options: `TCP_USER_TIMEOUT`, `TCP_CORK`, `TCP_QUICKACK`,
//! `TCP_FASTOPEN`, `TCP_MAXSEG`, `TCP_NOTSENT_LOWAT`, `TCP_CONGESTION` and
//! `TCP_INFO`. Run with `--allow-bind 127.0.0.1/32:*` and
//! `--allow-connect 127.0.0.1/32:*`. Arguments: the host's allowed
//! congestion-control names, comma-separated, then the names that are
//! available but not allowed (possibly empty).

use std::io::{Read, Write};
use std::time::Duration;

use wasock::ErrorCode;
use wasock::net::{TcpListener, TcpStream, UdpSocket};
use wasock::socket::{Domain, OptionName, Socket, SocketOption, Type};
use wasock_test_programs::{args, expect_code};

/// `TCP_ESTABLISHED`, `TCP_CLOSE` and `TCP_LISTEN` in `tcpi_state`.
const ESTABLISHED: u8 = 1;
const CLOSE: u8 = 7;
const LISTEN: u8 = 10;

fn main() {
    let args = args();
    let names = |i: usize| -> Vec<String> {
        args.get(i)
            .map(|list| {
                list.split(',')
                    .filter(|n| !n.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (allowed, restricted) = (names(0), names(1));
    assert!(!allowed.is_empty(), "arguments: ALLOWED [RESTRICTED]");

    let tcp = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    assert_eq!(tcp.tcp_user_timeout().unwrap(), None, "the system default");
    tcp.set_tcp_user_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    assert_eq!(
        tcp.tcp_user_timeout().unwrap(),
        Some(Duration::from_secs(5))
    );
    tcp.set_tcp_user_timeout(Some(Duration::from_micros(1500)))
        .unwrap();
    assert_eq!(
        tcp.tcp_user_timeout().unwrap(),
        Some(Duration::from_millis(2)),
        "whole milliseconds, rounded up"
    );
    tcp.set_tcp_user_timeout(None).unwrap();
    assert_eq!(tcp.tcp_user_timeout().unwrap(), None);
    expect_code(
        "TCP_USER_TIMEOUT beyond an int",
        tcp.set_option(SocketOption::UserTimeout(u32::MAX)),
        ErrorCode::InvalidArgument,
    );

    for on in [true, false] {
        tcp.set_tcp_cork(on).unwrap();
        assert_eq!(tcp.tcp_cork().unwrap(), on);
        tcp.set_tcp_quickack(on).unwrap();
        assert_eq!(tcp.tcp_quickack().unwrap(), on);
    }
    tcp.set_tcp_fastopen(5).unwrap();
    assert_eq!(tcp.tcp_fastopen().unwrap(), 5);
    tcp.set_tcp_fastopen(0).unwrap();
    assert_eq!(tcp.tcp_fastopen().unwrap(), 0);

    for mss in [88, 1000, 32767] {
        tcp.set_tcp_mss(mss).unwrap();
        assert_eq!(tcp.tcp_mss().unwrap(), mss);
    }
    for mss in [1, 87, 32768, u32::MAX] {
        expect_code(
            &format!("TCP_MAXSEG {mss}"),
            tcp.set_tcp_mss(mss),
            ErrorCode::InvalidArgument,
        );
    }

    assert_eq!(tcp.tcp_notsent_lowat().unwrap(), 0, "the system default");
    tcp.set_tcp_notsent_lowat(16384).unwrap();
    assert_eq!(tcp.tcp_notsent_lowat().unwrap(), 16384);
    expect_code(
        "TCP_NOTSENT_LOWAT beyond an int",
        tcp.set_tcp_notsent_lowat(u32::MAX),
        ErrorCode::InvalidArgument,
    );

    let default = tcp.tcp_congestion().unwrap();
    println!("default congestion control: {default}");
    assert!(!default.is_empty());
    for name in &allowed {
        tcp.set_tcp_congestion(name).unwrap();
        assert_eq!(&tcp.tcp_congestion().unwrap(), name);
    }
    for name in &restricted {
        expect_code(
            &format!("congestion control {name} (not allowed)"),
            tcp.set_tcp_congestion(name),
            ErrorCode::NotPermitted,
        );
    }
    expect_code(
        "unknown congestion control",
        tcp.set_tcp_congestion("no-such-cc"),
        ErrorCode::NotFound,
    );
    expect_code(
        "empty congestion control",
        tcp.set_tcp_congestion(""),
        ErrorCode::InvalidArgument,
    );

    assert_eq!(
        tcp.tcp_info().unwrap().state,
        CLOSE,
        "a new socket is closed"
    );
    expect_code(
        "TCP_INFO is read-only",
        tcp.set_option(SocketOption::TcpInfo(tcp.tcp_info().unwrap())),
        ErrorCode::NotSupported,
    );

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let listening = Socket::from(listener);
    assert_eq!(listening.tcp_info().unwrap().state, LISTEN);
    let listener = TcpListener::from(listening);
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    for _ in 0..10 {
        client.write_all(b"ping").unwrap();
        let mut buffer = [0; 4];
        server.read_exact(&mut buffer).unwrap();
        server.write_all(b"pong").unwrap();
        client.read_exact(&mut buffer).unwrap();
    }
    let client = Socket::from(client);
    let info = client.tcp_info().unwrap();
    println!("tcp_info of a connected socket: {info:?}");
    assert_eq!(info.state, ESTABLISHED);
    assert!(info.rtt > 0, "a round trip was measured: {info:?}");
    assert!(info.snd_mss > 0 && info.rcv_mss > 0, "{info:?}");
    assert!(info.snd_cwnd > 0 && info.pmtu > 0, "{info:?}");
    assert!(info.rto >= info.rtt, "{info:?}");
    assert!(client.tcp_mss().unwrap() > 0);

    let udp = Socket::from(UdpSocket::bind("127.0.0.1:0").unwrap());
    expect_code(
        "TCP_INFO of a UDP socket",
        udp.get_option(OptionName::TcpInfo),
        ErrorCode::OperationNotSupported,
    );
    expect_code(
        "TCP_CORK on a UDP socket",
        udp.set_tcp_cork(true),
        ErrorCode::NotSupported,
    );
    let unix = Socket::new(Domain::UNIX, Type::STREAM, None).unwrap();
    expect_code(
        "TCP_CONGESTION on a Unix socket",
        unix.tcp_congestion(),
        ErrorCode::OperationNotSupported,
    );
    println!("tcp ok");
}
