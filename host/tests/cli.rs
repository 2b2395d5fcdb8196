//! The `wasock` command: each flag, the exit code, the cache, and the
//! message a denied guest gets.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use wasock_artifacts as programs;

/// A temporary directory for one test, removed afterwards.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("wasock-cli-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

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
        "--env",
        "--dir",
        "--cache-dir",
        "--no-cache",
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
    let path = dir.0.join("uds_socket");
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
        &dir.0.display().to_string(),
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
    std::fs::create_dir_all(dir.0.join("data")).unwrap();
    std::fs::write(dir.0.join("data/hello.txt"), "hello from the host\n").unwrap();
    let preopen = format!("{}::.", dir.0.display());
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

    let missing = dir.0.join("missing.sock").display().to_string();
    let failed = output(&[
        "run",
        "--allow-unix",
        &dir.0.display().to_string(),
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
    let cache_dir = cache.0.display().to_string();
    let cached_files = || std::fs::read_dir(&cache.0).unwrap().count();
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

    let uncached = TempDir::new("no-cache");
    let run = wasock(&["run", "--no-cache", programs::CLI_ENV_DIR])
        .env("WASOCK_CACHE_DIR", &uncached.0)
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(is_empty(&uncached.0), "--no-cache writes nothing");
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
    let granted = output(&[&["run", "--allow-multicast"], &expect_granted[..]].concat());
    assert!(
        granted.status.success(),
        "{}{}",
        text(&granted.stdout),
        text(&granted.stderr)
    );
    assert!(text(&granted.stdout).ends_with("multicast granted ok\n"));
}
