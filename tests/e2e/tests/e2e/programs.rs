//! Guest programs that assert socket behaviour themselves: options, poll,
//! timeouts, in-guest TCP.

use wasock_artifacts as programs;
use wasock_e2e::{Setup, policy, rule, run};

use crate::assert_test_exists;

wasock_artifacts::foreach_tcp!(assert_test_exists);
wasock_artifacts::foreach_options!(assert_test_exists);
wasock_artifacts::foreach_poll!(assert_test_exists);
wasock_artifacts::foreach_timeout!(assert_test_exists);
wasock_artifacts::foreach_bench!(assert_test_exists);
wasock_artifacts::foreach_socket!(assert_test_exists);

/// Loopback on any port, and `::1` when this machine has it.
fn loopback() -> wasock_host::Policy {
    policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_connect(rule("127.0.0.1/32:*"))
            .allow_bind(rule("[::1]/128:*"))
            .allow_connect(rule("[::1]/128:*"));
    })
}

fn ipv6_available() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

#[tokio::test(flavor = "current_thread")]
async fn tcp_local() {
    let args: &[&str] = if ipv6_available() { &["ipv6"] } else { &[] };
    let guest = run(programs::TCP_LOCAL, Setup::new(args, loopback())).await;
    guest.assert_success();
    assert!(
        guest.stdout.contains("IPv4 exchange ok"),
        "{}",
        guest.stdout
    );
    assert!(guest.stdout.ends_with("tcp ok\n"), "{}", guest.stdout);
}

#[tokio::test(flavor = "current_thread")]
async fn tcp_wait_all() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        use std::io::Write;
        let (mut stream, _) = listener.accept().unwrap();
        stream.write_all(b"hello").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100));
        stream.write_all(b"world").unwrap();
    });
    let guest = run(
        programs::TCP_WAIT_ALL,
        Setup::new(&[&port.to_string()], loopback()),
    )
    .await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("wait-all ok\n"), "{}", guest.stdout);
    peer.join().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn socket_pair_dup() {
    let guest = run(
        programs::SOCKET_PAIR_DUP,
        Setup::new(&[], wasock_host::Policy::default()),
    )
    .await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("pairs ok\n"), "{}", guest.stdout);
}

#[tokio::test(flavor = "current_thread")]
async fn options_roundtrip() {
    let guest = run(programs::OPTIONS_ROUNDTRIP, Setup::new(&[], loopback())).await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("options ok\n"), "{}", guest.stdout);
}

#[tokio::test(flavor = "current_thread")]
async fn poll_sockets() {
    let guest = run(programs::POLL_SOCKETS, Setup::new(&[], loopback())).await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("poll ok\n"), "{}", guest.stdout);
}

#[tokio::test(flavor = "current_thread")]
async fn timeout_modes() {
    let guest = run(programs::TIMEOUT_MODES, Setup::new(&[], loopback())).await;
    guest.assert_success();
    assert!(guest.stdout.contains("timeout after"), "{}", guest.stdout);
    assert!(guest.stdout.ends_with("modes ok\n"), "{}", guest.stdout);
}

/// The benchmark's server echoes TCP and UDP.
#[tokio::test(flavor = "current_thread")]
async fn bench_echo_server() {
    for protocol in ["tcp", "udp"] {
        let server = wasock_e2e::spawn(
            programs::BENCH_ECHO_SERVER,
            Setup::new(&[protocol, "127.0.0.1", "0"], loopback()),
        );
        let port: u16 = server.line_after("listening on ").await.parse().unwrap();
        let echoed = tokio::task::spawn_blocking(move || {
            use std::io::{Read, Write};
            if protocol == "tcp" {
                let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
                stream.write_all(b"bench").unwrap();
                let mut buffer = [0; 5];
                stream.read_exact(&mut buffer).unwrap();
                buffer.to_vec()
            } else {
                let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
                socket.set_read_timeout(Some(wasock_e2e::PATIENCE)).unwrap();
                socket.send_to(b"bench", ("127.0.0.1", port)).unwrap();
                let mut buffer = [0; 16];
                let n = socket.recv(&mut buffer).unwrap();
                buffer[..n].to_vec()
            }
        })
        .await
        .unwrap();
        assert_eq!(echoed, b"bench");
        server.stop().await;
    }
}
