//! Guest programs that assert socket behaviour themselves: options, poll,
//! timeouts, in-guest TCP.

use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasock_artifacts as programs;
use wasock_bench::wasi_sockets::WasiSockets;
use wasock_e2e::{Setup, policy, rule, run};

use crate::{assert_test_exists, congestion_controls, ipv6_available, loopback};

wasock_artifacts::foreach_tcp!(assert_test_exists);
wasock_artifacts::foreach_options!(assert_test_exists);
wasock_artifacts::foreach_poll!(assert_test_exists);
wasock_artifacts::foreach_timeout!(assert_test_exists);
wasock_artifacts::foreach_bench!(assert_test_exists);

/// `send-all` on a stream sends everything even when a call may move
/// fewer bytes than the in-flight limit (the 100,000-byte `write_all` of
/// `tcp_local` with 16 KiB per call).
#[tokio::test(flavor = "current_thread")]
async fn tcp_local_with_a_small_call_limit() {
    let mut setup = Setup::new(&[], loopback());
    setup.limits.max_bytes_per_call = 16 * 1024;
    let guest = run(programs::TCP_LOCAL, setup).await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("tcp ok\n"), "{}", guest.stdout);
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
    // Loopback, and SO_BROADCAST, which it sets.
    let grants = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_connect(rule("127.0.0.1/32:*"))
            .allow_bind(rule("[::1]/128:*"))
            .allow_connect(rule("[::1]/128:*"))
            .allow_broadcast(true);
    });
    let guest = run(programs::OPTIONS_ROUNDTRIP, Setup::new(&[], grants)).await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("options ok\n"), "{}", guest.stdout);
}

/// Poll over several sockets; the last wait, with no timeout, is woken by a
/// datagram from here.
#[tokio::test(flavor = "current_thread")]
async fn poll_sockets() {
    let guest = wasock_e2e::spawn(programs::POLL_SOCKETS, Setup::new(&[], loopback()));
    let port: u16 = guest
        .line_after("waiting for a datagram on ")
        .await
        .parse()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"late", ("127.0.0.1", port)).unwrap();
    let guest = guest.finish().await;
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
    if !wasock_e2e::measure::raise_fd_limit(SOCKETS + 2_000) {
        return;
    }
    let setup = Setup {
        limits: wasock_host::Limits {
            max_sockets: 12_000,
            max_buffer_bytes: 12_000 << 20,
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

/// Where a benchmark echo server listens.
enum EchoAt {
    Tcp(u16),
    Udp(u16),
    Unix(std::path::PathBuf),
}

/// Send `bench` to an echo server and return what comes back.
async fn echo_once(at: EchoAt) -> Vec<u8> {
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut buffer = [0; 5];
        match at {
            EchoAt::Tcp(port) => {
                let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
                stream.write_all(b"bench").unwrap();
                stream.read_exact(&mut buffer).unwrap();
            }
            EchoAt::Unix(path) => {
                let mut stream = std::os::unix::net::UnixStream::connect(path).unwrap();
                stream.write_all(b"bench").unwrap();
                stream.read_exact(&mut buffer).unwrap();
            }
            EchoAt::Udp(port) => {
                let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
                socket.set_read_timeout(Some(wasock_e2e::PATIENCE)).unwrap();
                socket.send_to(b"bench", ("127.0.0.1", port)).unwrap();
                let n = socket.recv(&mut buffer).unwrap();
                assert_eq!(n, 5);
            }
        }
        buffer.to_vec()
    })
    .await
    .unwrap()
}

/// The benchmark's server echoes TCP, UDP and Unix streams.
#[tokio::test(flavor = "current_thread")]
async fn bench_echo_server() {
    for protocol in ["tcp", "udp"] {
        let server = wasock_e2e::spawn(
            programs::BENCH_ECHO_SERVER,
            Setup::new(&[protocol, "127.0.0.1", "0"], loopback()),
        );
        let port: u16 = server.line_after("listening on ").await.parse().unwrap();
        let at = if protocol == "tcp" {
            EchoAt::Tcp(port)
        } else {
            EchoAt::Udp(port)
        };
        assert_eq!(echo_once(at).await, b"bench");
        server.stop().await;
    }
    let dir = wasock_e2e::TempDir::new("bench-echo");
    let path = dir.path().join("echo.sock");
    let server = wasock_e2e::spawn(
        programs::BENCH_ECHO_SERVER,
        Setup::new(
            &["unix", &path.display().to_string()],
            policy(|p| {
                p.allow_unix_dir(dir.path());
            }),
        ),
    );
    server.line_after("listening on ").await;
    assert_eq!(echo_once(EchoAt::Unix(path)).await, b"bench");
    server.stop().await;
}

/// Run a `std::net` guest on `wasi:sockets` alone (the benchmark's
/// comparison), its output in `stdout`.
fn spawn_on_wasi_sockets(
    program: &str,
    args: &[&str],
    stdout: MemoryOutputPipe,
) -> tokio::task::JoinHandle<anyhow::Result<i32>> {
    let wasi = WasiSockets::new(wasock_e2e::runner().engine()).unwrap();
    let component = wasock_e2e::component(program);
    let argv: Vec<String> = std::iter::once("guest")
        .chain(args.iter().copied())
        .map(String::from)
        .collect();
    tokio::spawn(async move { wasi.run(&component, &argv, stdout).await })
}

/// The first line `stdout` has that starts with `prefix`, without it.
async fn printed(stdout: &MemoryOutputPipe, prefix: &str) -> String {
    let start = std::time::Instant::now();
    loop {
        let text = String::from_utf8_lossy(&stdout.contents()).into_owned();
        if let Some(rest) = text.lines().find_map(|l| l.strip_prefix(prefix)) {
            return rest.to_string();
        }
        assert!(
            start.elapsed() < wasock_e2e::PATIENCE,
            "no `{prefix}` in {text}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// The benchmark's `std::net` echo server serves on `wasi:sockets`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_std_echo_server() {
    for protocol in ["tcp", "udp"] {
        let stdout = MemoryOutputPipe::new(1 << 12);
        let server = spawn_on_wasi_sockets(
            programs::BENCH_STD_ECHO_SERVER,
            &[protocol, "127.0.0.1", "0"],
            stdout.clone(),
        );
        let port: u16 = printed(&stdout, "listening on ").await.parse().unwrap();
        let at = if protocol == "tcp" {
            EchoAt::Tcp(port)
        } else {
            EchoAt::Udp(port)
        };
        assert_eq!(echo_once(at).await, b"bench");
        server.abort();
    }
}

/// Native TCP and UDP echo servers on threads, for the client programs;
/// their addresses.
fn native_echo_servers() -> (String, String) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addresses = (
        listener.local_addr().unwrap().to_string(),
        udp.local_addr().unwrap().to_string(),
    );
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut buffer = [0; 65536];
                while let Ok(n @ 1..) = stream.read(&mut buffer) {
                    if stream.write_all(&buffer[..n]).is_err() {
                        return;
                    }
                }
            });
        }
    });
    std::thread::spawn(move || {
        let mut buffer = [0; 1500];
        while let Ok((n, from)) = udp.recv_from(&mut buffer) {
            let _ = udp.send_to(&buffer[..n], from);
        }
    });
    addresses
}

/// The client workloads, small: each prints `result RATE P50 P99`.
const CLIENT_RUNS: [(&str, &str); 5] = [
    ("bulk", "300000"),
    ("ping1", "20"),
    ("ping64", "20"),
    ("connect", "5"),
    ("udp", "20"),
];

/// Assert that a client printed a `result` line with a positive rate.
fn assert_result(workload: &str, stdout: &str) {
    let fields: Vec<&str> = stdout.trim().split(' ').collect();
    assert_eq!(fields.len(), 4, "{workload}: {stdout}");
    assert_eq!(fields[0], "result", "{workload}: {stdout}");
    let rate: f64 = fields[1].parse().unwrap();
    assert!(rate > 0.0, "{workload}: {stdout}");
}

/// The benchmark's wasock client runs every workload against native
/// servers.
#[tokio::test(flavor = "current_thread")]
async fn bench_echo_client() {
    let (tcp, udp) = native_echo_servers();
    for (workload, count) in CLIENT_RUNS {
        let at = if workload == "udp" { &udp } else { &tcp };
        let guest = run(
            programs::BENCH_ECHO_CLIENT,
            Setup::new(&[workload, at, count], loopback()),
        )
        .await;
        guest.assert_success();
        assert_result(workload, &guest.stdout);
    }
}

/// The benchmark's `std::net` client runs every workload on
/// `wasi:sockets`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_std_echo_client() {
    let (tcp, udp) = native_echo_servers();
    for (workload, count) in CLIENT_RUNS {
        let at = if workload == "udp" { &udp } else { &tcp };
        let stdout = MemoryOutputPipe::new(1 << 12);
        let client = spawn_on_wasi_sockets(
            programs::BENCH_STD_ECHO_CLIENT,
            &[workload, at, count],
            stdout.clone(),
        );
        let code = tokio::time::timeout(wasock_e2e::PATIENCE, client).await;
        assert_eq!(code.unwrap().unwrap().unwrap(), 0, "{workload}");
        assert_result(workload, &String::from_utf8_lossy(&stdout.contents()));
    }
}

/// The benchmark's scale server holds many connections in one poller and
/// answers each.
#[tokio::test(flavor = "current_thread")]
async fn bench_scale_server() {
    const CONNECTIONS: usize = 200;
    let mut setup = Setup::new(&["127.0.0.1", "0"], loopback());
    setup.limits.max_sockets = CONNECTIONS + 8;
    let server = wasock_e2e::spawn(programs::BENCH_SCALE_SERVER, setup);
    let port: u16 = server.line_after("listening on ").await.parse().unwrap();
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut streams: Vec<std::net::TcpStream> = (0..CONNECTIONS)
            .map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).unwrap())
            .collect();
        for (i, stream) in streams.iter_mut().enumerate() {
            stream.set_read_timeout(Some(wasock_e2e::PATIENCE)).unwrap();
            stream.write_all(&[i as u8]).unwrap();
        }
        for (i, stream) in streams.iter_mut().enumerate() {
            let mut byte = [0];
            stream.read_exact(&mut byte).unwrap();
            assert_eq!(byte[0], i as u8, "connection {i}");
        }
    })
    .await
    .unwrap();
    server.stop().await;
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

#[tokio::test(flavor = "current_thread")]
async fn options_tcp() {
    let allowed = congestion_controls("tcp_allowed_congestion_control").unwrap();
    let restricted: Vec<String> = congestion_controls("tcp_available_congestion_control")
        .unwrap()
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

/// With the interfaces grant, which naming an interface by an address the
/// host may lack needs, so that the kernel's own answer shows.
#[tokio::test(flavor = "current_thread")]
async fn options_ip() {
    let grants = policy(|p| {
        for network in ["127.0.0.1/32:*", "[::1]/128:*"] {
            p.allow_bind(rule(network)).allow_connect(rule(network));
        }
        p.allow_interfaces(true);
    });
    let guest = run(programs::OPTIONS_IP, Setup::new(&[], grants)).await;
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

/// With the interfaces grant, which naming an interface by an index the
/// host may lack needs, so that the kernel's own answer shows.
#[tokio::test(flavor = "current_thread")]
async fn options_ipv6() {
    let arg = if ipv6_sockets() {
        loopback_index()
    } else {
        "no-ipv6".to_string()
    };
    let interfaces = policy(|p| {
        p.allow_interfaces(true);
    });
    let guest = run(programs::OPTIONS_IPV6, Setup::new(&[&arg], interfaces)).await;
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
        // Joining on an unknown interface index needs the interfaces grant
        // for the kernel's own answer to show.
        p.allow_multicast(true)
            .allow_interfaces(true)
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

/// `ok` or the name of the errno of a native socket call's result: the
/// answers the extra-option programs must match.
fn native_outcome(rc: libc::c_int) -> String {
    if rc == 0 {
        return "ok".to_string();
    }
    let error = std::io::Error::last_os_error();
    match error.raw_os_error() {
        Some(libc::EOPNOTSUPP) => "EOPNOTSUPP".to_string(),
        Some(libc::ENOPROTOOPT) => "ENOPROTOOPT".to_string(),
        _ => panic!("unexpected native answer: {error}"),
    }
}

/// Native `setsockopt(SOL_SOCKET, SO_PASSSEC, 1)`.
fn native_passsec(socket: &impl std::os::fd::AsRawFd) -> String {
    let on: libc::c_int = 1;
    // SAFETY: the value is a live int of the length given.
    native_outcome(unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PASSSEC,
            (&on as *const libc::c_int).cast(),
            size_of::<libc::c_int>() as libc::socklen_t,
        )
    })
}

/// Native `SO_PEERSEC` of a Unix socketpair: `label:` and the label, or the
/// errno's name.
fn native_peersec() -> String {
    use std::os::fd::AsRawFd;
    let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
    let mut label = [0u8; 4096];
    let mut len = label.len() as libc::socklen_t;
    // SAFETY: the buffer and length describe `label`.
    let rc = unsafe {
        libc::getsockopt(
            a.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERSEC,
            label.as_mut_ptr().cast(),
            &mut len,
        )
    };
    match native_outcome(rc).as_str() {
        "ok" => {
            let label = &label[..len as usize];
            let end = label.iter().position(|b| *b == 0).unwrap_or(label.len());
            format!("label:{}", String::from_utf8_lossy(&label[..end]))
        }
        errno => errno.to_string(),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn options_extra_socket() {
    let (unix, _peer) = std::os::unix::net::UnixStream::pair().unwrap();
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let args = [
        native_passsec(&unix),
        native_passsec(&tcp),
        native_peersec(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let guest = run(
        programs::OPTIONS_EXTRA_SOCKET,
        Setup::new(&args, loopback()),
    )
    .await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("extra socket ok\n"),
        "{}",
        guest.stdout
    );
}

/// A `/proc/sys/net/ipv4` setting.
fn ipv4_sysctl(name: &str) -> String {
    std::fs::read_to_string(format!("/proc/sys/net/ipv4/{name}"))
        .unwrap()
        .trim()
        .to_string()
}

#[tokio::test(flavor = "current_thread")]
async fn options_extra_tcp() {
    let fin_timeout = ipv4_sysctl("tcp_fin_timeout");
    let syn_retries = ipv4_sysctl("tcp_syn_retries");
    let guest = run(
        programs::OPTIONS_EXTRA_TCP,
        Setup::new(&[&fin_timeout, &syn_retries], loopback()),
    )
    .await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("extra tcp ok\n"), "{}", guest.stdout);
}

/// Loopback on any port, and raw sockets.
fn loopback_and_raw() -> wasock_host::Policy {
    policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_connect(rule("127.0.0.1/32:*"))
            .allow_bind(rule("[::1]/128:*"))
            .allow_connect(rule("[::1]/128:*"))
            .allow_raw(true);
    })
}

#[tokio::test(flavor = "current_thread")]
async fn options_extra_ip() {
    for (arg, grants) in [("raw", loopback_and_raw()), ("no-raw", loopback())] {
        let guest = run(programs::OPTIONS_EXTRA_IP, Setup::new(&[arg], grants)).await;
        guest.assert_success();
        assert!(guest.stdout.ends_with("extra ip ok\n"), "{}", guest.stdout);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn options_extra_ipv6() {
    let arg = if !ipv6_sockets() {
        "no-ipv6"
    } else if ipv6_available() {
        "loopback"
    } else {
        "no-loopback"
    };
    let guest = run(
        programs::OPTIONS_EXTRA_IPV6,
        Setup::new(&[arg], loopback_and_raw()),
    )
    .await;
    guest.assert_success();
    if arg == "loopback" {
        assert!(
            guest.stdout.contains("default hop limit: "),
            "{}",
            guest.stdout
        );
    }
    assert!(guest.stdout.contains("extra ipv6 ok"), "{}", guest.stdout);
}

#[tokio::test(flavor = "current_thread")]
async fn options_udplite() {
    // SAFETY: a plain socket(2) call; the descriptor is closed below.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM, libc::IPPROTO_UDPLITE) };
    let arg = if fd >= 0 {
        // SAFETY: `fd` is the socket just created, closed once.
        unsafe { libc::close(fd) };
        "ok"
    } else {
        let error = std::io::Error::last_os_error();
        assert_eq!(error.raw_os_error(), Some(libc::EPROTONOSUPPORT), "{error}");
        "unsupported"
    };
    let guest = run(programs::OPTIONS_UDPLITE, Setup::new(&[arg], loopback())).await;
    guest.assert_success();
    assert!(guest.stdout.contains("udplite ok"), "{}", guest.stdout);
}
