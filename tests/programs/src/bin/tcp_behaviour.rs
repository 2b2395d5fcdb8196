//! TCP semantics beyond the echo: `connect_ex` (non-blocking connect, then
//! poll and `SO_ERROR`), `shutdown` of each direction, `MSG_NOSIGNAL`,
//! urgent data, and the listen backlog. Run with `--allow-bind
//! 127.0.0.1/32:* --allow-connect 127.0.0.1/32:*`.

use std::net::Shutdown;
use std::time::Duration;

use wasock::ErrorCode;
use wasock::net::TcpListener;
use wasock::poll::{Events, PollFd, poll};
use wasock::socket::{Domain, MessageFlags, SockAddr, Socket, Type};
use wasock_test_programs::{code, expect_code};

fn main() {
    connect_ex();
    shutdown_directions();
    no_signal();
    urgent_data();
    backlog();
    println!("tcp behaviour ok");
}

fn listener() -> (Socket, SockAddr) {
    let listener = Socket::from(TcpListener::bind("127.0.0.1:0").unwrap());
    let address = listener.local_addr().unwrap();
    (listener, address)
}

/// Non-blocking connect: in-progress, then writable, then `SO_ERROR` says how.
fn connect_ex() {
    let (listener, address) = listener();
    let client = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    client.set_nonblocking(true).unwrap();
    match client.connect(&address) {
        Ok(()) => {}
        Err(error) => assert_eq!(code(&error), ErrorCode::InProgress, "{error}"),
    }
    let mut fds = [PollFd::new(&client, Events::WRITABLE)];
    assert_eq!(poll(&mut fds, Some(Duration::from_secs(10))).unwrap(), 1);
    assert!(
        client.take_error().unwrap().is_none(),
        "the connect succeeded"
    );
    assert_eq!(client.peer_addr().unwrap().as_inet(), address.as_inet());
    drop(listener);

    let refused = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    refused.set_nonblocking(true).unwrap();
    let closed_port = address;
    if let Err(error) = refused.connect(&closed_port) {
        assert!(
            matches!(
                code(&error),
                ErrorCode::InProgress | ErrorCode::ConnectionRefused
            ),
            "{error}"
        );
    }
    let mut fds = [PollFd::new(&refused, Events::WRITABLE)];
    poll(&mut fds, Some(Duration::from_secs(10))).unwrap();
    let pending = refused.take_error().unwrap().expect("a pending error");
    assert_eq!(code(&pending), ErrorCode::ConnectionRefused);
}

fn connected_pair() -> (Socket, Socket) {
    let (listener, address) = listener();
    let client = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect(&address).unwrap();
    let (server, _) = listener.accept().unwrap();
    (client, server)
}

fn shutdown_directions() {
    let (client, server) = connected_pair();
    client.shutdown(Shutdown::Read).unwrap();
    assert!(
        client.recv(16).unwrap().is_empty(),
        "after shutdown(read) reads see end of stream"
    );
    client.shutdown(Shutdown::Write).unwrap();
    assert!(
        server.recv(16).unwrap().is_empty(),
        "the peer sees end of stream"
    );
    expect_code(
        "send after shutdown(write)",
        client.send(b"x"),
        ErrorCode::BrokenPipe,
    );

    let (client, server) = connected_pair();
    client.shutdown(Shutdown::Both).unwrap();
    assert!(server.recv(16).unwrap().is_empty());
    expect_code(
        "send after shutdown(both)",
        client.send(b"x"),
        ErrorCode::BrokenPipe,
    );
    let (unix_a, unix_b) = Socket::pair(Domain::UNIX, Type::SEQPACKET, None).unwrap();
    unix_a.shutdown(Shutdown::Write).unwrap();
    assert!(
        unix_b.recv(16).unwrap().is_empty(),
        "seqpacket shutdown(write) ends the peer's reads"
    );
    expect_code(
        "not connected",
        Socket::new(Domain::IPV4, Type::STREAM, None)
            .unwrap()
            .shutdown(Shutdown::Both),
        ErrorCode::NotConnected,
    );
}

/// Writing to a closed peer fails with EPIPE (or ECONNRESET) and never
/// raises a signal.
fn no_signal() {
    let (client, server) = connected_pair();
    drop(server);
    let mut last = None;
    for _ in 0..50 {
        match client.send(&[0; 1024]) {
            Ok(_) => std::thread::sleep(Duration::from_millis(10)),
            Err(error) => {
                last = Some(code(&error));
                break;
            }
        }
    }
    assert!(
        matches!(
            last,
            Some(ErrorCode::BrokenPipe | ErrorCode::ConnectionReset)
        ),
        "{last:?}"
    );
}

/// `MSG_OOB` carries one urgent byte, announced by `priority` readiness.
fn urgent_data() {
    let (client, server) = connected_pair();
    client
        .send_with_flags(b"!", MessageFlags::OUT_OF_BAND)
        .unwrap();
    let mut fds = [PollFd::new(&server, Events::PRIORITY)];
    assert_eq!(poll(&mut fds, Some(Duration::from_secs(10))).unwrap(), 1);
    assert!(fds[0].revents().contains(Events::PRIORITY));
    assert_eq!(
        server
            .recv_with_flags(1, MessageFlags::OUT_OF_BAND)
            .unwrap(),
        b"!"
    );
}

/// `listen(1)` lets the kernel complete two connections (backlog + 1);
/// further ones stay in progress until the server accepts.
fn backlog() {
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener
        .bind(&SockAddr::Inet("127.0.0.1:0".parse().unwrap()))
        .unwrap();
    listener.listen(1).unwrap();
    let address = listener.local_addr().unwrap();
    let clients: Vec<Socket> = (0..6)
        .map(|_| {
            let client = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
            client.set_nonblocking(true).unwrap();
            let _ = client.connect(&address);
            client
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut fds: Vec<PollFd> = clients
        .iter()
        .map(|c| PollFd::new(c, Events::WRITABLE))
        .collect();
    let connected = poll(&mut fds, Some(Duration::ZERO)).unwrap();
    assert_eq!(connected, 2, "a backlog of 1 admits two connections");
}
