//! The classic echo programs over TCP, UDP and Unix sockets: guest server
//! with native client, native server with guest client, and guest with
//! guest in one host process.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;

use wasock_artifacts as programs;
use wasock_e2e::{Setup, TempDir, policy, rule, run, spawn};
use wasock_host::runner::Preopen;

const MESSAGE: &[u8] = b"This is the message.  It will be repeated.";

/// What every stream echo client prints after connecting.
fn client_transcript(first_line: &str) -> String {
    format!(
        "{first_line}\nsending b'This is the message.  It will be repeated.'\nreceived b'This is the mess'\n\
         received b'age.  It will be'\nreceived b' repeated.'\nclosing socket\n"
    )
}

/// A native stream client: send the message, read the echo back.
fn native_exchange(mut stream: impl Read + Write) -> Vec<u8> {
    stream.write_all(MESSAGE).unwrap();
    let mut echoed = vec![0; MESSAGE.len()];
    stream.read_exact(&mut echoed).unwrap();
    echoed
}

/// A native stream echo server for one connection, reading 16 bytes at a time.
pub(crate) fn native_echo(mut stream: impl Read + Write) {
    let mut buffer = [0; 16];
    loop {
        let n = stream.read(&mut buffer).unwrap();
        if n == 0 {
            return;
        }
        stream.write_all(&buffer[..n]).unwrap();
    }
}

fn loopback_any_port() -> wasock_host::Policy {
    policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_connect(rule("127.0.0.1/32:*"));
    })
}

#[tokio::test(flavor = "current_thread")]
async fn tcp_guest_server_native_client() {
    let server = spawn(
        programs::TCP_ECHO_SERVER,
        Setup::new(&["127.0.0.1", "0"], loopback_any_port()),
    );
    let port = server.port().await;
    let (echoed, client) = tokio::task::spawn_blocking(move || {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let client = stream.local_addr().unwrap();
        (native_exchange(stream), client)
    })
    .await
    .unwrap();
    assert_eq!(echoed, MESSAGE);
    server.line_after("no data from").await;
    let transcript = server.stop().await;
    let peer = format!("('127.0.0.1', {})", client.port());
    assert_eq!(
        transcript,
        format!(
            "starting up on 127.0.0.1 port {port}\nwaiting for a connection\nconnection from {peer}\n\
             received b'This is the mess'\nsending data back to the client\n\
             received b'age.  It will be'\nsending data back to the client\n\
             received b' repeated.'\nsending data back to the client\n\
             received b''\nno data from {peer}\nwaiting for a connection\n"
        )
    );
}

#[tokio::test(flavor = "current_thread")]
async fn tcp_native_server_guest_client() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || native_echo(listener.accept().unwrap().0));
    let granted = policy(|p| {
        p.allow_connect(rule(&format!("127.0.0.1/32:{port}")));
    });
    let client = run(
        programs::TCP_ECHO_CLIENT,
        Setup::new(&["127.0.0.1", &port.to_string()], granted),
    )
    .await;
    client.assert_success();
    assert_eq!(
        client.stdout,
        client_transcript(&format!("connecting to 127.0.0.1 port {port}"))
    );
    server.join().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn tcp_guest_server_guest_client() {
    let server = spawn(
        programs::TCP_ECHO_SERVER,
        Setup::new(&["127.0.0.1", "0"], loopback_any_port()),
    );
    let port = server.port().await.to_string();
    let client = run(
        programs::TCP_ECHO_CLIENT,
        Setup::new(&["127.0.0.1", &port], loopback_any_port()),
    )
    .await;
    client.assert_success();
    assert_eq!(
        client.stdout,
        client_transcript(&format!("connecting to 127.0.0.1 port {port}"))
    );
    server.line_after("no data from").await;
    server.stop().await;
}

#[tokio::test(flavor = "current_thread")]
async fn easy_client_names_its_socket() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || native_echo(listener.accept().unwrap().0));
    let client = run(
        programs::EASY_CLIENT,
        Setup::new(&["127.0.0.1", &port.to_string()], loopback_any_port()),
    )
    .await;
    client.assert_success();
    assert!(
        client
            .stdout
            .starts_with("Family  : AF_INET\nType    : SOCK_STREAM\nProtocol: IPPROTO_TCP\n\n"),
        "{}",
        client.stdout
    );
    assert!(
        client.stdout.contains("received b' repeated.'\n"),
        "{}",
        client.stdout
    );
    server.join().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn udp_guest_server_native_client() {
    let server = spawn(
        programs::UDP_ECHO_SERVER,
        Setup::new(&["127.0.0.1", "0"], loopback_any_port()),
    );
    let port = server.port().await;
    let (echoed, client) = tokio::task::spawn_blocking(move || {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.send_to(MESSAGE, ("127.0.0.1", port)).unwrap();
        let mut buffer = [0; 4096];
        socket.set_read_timeout(Some(wasock_e2e::PATIENCE)).unwrap();
        let (n, from) = socket.recv_from(&mut buffer).unwrap();
        assert_eq!(from.port(), port);
        (buffer[..n].to_vec(), socket.local_addr().unwrap())
    })
    .await
    .unwrap();
    assert_eq!(echoed, MESSAGE);
    server.line_after("sent 42 bytes").await;
    let transcript = server.stop().await;
    let peer = format!("('127.0.0.1', {})", client.port());
    assert!(
        transcript.starts_with(&format!(
            "starting up on 127.0.0.1 port {port}\n\nwaiting to receive message\nreceived 42 bytes from {peer}\n\
             b'This is the message.  It will be repeated.'\nsent 42 bytes back to {peer}\n"
        )),
        "{transcript}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn udp_native_server_guest_client() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let mut buffer = [0; 4096];
        let (n, from) = socket.recv_from(&mut buffer).unwrap();
        socket.send_to(&buffer[..n], from).unwrap();
    });
    let granted = policy(|p| {
        p.allow_connect(rule(&format!("127.0.0.1/32:{port}")));
    });
    let client = run(
        programs::UDP_ECHO_CLIENT,
        Setup::new(&["127.0.0.1", &port.to_string()], granted),
    )
    .await;
    client.assert_success();
    assert_eq!(
        client.stdout,
        "sending b'This is the message.  It will be repeated.'\nwaiting to receive\n\
         received b'This is the message.  It will be repeated.'\nclosing socket\n"
    );
    server.join().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn udp_guest_server_guest_client() {
    let server = spawn(
        programs::UDP_ECHO_SERVER,
        Setup::new(&["127.0.0.1", "0"], loopback_any_port()),
    );
    let port = server.port().await.to_string();
    let client = run(
        programs::UDP_ECHO_CLIENT,
        Setup::new(&["127.0.0.1", &port], loopback_any_port()),
    )
    .await;
    client.assert_success();
    assert!(
        client
            .stdout
            .contains("received b'This is the message.  It will be repeated.'\n"),
        "{}",
        client.stdout
    );
    server.stop().await;
}

/// A setup for a Unix echo program at `dir/uds_socket`, with the directory
/// granted (and preopened, so the server can remove a stale socket file).
fn unix_setup(dir: &Path) -> Setup {
    let path = dir.join("uds_socket").display().to_string();
    let mut setup = Setup::new(
        &[&path],
        policy(|p| {
            p.allow_unix_dir(dir);
        }),
    );
    setup.preopens.push(Preopen {
        host: dir.into(),
        guest: dir.display().to_string(),
    });
    setup
}

#[tokio::test(flavor = "current_thread")]
async fn unix_guest_server_native_client() {
    let dir = TempDir::new("unix-server");
    let path = dir.path().join("uds_socket");
    std::fs::write(&path, b"stale").unwrap();
    let server = spawn(programs::UDS_ECHO_SERVER, unix_setup(dir.path()));
    server.line_after("waiting for a connection").await;
    let socket_path = path.clone();
    let echoed = tokio::task::spawn_blocking(move || {
        native_exchange(UnixStream::connect(socket_path).unwrap())
    })
    .await
    .unwrap();
    assert_eq!(echoed, MESSAGE);
    server.line_after("no data from").await;
    let transcript = server.stop().await;
    assert_eq!(
        transcript,
        format!(
            "starting up on {}\nwaiting for a connection\nconnection from \n\
             received b'This is the mess'\nsending data back to the client\n\
             received b'age.  It will be'\nsending data back to the client\n\
             received b' repeated.'\nsending data back to the client\n\
             received b''\nno data from \nwaiting for a connection\n",
            path.display()
        )
    );
}

#[tokio::test(flavor = "current_thread")]
async fn unix_native_server_guest_client() {
    let dir = TempDir::new("unix-client");
    let path = dir.path().join("uds_socket");
    let listener = UnixListener::bind(&path).unwrap();
    let server = std::thread::spawn(move || native_echo(listener.accept().unwrap().0));
    let client = run(programs::UDS_ECHO_CLIENT, unix_setup(dir.path())).await;
    client.assert_success();
    assert_eq!(
        client.stdout,
        client_transcript(&format!("connecting to {}", path.display()))
    );
    server.join().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn unix_guest_server_guest_client() {
    let dir = TempDir::new("unix-both");
    let server = spawn(programs::UDS_ECHO_SERVER, unix_setup(dir.path()));
    server.line_after("waiting for a connection").await;
    let client = run(programs::UDS_ECHO_CLIENT, unix_setup(dir.path())).await;
    client.assert_success();
    assert!(
        client
            .stdout
            .ends_with("received b' repeated.'\nclosing socket\n"),
        "{}",
        client.stdout
    );
    server.stop().await;
}

#[tokio::test(flavor = "current_thread")]
async fn unix_client_reports_a_missing_socket() {
    let dir = TempDir::new("unix-missing");
    let client = run(programs::UDS_ECHO_CLIENT, unix_setup(dir.path())).await;
    assert_eq!(client.code, Some(1));
    assert!(
        client
            .stdout
            .ends_with("[Errno 2] No such file or directory\n"),
        "{}",
        client.stdout
    );
}

/// Guests blocked in `accept` hold no host thread: on a single-threaded
/// runtime, a third guest is still served.
#[tokio::test(flavor = "current_thread")]
async fn blocked_guests_do_not_block_the_host() {
    let idle: Vec<_> = (0..2)
        .map(|_| {
            spawn(
                programs::TCP_ECHO_SERVER,
                Setup::new(&["127.0.0.1", "0"], loopback_any_port()),
            )
        })
        .collect();
    for guest in &idle {
        guest.line_after("waiting for a connection").await;
    }
    let served = spawn(
        programs::TCP_ECHO_SERVER,
        Setup::new(&["127.0.0.1", "0"], loopback_any_port()),
    );
    let port = served.port().await;
    let echoed = tokio::task::spawn_blocking(move || {
        native_exchange(TcpStream::connect(("127.0.0.1", port)).unwrap())
    })
    .await
    .unwrap();
    assert_eq!(echoed, MESSAGE);
    for guest in idle {
        assert!(
            !guest.stdout().contains("connection from"),
            "the idle servers saw nobody"
        );
        guest.stop().await;
    }
    served.stop().await;
}

#[tokio::test(flavor = "current_thread")]
async fn getaddrinfo_lists_localhost() {
    let lookup = run(
        programs::GETADDRINFO,
        Setup::new(&["localhost", "http"], wasock_host::Policy::default()),
    )
    .await;
    lookup.assert_success();
    assert!(
        lookup.stdout.contains(
            "Family        : AF_INET\nType          : SOCK_STREAM\nProtocol      : IPPROTO_TCP\n"
        ),
        "{}",
        lookup.stdout
    );
    assert!(
        lookup
            .stdout
            .contains("Socket address: ('127.0.0.1', 80)\n"),
        "{}",
        lookup.stdout
    );

    let with_dns = policy(|p| {
        p.allow_dns(true);
    });
    let lookup = run(
        programs::GETADDRINFO,
        Setup::new(&["localhost", "http"], with_dns),
    )
    .await;
    lookup.assert_success();
    let native: Vec<std::net::SocketAddr> =
        std::net::ToSocketAddrs::to_socket_addrs("localhost:80")
            .unwrap()
            .collect();
    for address in native {
        let shown = match address {
            std::net::SocketAddr::V4(v4) => format!("('{}', 80)", v4.ip()),
            std::net::SocketAddr::V6(v6) => format!("('{}', 80, 0, {})", v6.ip(), v6.scope_id()),
        };
        assert!(
            lookup.stdout.contains(&shown),
            "native {shown} missing from\n{}",
            lookup.stdout
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn socketpair_example() {
    let pair = run(
        programs::SOCKETPAIR,
        Setup::new(&[], wasock_host::Policy::default()),
    )
    .await;
    pair.assert_success();
    assert_eq!(
        pair.stdout,
        "in parent, sending message\nin child, waiting for message\nmessage from parent: b'ping'\n\
         response from child: b'pong'\n"
    );
}
