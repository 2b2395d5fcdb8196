//! The `wasock` command: each flag, the exit code, the cache, and the
//! message a denied guest gets.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use wasock_artifacts::{self as programs, TempDir};

/// `wasock run ARGS…` with a cache shared by these tests.
fn wasock(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wasock"));
    command
        .env(
            "WASOCK_CACHE_DIR",
            std::env::temp_dir().join("wasock-cli-cache"),
        )
        .args(args);
    command
}

fn output(args: &[&str]) -> Output {
    wasock(args)
        .stdin(Stdio::null())
        .output()
        .expect("wasock runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A native TCP echo server for one connection.
fn native_echo_server() -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buffer = [0; 64];
        loop {
            match stream.read(&mut buffer).unwrap() {
                0 => return,
                n => stream.write_all(&buffer[..n]).unwrap(),
            }
        }
    });
    (port, server)
}

#[test]
fn a_guest_without_grants_is_told_which_connect_was_denied() {
    let run = output(&["run", programs::TCP_ECHO_CLIENT]);
    assert!(!run.status.success());
    let printed = text(&run.stdout) + &text(&run.stderr);
    assert!(printed.contains("Permission denied"), "{printed}");
    assert!(printed.contains("connect to 127.0.0.1:10000"), "{printed}");
}

#[test]
fn help_documents_every_flag_with_an_example() {
    let help = text(&output(&["run", "--help"]).stdout);
    for flag in [
        "--allow-connect",
        "--allow-bind",
        "--allow-unix",
        "--allow-abstract",
        "--allow-raw",
        "--allow-icmp",
        "--allow-dns",
        "--allow-multicast",
        "--allow-reverse-dns",
        "--host-name",
        "--allow-host-name",
        "--allow-interfaces",
        "--policy",
        "--allow-listen",
        "--allow-accept",
        "--allow-send-to",
        "--allow-recv-from",
        "--loopback-only",
        "--unprivileged-ports",
        "--allow-privileged-ports",
        "--allow-broadcast",
        "--allow-dns-name",
        "--audit",
        "--env",
        "--dir",
        "--cache-dir",
        "--no-cache",
        "--timeout",
    ] {
        let documented = help
            .lines()
            .skip_while(|l| !l.trim_start().starts_with(flag))
            .take(8)
            .any(|l| l.contains("Example:"));
        assert!(documented, "{flag} has no example in\n{help}");
    }
}

#[test]
fn allow_connect_grants_the_echo_client() {
    let (port, server) = native_echo_server();
    let port = port.to_string();
    let rule = format!("127.0.0.1/32:{port}");
    let run = output(&[
        "run",
        "--allow-connect",
        &rule,
        programs::TCP_ECHO_CLIENT,
        "127.0.0.1",
        &port,
    ]);
    assert!(
        run.status.success(),
        "{}{}",
        text(&run.stdout),
        text(&run.stderr)
    );
    assert!(text(&run.stdout).contains("received b' repeated.'"));
    server.join().unwrap();
}

#[test]
fn allow_bind_grants_the_echo_server() {
    let mut server = wasock(&[
        "run",
        "--allow-bind",
        "127.0.0.1/32:*",
        programs::TCP_ECHO_SERVER,
        "127.0.0.1",
        "0",
    ])
    .stdout(Stdio::piped())
    .stdin(Stdio::null())
    .spawn()
    .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let port: u16 = first.rsplit(' ').next().unwrap().parse().unwrap();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(b"hello").unwrap();
    let mut echoed = [0; 5];
    stream.read_exact(&mut echoed).unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(&echoed, b"hello");
}

#[test]
fn allow_unix_grants_a_directory() {
    let dir = TempDir::new("unix");
    let path = dir.path().join("uds_socket");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buffer = [0; 64];
        while let Ok(n @ 1..) = stream.read(&mut buffer) {
            stream.write_all(&buffer[..n]).unwrap();
        }
    });
    let path = path.display().to_string();
    let denied = output(&["run", programs::UDS_ECHO_CLIENT, &path]);
    assert_eq!(denied.status.code(), Some(1));
    assert!(
        text(&denied.stdout).contains("[Errno 13] Permission denied"),
        "{}",
        text(&denied.stdout)
    );
    let granted = output(&[
        "run",
        "--allow-unix",
        &dir.path().display().to_string(),
        programs::UDS_ECHO_CLIENT,
        &path,
    ]);
    assert!(
        granted.status.success(),
        "{}{}",
        text(&granted.stdout),
        text(&granted.stderr)
    );
    assert!(text(&granted.stdout).contains("received b' repeated.'"));
    server.join().unwrap();
}

#[test]
fn allow_dns_grants_name_lookups() {
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_string();
    let denied = output(&["run", programs::GETADDRINFO, &hostname, "http"]);
    let printed = text(&denied.stdout) + &text(&denied.stderr);
    assert!(
        !denied.status.success() && printed.contains("--allow-dns"),
        "{printed}"
    );
    let granted = output(&[
        "run",
        "--allow-dns",
        programs::GETADDRINFO,
        &hostname,
        "http",
    ]);
    let native = std::net::ToSocketAddrs::to_socket_addrs(&(hostname.as_str(), 80));
    match native {
        Ok(addresses) => {
            assert!(granted.status.success(), "{}", text(&granted.stdout));
            for address in addresses {
                assert!(
                    text(&granted.stdout).contains(&format!("'{}'", address.ip())),
                    "{address} missing"
                );
            }
        }
        Err(_) => {
            let printed = text(&granted.stdout) + &text(&granted.stderr);
            assert!(
                printed.contains("[Errno -"),
                "the resolver's error: {printed}"
            )
        }
    }
}

#[test]
fn allow_reverse_dns_grants_reverse_lookups() {
    let denied = output(&["run", programs::GETHOSTBYADDR, "127.0.0.1"]);
    assert_eq!(denied.status.code(), Some(1));
    assert!(
        text(&denied.stderr).contains("reverse lookup of 127.0.0.1 is not granted")
            && text(&denied.stderr).contains("--allow-reverse-dns"),
        "{}",
        text(&denied.stderr)
    );
    let granted = output(&[
        "run",
        "--allow-reverse-dns",
        programs::GETHOSTBYADDR,
        "127.0.0.1",
    ]);
    assert!(
        granted.status.success(),
        "{}{}",
        text(&granted.stdout),
        text(&granted.stderr)
    );
    assert!(
        text(&granted.stdout).ends_with("Addresses: ['127.0.0.1']\n"),
        "{}",
        text(&granted.stdout)
    );
}

#[test]
fn host_name_sets_the_name_the_guest_sees() {
    let default = output(&["run", programs::GETHOSTNAME]);
    assert_eq!(text(&default.stdout), "localhost\n");
    let named = output(&["run", "--host-name", "sandbox", programs::GETHOSTNAME]);
    assert!(named.status.success(), "{}", text(&named.stderr));
    assert_eq!(text(&named.stdout), "sandbox\n");
}

#[test]
fn allow_host_name_shows_the_real_name() {
    let real = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let granted = output(&["run", "--allow-host-name", programs::GETHOSTNAME]);
    assert!(granted.status.success(), "{}", text(&granted.stderr));
    assert_eq!(text(&granted.stdout), real);
    let both = output(&[
        "run",
        "--allow-host-name",
        "--host-name",
        "sandbox",
        programs::GETHOSTNAME,
    ]);
    assert_eq!(both.status.code(), Some(2), "the two flags conflict");

    let dir = TempDir::new("host-name-file");
    let file = dir.path().join("policy.toml");
    std::fs::write(&file, "[names]\nhost-name = \"sandbox\"\n").unwrap();
    let mixed = output(&[
        "run",
        "--policy",
        file.to_str().unwrap(),
        "--allow-host-name",
        programs::GETHOSTNAME,
    ]);
    assert!(
        !mixed.status.success(),
        "a file's name and the flag conflict"
    );
    assert!(
        text(&mixed.stderr).contains("choose one"),
        "{}",
        text(&mixed.stderr)
    );
    assert!(mixed.stdout.is_empty(), "the guest never ran");
}

#[test]
fn allow_interfaces_grants_interface_lookups() {
    let denied = output(&["run", programs::RESOLVE_INTERFACES, "denied"]);
    assert!(denied.status.success(), "{}", text(&denied.stderr));
    assert!(text(&denied.stdout).contains("--allow-interfaces"));
    let granted = output(&[
        "run",
        "--allow-interfaces",
        programs::RESOLVE_INTERFACES,
        "granted",
    ]);
    assert!(
        granted.status.success(),
        "{}{}",
        text(&granted.stdout),
        text(&granted.stderr)
    );
    assert!(text(&granted.stdout).ends_with("interfaces ok\n"));
}

#[test]
fn env_and_dir_reach_the_guest_and_the_exit_code_comes_back() {
    let dir = TempDir::new("env-dir");
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/hello.txt"), "hello from the host\n").unwrap();
    let preopen = format!("{}::.", dir.path().display());
    let run = output(&[
        "run",
        "--env",
        "GREETING=hi",
        "--dir",
        &preopen,
        programs::CLI_ENV_DIR,
        "one",
        "--two",
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert_eq!(
        text(&run.stdout),
        "GREETING=hi\nfile: hello from the host\nargs: cli_env_dir.wasm one --two\n"
    );

    let missing = dir.path().join("missing.sock").display().to_string();
    let failed = output(&[
        "run",
        "--allow-unix",
        &dir.path().display().to_string(),
        programs::UDS_ECHO_CLIENT,
        &missing,
    ]);
    assert_eq!(
        failed.status.code(),
        Some(1),
        "the guest's exit code is wasock's"
    );
}

#[test]
fn compiled_components_are_cached() {
    let cache = TempDir::new("cache");
    let cache_dir = cache.path().display().to_string();
    let cached_files = || {
        let entries = std::fs::read_dir(cache.path()).unwrap();
        let names = entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned());
        names.filter(|name| name.ends_with(".cwasm")).count()
    };
    let first = output(&["run", "--cache-dir", &cache_dir, programs::CLI_ENV_DIR]);
    assert!(first.status.success());
    assert_eq!(
        cached_files(),
        1,
        "the first run stores the compiled component"
    );
    let second = output(&["run", "--cache-dir", &cache_dir, programs::CLI_ENV_DIR]);
    assert!(second.status.success());
    assert_eq!(cached_files(), 1, "the second run reuses it");
    let index = std::fs::read_dir(cache.path().join("index"))
        .unwrap()
        .count();
    assert_eq!(index, 1, "the component is indexed by path and change time");
    let touched = TempDir::new("touched");
    let copy = touched.path().join("guest.wasm");
    std::fs::copy(programs::CLI_ENV_DIR, &copy).unwrap();
    let copied = output(&["run", "--cache-dir", &cache_dir, copy.to_str().unwrap()]);
    assert!(copied.status.success());
    assert_eq!(
        cached_files(),
        1,
        "a copy of the same component shares its compilation"
    );
    std::fs::copy(programs::SOCKET_PROTOCOL, &copy).unwrap();
    let rewritten = output(&["run", "--cache-dir", &cache_dir, copy.to_str().unwrap()]);
    assert!(
        text(&rewritten.stdout).ends_with("protocols ok\n"),
        "a rewritten file is compiled anew, not served from the index"
    );
    assert_eq!(cached_files(), 2);

    let uncached = TempDir::new("no-cache");
    let run = wasock(&["run", "--no-cache", programs::CLI_ENV_DIR])
        .env("WASOCK_CACHE_DIR", uncached.path())
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(is_empty(uncached.path()), "--no-cache writes nothing");
}

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(true)
}

#[test]
fn allow_abstract_grants_a_prefix() {
    let prefix = format!("wasock-cli-{}-", std::process::id());
    let denied = output(&["run", programs::UNIX_ABSTRACT, &prefix]);
    assert!(!denied.status.success());
    assert!(
        text(&denied.stderr).contains("--allow-abstract"),
        "{}",
        text(&denied.stderr)
    );
    let granted = output(&[
        "run",
        "--allow-abstract",
        &prefix,
        programs::UNIX_ABSTRACT,
        &prefix,
    ]);
    assert!(
        granted.status.success(),
        "{}{}",
        text(&granted.stdout),
        text(&granted.stderr)
    );
    assert!(text(&granted.stdout).ends_with("abstract ok\n"));
}

#[test]
fn allow_raw_and_allow_icmp_grant_those_sockets() {
    let denied = output(&["run", programs::SOCKET_RAW_ICMP, "denied"]);
    assert!(
        denied.status.success(),
        "{}{}",
        text(&denied.stdout),
        text(&denied.stderr)
    );
    let granted = output(&[
        "run",
        "--allow-raw",
        "--allow-icmp",
        programs::SOCKET_RAW_ICMP,
        "granted",
    ]);
    assert!(
        granted.status.success(),
        "{}{}",
        text(&granted.stdout),
        text(&granted.stderr)
    );
    let only_raw = output(&["run", "--allow-raw", programs::SOCKET_RAW_ICMP, "granted"]);
    assert!(
        !only_raw.status.success(),
        "without --allow-icmp the ICMP socket is denied by the policy"
    );
}

/// How joining `group` on loopback goes natively: `ok` or the `errno`.
fn native_join(group: std::net::IpAddr, loopback_index: u32) -> String {
    let joined = match group {
        std::net::IpAddr::V4(group) => std::net::UdpSocket::bind("0.0.0.0:0")
            .and_then(|s| s.join_multicast_v4(&group, &std::net::Ipv4Addr::LOCALHOST)),
        std::net::IpAddr::V6(group) => match std::net::UdpSocket::bind("[::]:0") {
            Ok(socket) => socket.join_multicast_v6(&group, loopback_index),
            Err(_) => return "none".to_string(),
        },
    };
    match joined {
        Ok(()) => "ok".to_string(),
        Err(error) => error.raw_os_error().unwrap().to_string(),
    }
}

#[test]
fn allow_multicast_grants_joining_groups() {
    let denied = output(&["run", programs::OPTIONS_MULTICAST, "denied"]);
    assert!(denied.status.success(), "{}", text(&denied.stderr));

    let index = std::fs::read_to_string("/sys/class/net/lo/ifindex").unwrap();
    let index = index.trim();
    let v4 = native_join("239.255.0.7".parse().unwrap(), index.parse().unwrap());
    let v6 = native_join("ff12::7".parse().unwrap(), index.parse().unwrap());
    let expect_granted = [
        programs::OPTIONS_MULTICAST,
        "granted",
        &v4,
        &v6,
        index,
        "no",
    ];
    let ungranted = output(&[&["run"], &expect_granted[..]].concat());
    let printed = text(&ungranted.stdout) + &text(&ungranted.stderr);
    assert!(
        !ungranted.status.success() && printed.contains("--allow-multicast"),
        "{printed}"
    );
    // The program also joins on an unknown interface index, whose errno
    // only shows with --allow-interfaces.
    let granted = output(
        &[
            &["run", "--allow-multicast", "--allow-interfaces"],
            &expect_granted[..],
        ]
        .concat(),
    );
    assert!(
        granted.status.success(),
        "{}{}",
        text(&granted.stdout),
        text(&granted.stderr)
    );
    assert!(text(&granted.stdout).ends_with("multicast granted ok\n"));
}

/// `examples/policy.toml`, as the workspace ships it.
fn example_policy() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/policy.toml")
        .display()
        .to_string()
}

/// Assert that a run succeeded and printed `last` as its last line.
fn assert_ends_with(run: &Output, last: &str) {
    assert!(
        run.status.success() && text(&run.stdout).ends_with(last),
        "{}{}",
        text(&run.stdout),
        text(&run.stderr)
    );
}

/// A guest started with `wasock run ARGS…`, its standard output read line
/// by line.
struct Running {
    child: std::process::Child,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = wasock(args)
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Running { child, lines }
    }

    /// The rest of the next line, which must start with `prefix`.
    fn line_after(&mut self, prefix: &str) -> String {
        let line = self.lines.next().expect("a line").unwrap();
        line.strip_prefix(prefix)
            .unwrap_or_else(|| panic!("`{line}` does not start with `{prefix}`"))
            .to_string()
    }

    /// Wait for the end; the rest of standard output.
    fn finish(mut self) -> (std::process::ExitStatus, String) {
        let rest: Vec<String> = self.lines.by_ref().map(Result::unwrap).collect();
        (self.child.wait().unwrap(), rest.join("\n"))
    }
}

/// A TCP connection to `port` on 127.0.0.1 from the loopback address `from`.
fn connect_from(from: [u8; 4], port: u16) -> std::net::TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(&std::net::SocketAddr::from((from, 0)).into())
        .unwrap();
    socket
        .connect(&std::net::SocketAddr::from(([127, 0, 0, 1], port)).into())
        .unwrap();
    socket.into()
}

#[test]
fn policy_file_grants_what_it_lists() {
    let (port, server) = native_echo_server();
    let port = port.to_string();
    let policy = example_policy();
    let run = output(&[
        "run",
        "--policy",
        &policy,
        programs::TCP_ECHO_CLIENT,
        "127.0.0.1",
        &port,
    ]);
    assert!(
        run.status.success() && text(&run.stdout).contains("received b' repeated.'"),
        "{}{}",
        text(&run.stdout),
        text(&run.stderr)
    );
    server.join().unwrap();
    let named = output(&["run", "--policy", &policy, programs::GETHOSTNAME]);
    assert_eq!(text(&named.stdout), "plugin\n", "{}", text(&named.stderr));
    let flags_add = output(&[
        "run",
        "--policy",
        &policy,
        "--host-name",
        "flagged",
        programs::GETHOSTNAME,
    ]);
    assert_eq!(text(&flags_add.stdout), "flagged\n");
}

#[test]
fn policy_file_errors_name_the_line() {
    let dir = TempDir::new("policy-file");
    let file = dir.path().join("policy.toml");
    std::fs::write(&file, "[net]\nconect = [\"127.0.0.1:80\"]\n").unwrap();
    let run = output(&[
        "run",
        "--policy",
        &file.display().to_string(),
        programs::CLI_ENV_DIR,
    ]);
    assert_eq!(run.status.code(), Some(1));
    let printed = text(&run.stderr);
    assert!(
        printed.contains("line 2") && printed.contains("conect"),
        "{printed}"
    );
    std::fs::write(&file, "[net]\nbind = [\n  \"10.0.0.0/33:80\",\n]\n").unwrap();
    let run = output(&[
        "run",
        "--policy",
        &file.display().to_string(),
        programs::CLI_ENV_DIR,
    ]);
    let printed = text(&run.stderr);
    assert!(
        !run.status.success() && printed.contains("line 3") && printed.contains("10.0.0.0/33"),
        "{printed}"
    );
}

#[test]
fn audit_prints_every_decision() {
    let run = output(&["run", "--audit", programs::TCP_ECHO_CLIENT]);
    assert!(!run.status.success());
    let printed = text(&run.stderr);
    assert!(
        printed
            .lines()
            .any(|line| line == "wasock audit: socket.connect 127.0.0.1:10000 denied"),
        "{printed}"
    );
    let quiet = output(&["run", programs::TCP_ECHO_CLIENT]);
    assert!(!text(&quiet.stderr).contains("wasock audit"));
}

#[test]
fn allow_listen_grants_the_implicit_bind() {
    let run = output(&[
        "run",
        "--allow-listen",
        "0.0.0.0/0:0",
        programs::POLICY_LISTEN,
        "implicit",
    ]);
    assert_ends_with(&run, "listen rules enforced\n");
    let denied = output(&["run", programs::POLICY_LISTEN, "implicit"]);
    assert!(!denied.status.success());
}

#[test]
fn allow_accept_drops_other_peers() {
    let mut guest = Running::start(&[
        "run",
        "--allow-bind",
        "127.0.0.1/32:*",
        "--allow-accept",
        "127.0.0.1/32:*",
        programs::POLICY_ACCEPT,
        "127.0.0.1",
    ]);
    let port: u16 = guest.line_after("listening on ").parse().unwrap();
    let mut denied = connect_from([127, 0, 0, 2], port);
    let _ = denied.write_all(b"denied");
    denied
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut buffer = [0; 8];
    match denied.read(&mut buffer) {
        Ok(0) => {}
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {}
        other => panic!("the denied peer was not dropped: {other:?}"),
    }
    connect_from([127, 0, 0, 1], port)
        .write_all(b"allowed")
        .unwrap();
    let (status, rest) = guest.finish();
    assert!(status.success(), "{rest}");
    assert_eq!(rest, "accepted 127.0.0.1: allowed");
}

#[test]
fn allow_send_to_and_allow_recv_from_filter_datagrams() {
    let peer = std::net::UdpSocket::bind("127.0.0.3:0").unwrap();
    let peer_port = peer.local_addr().unwrap().port();
    let send_to = format!("127.0.0.3/32:{peer_port}");
    let mut guest = Running::start(&[
        "run",
        "--allow-bind",
        "127.0.0.1/32:0",
        "--allow-recv-from",
        "127.0.0.1/32:*",
        "--allow-send-to",
        &send_to,
        programs::POLICY_DATAGRAMS,
        "filtered",
        &peer_port.to_string(),
    ]);
    let port: u16 = guest.line_after("bound on ").parse().unwrap();
    let good = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let bad = std::net::UdpSocket::bind("127.0.0.2:0").unwrap();
    for round in 1..=3 {
        bad.send_to(format!("denied {round}").as_bytes(), ("127.0.0.1", port))
            .unwrap();
        good.send_to(format!("allowed {round}").as_bytes(), ("127.0.0.1", port))
            .unwrap();
    }
    peer.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut buffer = [0; 16];
    let (n, from) = peer.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"ping");
    peer.send_to(b"pong", from).unwrap();
    let (status, rest) = guest.finish();
    assert!(status.success(), "{rest}");
    assert!(rest.ends_with("datagram rules enforced"), "{rest}");
}

#[test]
fn loopback_only_grants_loopback() {
    let run = output(&[
        "run",
        "--loopback-only",
        programs::POLICY_SHORTCUTS,
        "loopback",
    ]);
    assert_ends_with(&run, "shortcut enforced\n");
}

#[test]
fn unprivileged_ports_grants_ports_above_1023() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let run = output(&[
        "run",
        "--unprivileged-ports",
        programs::POLICY_SHORTCUTS,
        "unprivileged",
        &port,
    ]);
    assert_ends_with(&run, "shortcut enforced\n");
}

#[test]
fn allow_privileged_ports_grants_ports_below_1024() {
    for grant in ["denied", "granted"] {
        let mut args = vec!["run", "--allow-bind", "127.0.0.1/32:*"];
        if grant == "granted" {
            args.push("--allow-privileged-ports");
        }
        args.extend([programs::POLICY_SHORTCUTS, "privileged", grant]);
        assert_ends_with(&output(&args), "shortcut enforced\n");
    }
}

#[test]
fn allow_broadcast_grants_broadcast() {
    for grant in ["denied", "granted"] {
        let mut args = vec![
            "run",
            "--allow-bind",
            "127.0.0.1/32:0",
            "--allow-connect",
            "0.0.0.0/0:*",
        ];
        if grant == "granted" {
            args.push("--allow-broadcast");
        }
        args.extend([programs::POLICY_SHORTCUTS, "broadcast", grant]);
        assert_ends_with(&output(&args), "shortcut enforced\n");
    }
}

#[test]
fn allow_dns_name_grants_matching_names() {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_string();
    let pattern = format!("{}*", &host[..host.len().saturating_sub(1)]);
    let run = output(&[
        "run",
        "--allow-dns-name",
        &pattern,
        programs::POLICY_NAMES,
        &host,
    ]);
    assert_ends_with(&run, "names confined\n");
}

#[test]
fn allow_unix_maps_a_host_directory_into_the_guest() {
    let dir = TempDir::new("unix-map");
    let listener = std::os::unix::net::UnixListener::bind(dir.path().join("uds_socket")).unwrap();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buffer = [0; 64];
        while let Ok(n @ 1..) = stream.read(&mut buffer) {
            stream.write_all(&buffer[..n]).unwrap();
        }
    });
    let grant = format!("{}::/run/app", dir.path().display());
    let run = output(&[
        "run",
        "--allow-unix",
        &grant,
        programs::UDS_ECHO_CLIENT,
        "/run/app/uds_socket",
    ]);
    assert!(
        run.status.success() && text(&run.stdout).contains("received b' repeated.'"),
        "{}{}",
        text(&run.stdout),
        text(&run.stderr)
    );
    server.join().unwrap();
}

#[test]
fn max_sockets_sets_the_socket_quota() {
    let run = output(&[
        "run",
        "--loopback-only",
        "--max-sockets",
        "16",
        programs::HOSTILE_SOCKET_EXHAUSTION,
        "16",
    ]);
    assert!(
        run.status.success(),
        "{}{}",
        text(&run.stdout),
        text(&run.stderr)
    );
    assert!(text(&run.stdout).ends_with("quota held\n"));
}

/// `[quotas] socket-buffers` in a policy file sets the budget, unless
/// `--max-socket-buffers` is given.
#[test]
fn a_policy_file_sets_the_buffer_budget() {
    let dir = TempDir::new("cli-quotas");
    let file = dir.path().join("policy.toml");
    std::fs::write(
        &file,
        "[net]\nloopback-only = true\n[quotas]\nsocket-buffers = \"48M\"\n",
    )
    .unwrap();
    let budget = (48usize << 20).to_string();
    let file = file.display().to_string();
    let run = output(&[
        "run",
        "--policy",
        &file,
        programs::HOSTILE_BUFFER_BUDGET,
        &budget,
    ]);
    assert!(
        run.status.success(),
        "{}{}",
        text(&run.stdout),
        text(&run.stderr)
    );
    let overridden = output(&[
        "run",
        "--policy",
        &file,
        "--max-socket-buffers",
        "1G",
        programs::HOSTILE_BUFFER_BUDGET,
        &budget,
    ]);
    assert!(
        !overridden.status.success(),
        "a budget of 1G holds 64 raised socket pairs, which the guest reports"
    );
}

#[test]
fn max_socket_buffers_sets_the_buffer_budget() {
    let run = output(&[
        "run",
        "--loopback-only",
        "--max-socket-buffers",
        "48M",
        programs::HOSTILE_BUFFER_BUDGET,
        &(48usize << 20).to_string(),
    ]);
    assert!(
        run.status.success(),
        "{}{}",
        text(&run.stdout),
        text(&run.stderr)
    );
    assert!(text(&run.stdout).ends_with(
        "buffer budget held
"
    ));
}

/// What [`growing_component`] grows.
enum Grow {
    /// The memory, by this many 64 KiB pages.
    Memory(u32),
    /// The table, by this many elements.
    Table(u32),
}

/// A component whose `wasi:cli/run` grows its memory or its table and
/// succeeds only if the growth was refused.
fn growing_component(dir: &TempDir, name: &str, grow: Grow) -> String {
    let growth = match grow {
        Grow::Memory(pages) => format!("(memory.grow (i32.const {pages}))"),
        Grow::Table(elements) => format!("(table.grow $t (ref.null func) (i32.const {elements}))"),
    };
    let wat = format!(
        r#"(component
             (core module $m
               (memory 1)
               (table $t 1 funcref)
               (func (export "run") (result i32)
                 (i32.ne {growth} (i32.const -1))))
             (core instance $i (instantiate $m))
             (func $run (result (result)) (canon lift (core func $i "run")))
             (instance $run-instance (export "run" (func $run)))
             (export "wasi:cli/run@0.2.0" (instance $run-instance)))"#
    );
    let path = dir.path().join(name);
    std::fs::write(&path, wat::parse_str(&wat).expect("valid component text")).unwrap();
    path.display().to_string()
}

#[test]
fn max_memory_bounds_memory_growth() {
    let dir = TempDir::new("max-memory");
    let grow_32_mib = growing_component(&dir, "memory.wasm", Grow::Memory(512));
    let refused = output(&["run", "--max-memory", "16M", &grow_32_mib]);
    assert_eq!(refused.status.code(), Some(0), "{}", text(&refused.stderr));
    let granted = output(&["run", "--max-memory", "64M", &grow_32_mib]);
    assert_eq!(granted.status.code(), Some(1), "{}", text(&granted.stderr));

    let past_the_default = growing_component(&dir, "default.wasm", Grow::Memory(16 * 1024));
    let refused = output(&["run", &past_the_default]);
    assert_eq!(
        refused.status.code(),
        Some(0),
        "a guest cannot grow past 1 GiB by default: {}",
        text(&refused.stderr)
    );
}

#[test]
fn max_table_elements_bounds_table_growth() {
    let dir = TempDir::new("max-table");
    let grow_2000 = growing_component(&dir, "table.wasm", Grow::Table(2000));
    let refused = output(&["run", "--max-table-elements", "1000", &grow_2000]);
    assert_eq!(refused.status.code(), Some(0), "{}", text(&refused.stderr));
    let granted = output(&["run", &grow_2000]);
    assert_eq!(granted.status.code(), Some(1), "{}", text(&granted.stderr));

    let past_the_default = growing_component(&dir, "default.wasm", Grow::Table(1 << 20));
    let refused = output(&["run", &past_the_default]);
    assert_eq!(
        refused.status.code(),
        Some(0),
        "a guest cannot grow a table past 1,048,576 elements by default: {}",
        text(&refused.stderr)
    );
}

/// A component whose `wasi:cli/run` loops forever without a call out.
fn spinning_component(dir: &TempDir) -> String {
    let wat = r#"(component
         (core module $m
           (func (export "run") (result i32)
             (loop $forever (br $forever))
             (i32.const 0)))
         (core instance $i (instantiate $m))
         (func $run (result (result)) (canon lift (core func $i "run")))
         (instance $run-instance (export "run" (func $run)))
         (export "wasi:cli/run@0.2.0" (instance $run-instance)))"#;
    let path = dir.path().join("spin.wasm");
    std::fs::write(&path, wat::parse_str(wat).expect("valid component text")).unwrap();
    path.display().to_string()
}

#[test]
fn timeout_stops_a_spinning_guest() {
    let dir = TempDir::new("timeout");
    let spin = spinning_component(&dir);
    // Compiled once first, so that the limit times the run alone.
    let _ = output(&["run", "--timeout", "1ms", &spin]);
    let started = std::time::Instant::now();
    let stopped = output(&["run", "--timeout", "500ms", &spin]);
    let took = started.elapsed();
    let stderr = text(&stopped.stderr);
    assert_eq!(stopped.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("stopped at its time limit of 500ms"),
        "the message names the limit: {stderr}"
    );
    assert!(
        took >= Duration::from_millis(500) && took < Duration::from_secs(5),
        "stopped after {took:?}"
    );
    let refused = output(&["run", "--timeout", "0s", &spin]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
}
