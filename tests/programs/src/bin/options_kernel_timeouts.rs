//! `SO_RCVTIMEO` and `SO_SNDTIMEO` in blocking mode: a receive, an accept
//! or a send that waits longer fails with would-block (EAGAIN), as on a
//! native blocking socket; the socket's own timeout (`settimeout`) takes
//! precedence. Run with `--allow-bind 127.0.0.1/32:*` and
//! `--allow-connect 127.0.0.1/32:*`.

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use wasock::ErrorCode;
use wasock::net::{TcpListener, TcpStream, UdpSocket};
use wasock::socket::Socket;
use wasock_test_programs::{AT_ONCE, LONGER_THAN_AT_ONCE, code, expect_code};

const LIMIT: Duration = Duration::from_millis(200);

/// Runs `call`, which must fail with would-block after about `LIMIT`.
fn expect_would_block_after<T: std::fmt::Debug>(
    what: &str,
    call: impl FnOnce() -> std::io::Result<T>,
) {
    let start = Instant::now();
    let error = call().unwrap_err();
    let waited = start.elapsed();
    assert_eq!(error.kind(), ErrorKind::WouldBlock, "{what}: {error}");
    assert_eq!(code(&error), ErrorCode::WouldBlock, "{what}");
    assert!(
        waited >= LIMIT - Duration::from_millis(10),
        "{what}: gave up early: {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(5),
        "{what}: gave up late: {waited:?}"
    );
    println!(
        "{what}: would-block after {} ms",
        waited.as_millis() / 10 * 10
    );
}

fn main() {
    let udp = Socket::from(UdpSocket::bind("127.0.0.1:0").unwrap());
    udp.set_read_timeout(Some(LIMIT)).unwrap();
    assert_eq!(udp.timeout(), None, "the socket stays in blocking mode");
    expect_would_block_after("blocking recv", || udp.recv(16));

    // From here on a limit too long to wait out unnoticed.
    udp.set_read_timeout(Some(LONGER_THAN_AT_ONCE)).unwrap();
    udp.send_to(b"here", &udp.local_addr().unwrap()).unwrap();
    let start = Instant::now();
    assert_eq!(udp.recv(16).unwrap(), b"here");
    let waited = start.elapsed();
    assert!(
        waited < AT_ONCE,
        "data already there returns at once: {waited:?}"
    );

    udp.set_timeout(Some(Duration::from_millis(100)));
    expect_code(
        "timeout mode takes precedence",
        udp.recv(16),
        ErrorCode::TimedOut,
    );
    udp.set_nonblocking(true).unwrap();
    let start = Instant::now();
    expect_code("non-blocking", udp.recv(16), ErrorCode::WouldBlock);
    let waited = start.elapsed();
    assert!(waited < AT_ONCE, "non-blocking must not wait: {waited:?}");
    udp.set_timeout(None);
    udp.set_read_timeout(None).unwrap();
    udp.send_to(b"again", &udp.local_addr().unwrap()).unwrap();
    assert_eq!(udp.recv(16).unwrap(), b"again", "no limit once cleared");

    let listener = Socket::from(TcpListener::bind("127.0.0.1:0").unwrap());
    listener.set_read_timeout(Some(LIMIT)).unwrap();
    listener.set_write_timeout(Some(LIMIT * 2)).unwrap();
    expect_would_block_after("blocking accept", || listener.accept());
    let address = listener.local_addr().unwrap().as_inet().unwrap();
    let client = Socket::from(TcpStream::connect(address).unwrap());
    let (server, _) = listener.accept().unwrap();
    assert_eq!(
        server.read_timeout().unwrap(),
        Some(LIMIT),
        "accept inherits SO_RCVTIMEO"
    );
    assert_eq!(
        server.write_timeout().unwrap(),
        Some(LIMIT * 2),
        "and SO_SNDTIMEO"
    );
    assert_eq!(
        server.try_clone().unwrap().read_timeout().unwrap(),
        Some(LIMIT),
        "dup keeps them"
    );
    expect_would_block_after("blocking stream recv", || server.recv(16));

    client.set_send_buffer_size(4096).unwrap();
    client.set_write_timeout(Some(LIMIT)).unwrap();
    let chunk = vec![7; 65536];
    let mut sent = 0;
    let start = Instant::now();
    let error = loop {
        match client.send(&chunk) {
            Ok(n) => sent += n,
            Err(error) => break error,
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the buffers never filled"
        );
    };
    assert_eq!(error.kind(), ErrorKind::WouldBlock, "{error}");
    println!("sent {sent} bytes before the send buffer stayed full");
    // The peer's kernel may still take a few bytes as acknowledgements
    // arrive; keep sending until a send waits out the limit.
    expect_would_block_after(
        "blocking send to a full buffer",
        || -> std::io::Result<()> {
            loop {
                client.send(&chunk)?;
            }
        },
    );
    expect_would_block_after("send-all to a full buffer", || client.send_all(&chunk));
    println!("kernel timeouts ok");
}
