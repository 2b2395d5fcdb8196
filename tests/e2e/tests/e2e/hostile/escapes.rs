//! Attacks on the policy: each guest tries to reach what it was not
//! granted, and each test checks that it was denied and that the native
//! peer or directory it aimed at saw nothing.

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::os::fd::OwnedFd;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr as UnixAddr, UnixDatagram, UnixListener, UnixStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use wasock_artifacts as programs;
use wasock_e2e::{Setup, TempDir, policy, rule, run, spawn};

use super::nothing_arrived;
use crate::congestion_controls;

/// The names in a directory, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A granted directory and an outside one beside it, with a native
/// listener `native.sock` outside.
struct Confinement {
    _root: TempDir,
    granted: std::path::PathBuf,
    outside: std::path::PathBuf,
    native: UnixListener,
}

impl Confinement {
    fn new(label: &str, native_name: &str) -> Confinement {
        let root = TempDir::new(label);
        let granted = root.path().join("granted");
        let outside = root.path().join("outside");
        std::fs::create_dir_all(granted.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        let native = UnixListener::bind(outside.join(native_name)).unwrap();
        native.set_nonblocking(true).unwrap();
        Confinement {
            _root: root,
            granted,
            outside,
            native,
        }
    }

    /// Assert that nothing connected to the native listener and that the
    /// outside directory holds only it.
    fn assert_untouched(&self, native_name: &str) {
        nothing_arrived("the outside listener", self.native.accept());
        assert_eq!(
            listing(&self.outside),
            [native_name],
            "nothing was created outside"
        );
    }
}

/// `..`, absolute and relative symlinks, magic links, dangling symlinks and
/// symlink loops: nothing leaves the granted directory.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_path_escape() {
    let place = Confinement::new("path-escape", "native.sock");
    let (granted, outside) = (&place.granted, &place.outside);
    let link = |target: &Path, name: &str| std::os::unix::fs::symlink(target, granted.join(name));
    link(Path::new(".."), "up").unwrap();
    link(outside, "abs").unwrap();
    link(&outside.join("native.sock"), "sock").unwrap();
    link(&outside.join("created.sock"), "dangling").unwrap();
    let magic = Path::new("/proc/self/root").join(outside.strip_prefix("/").unwrap());
    link(&magic.join("native.sock"), "magic").unwrap();
    link(Path::new("loop"), "loop").unwrap();
    let grant = policy(|p| {
        p.allow_unix_dir(granted);
    });
    let args = [granted.display().to_string(), outside.display().to_string()];
    let guest = run(
        programs::HOSTILE_PATH_ESCAPE,
        Setup::new(&[&args[0], &args[1]], grant),
    )
    .await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("escapes denied\n"),
        "{}",
        guest.stdout
    );
    place.assert_untouched("native.sock");
}

/// A native thread swaps `flip` between a directory inside the grant and
/// the outside directory while the guest binds and connects through it:
/// whatever the timing, nothing is created or reached outside.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_symlink_race() {
    let place = Confinement::new("symlink-race", "target.sock");
    let granted = place.granted.clone();
    std::fs::create_dir_all(granted.join("safe")).unwrap();
    std::os::unix::fs::symlink("safe", granted.join("flip")).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let flipper = {
        let (stop, granted, outside) = (stop.clone(), granted.clone(), place.outside.clone());
        std::thread::spawn(move || {
            let targets = [
                Path::new("safe"),
                outside.as_path(),
                Path::new("../outside"),
            ];
            let mut flips = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let target = targets[(flips % 3) as usize];
                let staged = granted.join(".flip");
                std::os::unix::fs::symlink(target, &staged).unwrap();
                std::fs::rename(&staged, granted.join("flip")).unwrap();
                flips += 1;
            }
            flips
        })
    };
    let grant = policy(|p| {
        p.allow_unix_dir(&granted);
    });
    let dir = granted.display().to_string();
    let guest = run(
        programs::HOSTILE_SYMLINK_RACE,
        Setup::new(&[&dir, "3000"], grant),
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    let flips = flipper.join().unwrap();
    guest.assert_success();
    println!("{flips} swaps while the guest ran\n{}", guest.stdout);
    place.assert_untouched("target.sock");
}

/// Abstract names outside the granted prefix are denied for every use.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_abstract_names() {
    let prefix = format!("wasock-hostile-{}-", std::process::id());
    let outside = format!("wasock-outside-{}", std::process::id());
    let stream_name = UnixAddr::from_abstract_name(outside.as_bytes()).unwrap();
    let native = UnixListener::bind_addr(&stream_name).unwrap();
    native.set_nonblocking(true).unwrap();
    let dgram_name = UnixAddr::from_abstract_name(format!("{outside}-dgram").as_bytes()).unwrap();
    let native_dgram = UnixDatagram::bind_addr(&dgram_name).unwrap();
    native_dgram.set_nonblocking(true).unwrap();
    let grant = policy(|p| {
        p.allow_unix_abstract(prefix.clone());
    });
    let guest = run(
        programs::HOSTILE_ABSTRACT_NAMES,
        Setup::new(&[&prefix, &outside], grant),
    )
    .await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("abstract confined\n"),
        "{}",
        guest.stdout
    );
    nothing_arrived("the outside listener", native.accept());
    nothing_arrived(
        "the outside datagram socket",
        native_dgram.recv(&mut [0; 16]),
    );
}

/// Native peers on loopback ports the policy does not grant.
struct DeniedPeers {
    tcp: TcpListener,
    udp: UdpSocket,
}

impl DeniedPeers {
    fn new() -> DeniedPeers {
        let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
        tcp.set_nonblocking(true).unwrap();
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        udp.set_nonblocking(true).unwrap();
        DeniedPeers { tcp, udp }
    }

    fn ports(&self) -> [String; 2] {
        [
            self.tcp.local_addr().unwrap().port().to_string(),
            self.udp.local_addr().unwrap().port().to_string(),
        ]
    }

    fn assert_untouched(&self) {
        nothing_arrived("the TCP listener", self.tcp.accept());
        nothing_arrived("the UDP socket", self.udp.recv_from(&mut [0; 16]));
    }
}

/// The implicit binds of connect, send-to, send-msg and listen to denied
/// addresses are denied before any system call.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_implicit_bind() {
    let peers = DeniedPeers::new();
    let [tcp, udp] = peers.ports();
    let unrelated = policy(|p| {
        p.allow_connect(rule("127.0.0.2/32:1"));
    });
    let guest = run(
        programs::HOSTILE_IMPLICIT_BIND,
        Setup::new(&[&tcp, &udp], unrelated),
    )
    .await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("implicit binds denied\n"),
        "{}",
        guest.stdout
    );
    peers.assert_untouched();
}

/// A name granted on one port does not open its other ports.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_granted_name() {
    let denied = TcpListener::bind("127.0.0.1:0").unwrap();
    denied.set_nonblocking(true).unwrap();
    let granted = TcpListener::bind("127.0.0.1:0").unwrap();
    let granted_port = granted.local_addr().unwrap().port();
    let greeter = std::thread::spawn(move || {
        let (mut stream, _) = granted.accept().unwrap();
        stream.write_all(b"hello").unwrap();
    });
    let grant = policy(|p| {
        p.allow_connect(rule(&format!("localhost:{granted_port}")));
    });
    let denied_port = denied.local_addr().unwrap().port().to_string();
    let guest = run(
        programs::HOSTILE_GRANTED_NAME,
        Setup::new(&[&granted_port.to_string(), &denied_port], grant),
    )
    .await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("name confined\n"),
        "{}",
        guest.stdout
    );
    greeter.join().unwrap();
    nothing_arrived("the denied port", denied.accept());
}

/// UDP: nothing is sent to a denied peer, and nothing it sends reaches
/// the guest, whichever receive call the guest uses.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_udp_peers() {
    let allowed = UdpSocket::bind("127.0.0.1:0").unwrap();
    allowed
        .set_read_timeout(Some(wasock_e2e::PATIENCE))
        .unwrap();
    let denied = UdpSocket::bind("127.0.0.1:0").unwrap();
    let allowed_rule = rule(&format!(
        "127.0.0.1/32:{}",
        allowed.local_addr().unwrap().port()
    ));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let listener_port = listener.local_addr().unwrap().port();
    let grant = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_send_to(allowed_rule.clone())
            .allow_send_to(rule(&format!("127.0.0.1/32:{listener_port}")))
            .allow_recv_from(allowed_rule.clone());
    });
    let ports = [
        allowed.local_addr().unwrap().port().to_string(),
        denied.local_addr().unwrap().port().to_string(),
        listener_port.to_string(),
    ];
    let guest = spawn(
        programs::HOSTILE_UDP_PEERS,
        Setup::new(&[&ports[0], &ports[1], &ports[2]], grant),
    );
    let port: u16 = guest.line_after("bound on ").await.parse().unwrap();
    let mut greeting = [0; 8];
    let (n, _) = allowed.recv_from(&mut greeting).unwrap();
    assert_eq!(&greeting[..n], b"hi");
    for _ in ["recv-from", "recv", "recv-msg", "peek"] {
        denied.send_to(b"bad", ("127.0.0.1", port)).unwrap();
        allowed.send_to(b"good", ("127.0.0.1", port)).unwrap();
    }
    let guest = guest.finish().await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("peers confined\n"),
        "{}",
        guest.stdout
    );
    denied.set_nonblocking(true).unwrap();
    nothing_arrived("the denied peer", denied.recv_from(&mut [0; 16]));
    listener.set_nonblocking(true).unwrap();
    nothing_arrived("the TCP listener", listener.accept());
}

/// The WIT has no option that leaves the sandbox, and the options and
/// ancillary data that lean on the host's privileges are refused.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_escape_options() {
    let wit = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../wit/socket.wit"))
        .unwrap();
    let cases = wit_cases(&wit, "variant socket-option")
        .into_iter()
        .chain(wit_cases(&wit, "enum option-name"));
    for case in cases {
        let words: Vec<&str> = case.split('-').collect();
        for escape in [
            "device",
            "ifindex",
            "mark",
            "transparent",
            "filter",
            "bpf",
            "netns",
        ] {
            assert!(
                !words.contains(&escape),
                "`{case}` would let a guest leave its sandbox"
            );
        }
    }
    assert!(
        !wit.lines()
            .any(|line| line.contains(": func(") && line.contains("level")),
        "no function takes a raw option level: there is no raw setsockopt"
    );

    let allowed: Vec<String> =
        congestion_controls("tcp_allowed_congestion_control").unwrap_or_default();
    let restricted = congestion_controls("tcp_available_congestion_control")
        .unwrap_or_default()
        .into_iter()
        .find(|name| !allowed.contains(name))
        .unwrap_or_else(|| {
            println!(
                "skipped: the refusal of a restricted congestion control; this kernel restricts none of the available ones"
            );
            "-".to_string()
        });
    let grant = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"));
    });
    let guest = run(
        programs::HOSTILE_ESCAPE_OPTIONS,
        Setup::new(&[&restricted], grant),
    )
    .await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("options confined\n"),
        "{}",
        guest.stdout
    );
}

/// The case names of a WIT variant or enum (`kind name`).
fn wit_cases(wit: &str, kind_and_name: &str) -> Vec<String> {
    let start = wit
        .find(&format!("{kind_and_name} {{"))
        .unwrap_or_else(|| panic!("no `{kind_and_name}` in the WIT"));
    let body = &wit[start..];
    let body = &body[..body.find("\n    }").unwrap()];
    body.lines()
        .skip(1)
        .map(str::trim)
        .filter(|line| !line.starts_with("//") && !line.is_empty())
        .map(|line| line.split(['(', ',']).next().unwrap().trim().to_string())
        .collect()
}

/// Sockets passed to a guest without grants: the connected one carries
/// data, every further network action on them is denied.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_passed_sockets() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let tcp_port = listener.local_addr().unwrap().port();
    let reader = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut received = Vec::new();
        stream.read_to_end(&mut received).unwrap();
        listener.set_nonblocking(true).unwrap();
        (received, listener.accept().map(|_| ()))
    });
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_nonblocking(true).unwrap();
    let (giver_end, taker_end) = UnixStream::pair().unwrap();
    let giver_grant = policy(|p| {
        p.allow_connect(rule(&format!("127.0.0.1/32:{tcp_port}")))
            .allow_bind(rule("127.0.0.1/32:*"));
    });
    let tcp = tcp_port.to_string();
    let udp_port = udp.local_addr().unwrap().port().to_string();
    let giver = spawn(
        programs::HOSTILE_PASSED_SOCKETS,
        Setup {
            inherited_sockets: vec![Arc::new(OwnedFd::from(giver_end))],
            ..Setup::new(&["giver", &tcp], giver_grant)
        },
    );
    let taker = spawn(
        programs::HOSTILE_PASSED_SOCKETS,
        Setup {
            inherited_sockets: vec![Arc::new(OwnedFd::from(taker_end))],
            ..Setup::new(&["taker", &tcp, &udp_port], wasock_host::Policy::default())
        },
    );
    let taker = taker.finish().await;
    taker.assert_success();
    assert!(
        taker.stdout.ends_with("taker confined\n"),
        "{}",
        taker.stdout
    );
    giver.finish().await.assert_success();
    let (received, second) = tokio::task::spawn_blocking(move || reader.join().unwrap())
        .await
        .unwrap();
    assert_eq!(
        received, b"from the taker",
        "the shared connection carried data"
    );
    nothing_arrived("a second connection", second);
    nothing_arrived("the denied UDP peer", udp.recv_from(&mut [0; 16]));
}

/// Hard links, renames and moved directories give outside sockets names
/// inside the granted directory: connecting or sending through them is
/// denied, and the outside sockets see nothing.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_linked_socket() {
    let root = TempDir::new("linked-socket");
    let (granted, outside) = (root.path().join("granted"), root.path().join("outside"));
    std::fs::create_dir_all(&granted).unwrap();
    std::fs::create_dir_all(outside.join("dir")).unwrap();
    let listen = |path: std::path::PathBuf| {
        let listener = UnixListener::bind(path).unwrap();
        listener.set_nonblocking(true).unwrap();
        listener
    };
    let outside_listeners = [
        listen(outside.join("native.sock")),
        listen(outside.join("moved.sock")),
        listen(outside.join("dir/inner.sock")),
    ];
    let dgram = UnixDatagram::bind(outside.join("dgram.sock")).unwrap();
    dgram.set_nonblocking(true).unwrap();
    let legit = listen(granted.join("legit.sock"));
    let root_text = root.path().display().to_string();
    let mut setup = Setup::new(
        &[&root_text],
        policy(|p| {
            p.allow_unix_dir(&granted);
        }),
    );
    setup.preopens.push(wasock_host::runner::Preopen {
        host: root.path().into(),
        guest: root_text.clone(),
    });
    let guest = run(programs::HOSTILE_LINKED_SOCKET, setup).await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("links denied\n"), "{}", guest.stdout);
    for listener in &outside_listeners {
        nothing_arrived("an outside listener", listener.accept());
    }
    nothing_arrived("the outside datagram socket", dgram.recv(&mut [0; 8]));
    assert!(legit.accept().is_ok(), "the inside listener was reached");
}
