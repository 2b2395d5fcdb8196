//! Python's three modes. Run with `--allow-bind 127.0.0.1/32:*`.
//! Timeout mode: a recv with `settimeout(0.2)` fails after about 0.2 s with
//! timed-out; non-blocking: would-block at once; `dont-wait` per call.

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use wasock::ErrorCode;
use wasock::net::{TcpListener, UdpSocket};
use wasock::socket::MessageFlags;
use wasock_test_programs::{AT_ONCE, LONGER_THAN_AT_ONCE, expect_code};

fn main() {
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    assert_eq!(udp.timeout(), None, "sockets start blocking");

    udp.set_timeout(Some(Duration::from_millis(200)));
    assert_eq!(udp.timeout(), Some(Duration::from_millis(200)));
    let start = Instant::now();
    let mut buffer = [0; 16];
    let error = udp.recv(&mut buffer).unwrap_err();
    let waited = start.elapsed();
    assert_eq!(error.kind(), ErrorKind::TimedOut, "{error}");
    assert_eq!(wasock_test_programs::code(&error), ErrorCode::TimedOut);
    assert!(
        waited >= Duration::from_millis(190),
        "gave up early: {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "gave up late: {waited:?}");
    println!("timeout after {} ms: {error}", waited.as_millis() / 10 * 10);

    // Non-blocking mode replaces a timeout too long to wait out unnoticed.
    udp.set_timeout(Some(LONGER_THAN_AT_ONCE));
    udp.set_nonblocking(true).unwrap();
    assert_eq!(udp.timeout(), Some(Duration::ZERO));
    let start = Instant::now();
    expect_code(
        "non-blocking recv",
        udp.recv(&mut buffer),
        ErrorCode::WouldBlock,
    );
    let waited = start.elapsed();
    assert!(waited < AT_ONCE, "non-blocking must not wait: {waited:?}");

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    expect_code(
        "non-blocking accept",
        listener.accept(),
        ErrorCode::WouldBlock,
    );

    udp.set_timeout(None);
    let raw = wasock::socket::Socket::from(udp);
    expect_code(
        "dont-wait on a blocking socket",
        raw.recv_with_flags(16, MessageFlags::DONT_WAIT),
        ErrorCode::WouldBlock,
    );

    raw.send_to(b"hi", &raw.local_addr().unwrap()).unwrap();
    assert_eq!(
        raw.recv(16).unwrap(),
        b"hi",
        "a blocking recv returns data that is there"
    );
    println!("modes ok");
}
