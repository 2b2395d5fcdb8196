//! `IPPROTO_TCP` options after the first ones: `TCP_DEFER_ACCEPT` (its
//! value and its effect on `accept`), `TCP_LINGER2`, `TCP_SYNCNT` and
//! `TCP_WINDOW_CLAMP`. Run with `--allow-bind 127.0.0.1/32:*` and
//! `--allow-connect 127.0.0.1/32:*`. Arguments: the host's
//! `net.ipv4.tcp_fin_timeout` and `net.ipv4.tcp_syn_retries`.

use std::io::{Read, Write};
use std::time::Duration;

use wasock::ErrorCode;
use wasock::net::{TcpListener, TcpStream, UdpSocket};
use wasock::socket::{Domain, OptionName, Socket, SocketOption, Type};
use wasock_test_programs::{args, expect_code};

fn main() {
    let args = args();
    let [fin_timeout, syn_retries] = [0, 1].map(|i| {
        args.get(i)
            .and_then(|a| a.parse::<u32>().ok())
            .expect("arguments: FIN_TIMEOUT SYN_RETRIES")
    });
    let tcp = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();

    assert_eq!(tcp.tcp_defer_accept().unwrap(), Duration::ZERO);
    for (set, read) in [(1, 1), (5, 7), (0, 0)] {
        tcp.set_tcp_defer_accept(Duration::from_secs(set)).unwrap();
        assert_eq!(
            tcp.tcp_defer_accept().unwrap(),
            Duration::from_secs(read),
            "Linux rounds {set} s up to its SYN-ACK schedule"
        );
    }
    expect_code(
        "TCP_DEFER_ACCEPT beyond an int",
        tcp.set_option(SocketOption::DeferAccept(u32::MAX)),
        ErrorCode::InvalidArgument,
    );

    let default = Some(Duration::from_secs(fin_timeout.into()));
    assert_eq!(tcp.tcp_linger2().unwrap(), default, "the system default");
    for (set, read) in [
        (Some(5), Some(5)),
        (Some(200), Some(120)),
        (None, None),
        (Some(0), Some(fin_timeout.into())),
    ] {
        tcp.set_tcp_linger2(set.map(Duration::from_secs)).unwrap();
        assert_eq!(tcp.tcp_linger2().unwrap(), read.map(Duration::from_secs));
    }
    expect_code(
        "TCP_LINGER2 beyond an int",
        tcp.set_option(SocketOption::FinWait2Timeout(Some(u32::MAX))),
        ErrorCode::InvalidArgument,
    );

    assert_eq!(tcp.tcp_syncnt().unwrap(), syn_retries, "the system default");
    for count in [1, 127, 3] {
        tcp.set_tcp_syncnt(count).unwrap();
        assert_eq!(tcp.tcp_syncnt().unwrap(), count);
    }
    for count in [0, 128, u32::MAX] {
        expect_code(
            &format!("TCP_SYNCNT {count}"),
            tcp.set_tcp_syncnt(count),
            ErrorCode::InvalidArgument,
        );
    }
    assert_eq!(
        tcp.tcp_syncnt().unwrap(),
        3,
        "a refused value changes nothing"
    );

    window_clamp(&tcp);
    deferred_accept();

    let udp = Socket::from(UdpSocket::bind("127.0.0.1:0").unwrap());
    expect_code(
        "TCP_SYNCNT on a UDP socket",
        udp.set_tcp_syncnt(2),
        ErrorCode::NotSupported,
    );
    expect_code(
        "TCP_DEFER_ACCEPT of a UDP socket",
        udp.get_option(OptionName::DeferAccept),
        ErrorCode::OperationNotSupported,
    );
    println!("extra tcp ok");
}

/// `TCP_WINDOW_CLAMP`: 0 (the kernel's choice) only before the socket is
/// used, small values raised to Linux's minimum.
fn window_clamp(tcp: &Socket) {
    assert_eq!(tcp.tcp_window_clamp().unwrap(), 0, "the kernel's choice");
    tcp.set_tcp_window_clamp(100_000).unwrap();
    assert_eq!(tcp.tcp_window_clamp().unwrap(), 100_000);
    tcp.set_tcp_window_clamp(1).unwrap();
    let minimum = tcp.tcp_window_clamp().unwrap();
    println!("smallest window clamp: {minimum}");
    assert!((2..=4096).contains(&minimum), "raised to the minimum");
    tcp.set_tcp_window_clamp(0).unwrap();
    assert_eq!(tcp.tcp_window_clamp().unwrap(), 0);
    expect_code(
        "TCP_WINDOW_CLAMP beyond an int",
        tcp.set_tcp_window_clamp(u32::MAX),
        ErrorCode::InvalidArgument,
    );

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let listener = Socket::from(listener);
    expect_code(
        "TCP_WINDOW_CLAMP 0 on a listener",
        listener.set_tcp_window_clamp(0),
        ErrorCode::InvalidArgument,
    );
    let client = Socket::from(TcpStream::connect(address).unwrap());
    assert!(
        client.tcp_window_clamp().unwrap() > 0,
        "the kernel chose a clamp when connecting"
    );
}

/// With `TCP_DEFER_ACCEPT`, a connection is not accepted before its first
/// data.
fn deferred_accept() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let listener = Socket::from(listener);
    listener
        .set_tcp_defer_accept(Duration::from_secs(5))
        .unwrap();
    let mut client = TcpStream::connect(address).unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    expect_code(
        "accept before any data",
        listener.accept(),
        ErrorCode::WouldBlock,
    );
    client.write_all(b"first").unwrap();
    listener.set_timeout(Some(Duration::from_secs(5)));
    let (server, _) = listener.accept().unwrap();
    let mut server = TcpStream::from(server);
    let mut data = [0; 5];
    server.read_exact(&mut data).unwrap();
    assert_eq!(&data, b"first");
}
