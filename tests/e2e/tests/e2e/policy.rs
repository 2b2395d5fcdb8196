//! The deny-by-default policy: with no grants every network use fails with
//! access-denied; grants open exactly what they name.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};
use std::sync::{Arc, Mutex};

use wasock_artifacts as programs;
use wasock_e2e::{PATIENCE, Setup, TempDir, policy, rule, run, spawn};
use wasock_host::{AuditEvent, Policy, UnixDir};

use crate::{assert_test_exists, ipv6_available};

wasock_artifacts::foreach_policy!(assert_test_exists);
wasock_artifacts::foreach_unix!(assert_test_exists);

#[tokio::test(flavor = "current_thread")]
async fn policy_denied() {
    let guest = run(programs::POLICY_DENIED, Setup::new(&[], Policy::default())).await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("all denied\n"), "{}", guest.stdout);
}

#[tokio::test(flavor = "current_thread")]
async fn policy_connect_rules() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let granted = policy(|p| {
        p.allow_connect(rule(&format!("127.0.0.1/32:{port}")));
    });
    let guest = spawn(
        programs::POLICY_CONNECT_RULES,
        Setup::new(&[&port.to_string()], granted),
    );
    let mut accepted = 0;
    let start = std::time::Instant::now();
    while accepted == 0 && start.elapsed() < wasock_e2e::PATIENCE {
        match listener.accept() {
            Ok((mut stream, _)) => {
                stream.write_all(b"hello").unwrap();
                accepted += 1;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(5)).await,
        }
    }
    let finished = guest.finish().await;
    finished.assert_success();
    assert!(
        finished.stdout.ends_with("rules enforced\n"),
        "{}",
        finished.stdout
    );
    assert!(
        listener.accept().is_err(),
        "denied connects never reached the listener"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn policy_unix_escape() {
    let root = TempDir::new("escape");
    let granted = root.path().join("granted");
    let outside = root.path().join("outside");
    std::fs::create_dir_all(granted.join("sub")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let native = UnixListener::bind(outside.join("native.sock")).unwrap();
    native.set_nonblocking(true).unwrap();
    std::os::unix::fs::symlink("../outside", granted.join("dirlink")).unwrap();
    std::os::unix::fs::symlink(outside.join("native.sock"), granted.join("socklink")).unwrap();

    let grant = policy(|p| {
        p.allow_unix_dir(&granted);
    });
    let args = [granted.display().to_string(), outside.display().to_string()];
    let guest = run(
        programs::POLICY_UNIX_ESCAPE,
        Setup::new(&[&args[0], &args[1]], grant),
    )
    .await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("confined\n"), "{}", guest.stdout);
    assert!(
        native.accept().is_err(),
        "no connection escaped to the outside socket"
    );
    let escaped: Vec<_> = std::fs::read_dir(&outside)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        escaped,
        vec!["native.sock"],
        "nothing was bound outside the grant"
    );
}

/// Abstract names are granted by prefix, and reach native listeners.
#[tokio::test(flavor = "current_thread")]
async fn unix_abstract() {
    use std::os::linux::net::SocketAddrExt;
    let prefix = format!("wasock-test-{}-", std::process::id());
    let native_name = format!("{prefix}native");
    let address =
        std::os::unix::net::SocketAddr::from_abstract_name(native_name.as_bytes()).unwrap();
    let native = UnixListener::bind_addr(&address).unwrap();
    let greeter = std::thread::spawn(move || {
        let (mut stream, _) = native.accept().unwrap();
        stream.write_all(b"hello").unwrap();
    });
    let grant = policy(|p| {
        p.allow_unix_abstract(prefix.clone());
    });
    let guest = run(
        programs::UNIX_ABSTRACT,
        Setup::new(&[&prefix, &native_name], grant),
    )
    .await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("abstract ok\n"), "{}", guest.stdout);
    greeter.join().unwrap();
}

/// A TCP connection to `to` from the loopback address `from`.
fn connect_from(from: [u8; 4], to: SocketAddr) -> std::net::TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&SocketAddr::from((from, 0)).into()).unwrap();
    socket.connect(&to.into()).unwrap();
    socket.into()
}

/// With accept rules, a peer outside them is reset before the guest sees
/// it and `accept` waits for the next; without any, every peer is accepted.
#[tokio::test(flavor = "current_thread")]
async fn policy_accept() {
    let filtered = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_accept(rule("127.0.0.1/32:*"));
    });
    let guest = spawn(
        programs::POLICY_ACCEPT,
        Setup::new(&["127.0.0.1"], filtered),
    );
    let port: u16 = guest.line_after("listening on ").await.parse().unwrap();
    let to = SocketAddr::from(([127, 0, 0, 1], port));
    tokio::task::spawn_blocking(move || {
        let mut denied = connect_from([127, 0, 0, 2], to);
        let _ = denied.write_all(b"denied");
        denied.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut buffer = [0; 16];
        match denied.read(&mut buffer) {
            Ok(0) => {}
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {}
            other => panic!("the denied peer was not dropped: {other:?}"),
        }
        let mut allowed = connect_from([127, 0, 0, 1], to);
        allowed.write_all(b"allowed").unwrap();
    })
    .await
    .unwrap();
    let finished = guest.finish().await;
    finished.assert_success();
    assert!(
        finished.stdout.ends_with("accepted 127.0.0.1: allowed\n"),
        "{}",
        finished.stdout
    );

    let open = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"));
    });
    let guest = spawn(programs::POLICY_ACCEPT, Setup::new(&["127.0.0.2"], open));
    let port: u16 = guest.line_after("listening on ").await.parse().unwrap();
    tokio::task::spawn_blocking(move || {
        let mut peer = connect_from([127, 0, 0, 2], SocketAddr::from(([127, 0, 0, 1], port)));
        peer.write_all(b"open").unwrap();
    })
    .await
    .unwrap();
    let finished = guest.finish().await;
    finished.assert_success();
    assert!(
        finished.stdout.ends_with("accepted 127.0.0.2: open\n"),
        "{}",
        finished.stdout
    );
}

#[tokio::test(flavor = "current_thread")]
async fn policy_listen() {
    let implicit = policy(|p| {
        p.allow_listen(rule("0.0.0.0/0:0"));
    });
    let guest = run(programs::POLICY_LISTEN, Setup::new(&["implicit"], implicit)).await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("listen rules enforced\n"),
        "{}",
        guest.stdout
    );

    let bound = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:0"));
    });
    let guest = run(programs::POLICY_LISTEN, Setup::new(&["bound"], bound)).await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("listen rules enforced\n"),
        "{}",
        guest.stdout
    );
}

/// Send-to and recv-from rules: denied sources are dropped by every
/// receive call, a send-to peer may answer, nothing goes where no rule
/// grants; without recv-from rules every source is allowed.
#[tokio::test(flavor = "current_thread")]
async fn policy_datagrams() {
    let peer = UdpSocket::bind("127.0.0.3:0").unwrap();
    let peer_port = peer.local_addr().unwrap().port();
    let filtered = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:0"))
            .allow_recv_from(rule("127.0.0.1/32:*"))
            .allow_send_to(rule(&format!("127.0.0.3/32:{peer_port}")));
    });
    let guest = spawn(
        programs::POLICY_DATAGRAMS,
        Setup::new(&["filtered", &peer_port.to_string()], filtered),
    );
    let port: u16 = guest.line_after("bound on ").await.parse().unwrap();
    let to = SocketAddr::from(([127, 0, 0, 1], port));
    let peer = tokio::task::spawn_blocking(move || {
        let good = UdpSocket::bind("127.0.0.1:0").unwrap();
        let bad = UdpSocket::bind("127.0.0.2:0").unwrap();
        for round in 1..=3 {
            bad.send_to(format!("denied {round}").as_bytes(), to)
                .unwrap();
            good.send_to(format!("allowed {round}").as_bytes(), to)
                .unwrap();
        }
        peer.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut buffer = [0; 16];
        let (n, from) = peer.recv_from(&mut buffer).unwrap();
        assert_eq!((&buffer[..n], from), (&b"ping"[..], to));
        peer.send_to(b"pong", from).unwrap();
        peer
    })
    .await
    .unwrap();
    let finished = guest.finish().await;
    finished.assert_success();
    assert!(
        finished.stdout.ends_with("datagram rules enforced\n"),
        "{}",
        finished.stdout
    );
    peer.set_nonblocking(true).unwrap();
    assert!(
        peer.recv_from(&mut [0; 16]).is_err(),
        "one datagram reached the peer"
    );

    let open = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:0"));
    });
    let guest = spawn(programs::POLICY_DATAGRAMS, Setup::new(&["open"], open));
    let port: u16 = guest.line_after("bound on ").await.parse().unwrap();
    UdpSocket::bind("127.0.0.2:0")
        .unwrap()
        .send_to(b"open", ("127.0.0.1", port))
        .unwrap();
    let finished = guest.finish().await;
    finished.assert_success();
    assert!(
        finished.stdout.ends_with("every source allowed\n"),
        "{}",
        finished.stdout
    );
}

/// `--loopback-only`, `--unprivileged-ports`, `--allow-privileged-ports`
/// and `--allow-broadcast`, each granted and not.
#[tokio::test(flavor = "current_thread")]
async fn policy_shortcuts() {
    let check = async |args: &[&str], grant: Policy| {
        let guest = run(programs::POLICY_SHORTCUTS, Setup::new(args, grant)).await;
        guest.assert_success();
        assert!(
            guest.stdout.ends_with("shortcut enforced\n"),
            "{}",
            guest.stdout
        );
    };
    let ipv6 = ipv6_available();
    let loopback: &[&str] = if ipv6 {
        &["loopback", "ipv6"]
    } else {
        &["loopback"]
    };
    check(
        loopback,
        policy(|p| {
            p.loopback_only(true);
        }),
    )
    .await;

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    check(
        &["unprivileged", &port],
        policy(|p| {
            p.unprivileged_ports(true);
        }),
    )
    .await;

    let any_port = |privileged: bool| {
        policy(|p| {
            p.allow_bind(rule("127.0.0.1/32:*"))
                .allow_privileged_ports(privileged);
        })
    };
    check(&["privileged", "denied"], any_port(false)).await;
    check(&["privileged", "granted"], any_port(true)).await;

    let broadcast = |granted: bool| {
        policy(|p| {
            p.allow_bind(rule("127.0.0.1/32:0"))
                .allow_connect(rule("0.0.0.0/0:*"))
                .allow_broadcast(granted);
        })
    };
    check(&["broadcast", "denied"], broadcast(false)).await;
    check(&["broadcast", "granted"], broadcast(true)).await;
}

/// Rules by family, by host name and by port range.
#[tokio::test(flavor = "current_thread")]
async fn policy_rule_kinds() {
    for (kind, target) in [
        ("family", "ipv4:{port}"),
        ("name", "localhost:{port}"),
        ("range", "127.0.0.1/32:{port}-{next}"),
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let greeter = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            stream.write_all(b"hello").unwrap();
        });
        let text = target
            .replace("{port}", &port.to_string())
            .replace("{next}", &(port + 1).to_string());
        let grant = policy(|p| {
            p.allow_connect(rule(&text));
        });
        let guest = run(
            programs::POLICY_RULE_KINDS,
            Setup::new(&[kind, &port.to_string()], grant),
        )
        .await;
        guest.assert_success();
        assert!(
            guest.stdout.ends_with("rule kind enforced\n"),
            "{kind}: {}",
            guest.stdout
        );
        greeter.join().unwrap();
    }
}

/// `--allow-unix HOST_DIR::GUEST_DIR`: the guest's paths map onto the host
/// directory, and the addresses it is told are its own.
#[tokio::test(flavor = "current_thread")]
async fn policy_unix_map() {
    let dir = TempDir::new("unix-map");
    let native = UnixListener::bind(dir.path().join("native.sock")).unwrap();
    let greeter = std::thread::spawn(move || {
        let (mut stream, _) = native.accept().unwrap();
        stream.write_all(b"hello").unwrap();
    });
    let native_datagram = UnixDatagram::bind(dir.path().join("native.dgram")).unwrap();
    native_datagram.set_read_timeout(Some(PATIENCE)).unwrap();
    let grant = policy(|p| {
        p.allow_unix(UnixDir::mapped(dir.path(), "/sandbox/run"));
    });
    let host_dir = dir.path().display().to_string();
    let guest = spawn(programs::POLICY_UNIX_MAP, Setup::new(&[&host_dir], grant));
    guest.line_after("listening").await;
    let mut stream = UnixStream::connect(dir.path().join("guest.sock")).unwrap();
    stream.write_all(b"from host").unwrap();
    drop(stream);
    guest.line_after("datagram ready").await;
    let guest_datagram = dir.path().join("guest.dgram");
    let reply = tokio::task::spawn_blocking(move || {
        native_datagram.send_to(b"dgram", guest_datagram).unwrap();
        let mut buffer = [0; 16];
        let n = native_datagram.recv(&mut buffer).unwrap();
        buffer[..n].to_vec()
    })
    .await
    .unwrap();
    assert_eq!(reply, b"reply");
    let finished = guest.finish().await;
    finished.assert_success();
    assert!(finished.stdout.ends_with("mapped\n"), "{}", finished.stdout);
    greeter.join().unwrap();
}

/// `--allow-dns-name PATTERN`: matching names go to the resolver, others
/// are denied.
#[tokio::test(flavor = "current_thread")]
async fn policy_names() {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_string();
    let pattern = format!("{}*", &host[..host.len().saturating_sub(1)]);
    let grant = policy(|p| {
        p.allow_dns_name(pattern.parse().unwrap());
    });
    let guest = run(programs::POLICY_NAMES, Setup::new(&[&host], grant)).await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("names confined\n"),
        "{}",
        guest.stdout
    );
}

/// Every decision reaches the embedder's audit hook, allowed or denied.
#[tokio::test(flavor = "current_thread")]
async fn policy_audit_hook() {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let audited = Policy::default().with_audit(Arc::new(move |event: &AuditEvent| {
        sink.lock().unwrap().push(event.to_string());
    }));
    let guest = run(programs::POLICY_DENIED, Setup::new(&[], audited)).await;
    guest.assert_success();
    let events = events.lock().unwrap();
    for expected in [
        "socket.connect 127.0.0.1:9 denied",
        "socket.bind 127.0.0.1:0 denied",
        "socket.bind [::1]:0 denied",
        "socket.listen 0.0.0.0:0 denied",
        "socket.sendto 127.0.0.1:9 denied",
        "socket.getaddrinfo wasock-test.invalid denied",
        "socket.bind unix:/tmp/wasock-denied.sock denied",
        "socket.connect unix:/tmp/wasock-denied.sock denied",
        "socket.sendto unix:/tmp/wasock-denied.sock denied",
        "socket.bind unix:@wasock-denied denied",
        "socket.getaddrinfo localhost allowed",
        "socket.getaddrinfo 127.1 allowed",
    ] {
        assert!(
            events.iter().any(|event| event == expected),
            "no `{expected}` in {events:#?}"
        );
    }
    assert!(
        !events
            .iter()
            .any(|event| event.ends_with(" allowed") && !event.contains("getaddrinfo")),
        "nothing but lookups was allowed: {events:#?}"
    );
}
