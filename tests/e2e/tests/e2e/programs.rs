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

/// The poller's semantics; the last wait is woken by a datagram from here.
#[tokio::test(flavor = "current_thread")]
async fn poll_poller() {
    let guest = wasock_e2e::spawn(programs::POLL_POLLER, Setup::new(&[], loopback()));
    let port: u16 = guest.line_after("waiting on port ").await.parse().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"wake", ("127.0.0.1", port)).unwrap();
    let guest = guest.finish().await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("poller ok\n"), "{}", guest.stdout);
}

/// Pollers count against the socket quota, their sets against the poll
/// quota.
#[tokio::test(flavor = "current_thread")]
async fn poll_quota() {
    let setup = Setup {
        limits: wasock_host::Limits {
            max_sockets: 4,
            max_poll_targets: 2,
            ..Default::default()
        },
        ..Setup::new(&[], loopback())
    };
    let guest = run(programs::POLL_QUOTA, setup).await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("quota ok\n"), "{}", guest.stdout);
}

/// A poller over 10,000 sockets; prints the guest's timings.
#[tokio::test(flavor = "current_thread")]
async fn poll_scale() {
    const SOCKETS: u64 = 10_000;
    // The guest's sockets, and room for the rest of this test process.
    if !raise_fd_limit(SOCKETS + 2_000) {
        return;
    }
    let setup = Setup {
        limits: wasock_host::Limits {
            max_sockets: 12_000,
            max_poll_targets: 20_000,
            ..Default::default()
        },
        ..Setup::new(&[&SOCKETS.to_string()], loopback())
    };
    let guest = run(programs::POLL_SCALE, setup).await;
    println!("{}", guest.stdout);
    guest.assert_success();
    assert!(guest.stdout.ends_with("scale ok\n"), "{}", guest.stdout);
}

/// Raise the soft `RLIMIT_NOFILE` to the hard limit if it is below
/// `needed`; false (with a message) if the hard limit is below it too.
fn raise_fd_limit(needed: u64) -> bool {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid rlimit to write.
    assert_eq!(
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
        0
    );
    if limit.rlim_cur >= needed {
        return true;
    }
    if limit.rlim_max < needed {
        println!(
            "skipped: this test needs {needed} open files, and the hard RLIMIT_NOFILE is {}",
            limit.rlim_max
        );
        return false;
    }
    limit.rlim_cur = limit.rlim_max;
    // SAFETY: `limit` is a valid rlimit to read.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) }, 0);
    true
}

#[tokio::test(flavor = "current_thread")]
async fn tcp_behaviour() {
    let guest = run(programs::TCP_BEHAVIOUR, Setup::new(&[], loopback())).await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("tcp behaviour ok\n"),
        "{}",
        guest.stdout
    );
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

/// The effective id in a `Uid:` or `Gid:` line of `/proc/self/status`
/// (real, effective, saved, file system): what `SO_PEERCRED` reports.
fn effective_id(field: &str) -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
        .to_string()
}

#[tokio::test(flavor = "current_thread")]
async fn options_socket_level() {
    let pid = std::process::id().to_string();
    let (uid, gid) = (effective_id("Uid:"), effective_id("Gid:"));
    let guest = run(
        programs::OPTIONS_SOCKET_LEVEL,
        Setup::new(&[&pid, &uid, &gid], wasock_host::Policy::default()),
    )
    .await;
    guest.assert_success();
    assert!(
        guest
            .stdout
            .contains(&format!("pid: {pid}, uid: {uid}, gid: {gid}")),
        "{}",
        guest.stdout
    );
    assert!(
        guest.stdout.ends_with("socket level ok\n"),
        "{}",
        guest.stdout
    );
}

/// The names of a `/proc/sys/net/ipv4` list of congestion-control algorithms.
fn congestion_controls(file: &str) -> Vec<String> {
    std::fs::read_to_string(format!("/proc/sys/net/ipv4/{file}"))
        .unwrap()
        .split_whitespace()
        .map(String::from)
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn options_tcp() {
    let allowed = congestion_controls("tcp_allowed_congestion_control");
    let restricted: Vec<String> = congestion_controls("tcp_available_congestion_control")
        .into_iter()
        .filter(|name| !allowed.contains(name))
        .collect();
    let (allowed, restricted) = (allowed.join(","), restricted.join(","));
    let guest = run(
        programs::OPTIONS_TCP,
        Setup::new(&[&allowed, &restricted], loopback()),
    )
    .await;
    guest.assert_success();
    assert!(guest.stdout.contains("state: 1,"), "{}", guest.stdout);
    assert!(guest.stdout.ends_with("tcp ok\n"), "{}", guest.stdout);
}

#[tokio::test(flavor = "current_thread")]
async fn options_ip() {
    let guest = run(programs::OPTIONS_IP, Setup::new(&[], loopback())).await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("ip ok\n"), "{}", guest.stdout);
}

/// The loopback interface's index.
fn loopback_index() -> String {
    std::fs::read_to_string("/sys/class/net/lo/ifindex")
        .unwrap()
        .trim()
        .to_string()
}

/// Whether this host makes IPv6 sockets at all (`::1` may still be absent).
fn ipv6_sockets() -> bool {
    std::net::UdpSocket::bind("[::]:0").is_ok()
}

#[tokio::test(flavor = "current_thread")]
async fn options_ipv6() {
    let arg = if ipv6_sockets() {
        loopback_index()
    } else {
        "no-ipv6".to_string()
    };
    let guest = run(
        programs::OPTIONS_IPV6,
        Setup::new(&[&arg], wasock_host::Policy::default()),
    )
    .await;
    guest.assert_success();
    assert!(guest.stdout.contains("ipv6 ok"), "{}", guest.stdout);
}

const MULTICAST_V4: std::net::Ipv4Addr = std::net::Ipv4Addr::new(239, 255, 0, 7);

/// How a join goes natively: `ok` or the `errno`.
fn outcome(result: std::io::Result<()>) -> String {
    match result {
        Ok(()) => "ok".to_string(),
        Err(error) => error.raw_os_error().unwrap().to_string(),
    }
}

/// What the multicast program must match: the native outcome of the IPv4
/// and IPv6 joins on loopback, and whether a datagram sent to the IPv4
/// group over loopback arrives.
fn native_multicast() -> [String; 4] {
    use std::net::{Ipv4Addr, UdpSocket};
    let receiver = UdpSocket::bind("0.0.0.0:0").unwrap();
    let v4 = outcome(receiver.join_multicast_v4(&MULTICAST_V4, &Ipv4Addr::LOCALHOST));
    let mut delivered = false;
    if v4 == "ok" {
        // Bound to 127.0.0.1, the sender's multicast leaves through `lo`.
        let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = receiver.local_addr().unwrap().port();
        sender.send_to(b"probe", (MULTICAST_V4, port)).unwrap();
        receiver
            .set_read_timeout(Some(std::time::Duration::from_secs(2)))
            .unwrap();
        delivered = receiver.recv(&mut [0; 16]).is_ok();
    }
    let index = loopback_index();
    let v6 = match UdpSocket::bind("[::]:0") {
        Ok(socket) => {
            outcome(socket.join_multicast_v6(&"ff12::7".parse().unwrap(), index.parse().unwrap()))
        }
        Err(_) => "none".to_string(),
    };
    [
        v4,
        v6,
        index,
        if delivered { "yes" } else { "no" }.to_string(),
    ]
}

#[tokio::test(flavor = "current_thread")]
async fn options_multicast() {
    let denied = run(
        programs::OPTIONS_MULTICAST,
        Setup::new(&["denied"], wasock_host::Policy::default()),
    )
    .await;
    denied.assert_success();
    assert!(
        denied.stdout.ends_with("multicast denied ok\n"),
        "{}",
        denied.stdout
    );

    let [v4, v6, index, deliver] = native_multicast();
    let granted = policy(|p| {
        p.allow_multicast(true)
            .allow_bind(rule("0.0.0.0/32:*"))
            .allow_connect(rule("239.255.0.0/16:*"));
    });
    let guest = run(
        programs::OPTIONS_MULTICAST,
        Setup::new(&["granted", &v4, &v6, &index, &deliver], granted),
    )
    .await;
    guest.assert_success();
    if deliver == "yes" {
        assert!(
            guest.stdout.contains("through the group"),
            "{}",
            guest.stdout
        );
    }
    assert!(
        guest.stdout.ends_with("multicast granted ok\n"),
        "{}",
        guest.stdout
    );
}

#[tokio::test(flavor = "current_thread")]
async fn options_kernel_timeouts() {
    let guest = run(
        programs::OPTIONS_KERNEL_TIMEOUTS,
        Setup::new(&[], loopback()),
    )
    .await;
    guest.assert_success();
    assert!(
        guest.stdout.contains("blocking recv: would-block after"),
        "{}",
        guest.stdout
    );
    assert!(
        guest.stdout.ends_with("kernel timeouts ok\n"),
        "{}",
        guest.stdout
    );
}
