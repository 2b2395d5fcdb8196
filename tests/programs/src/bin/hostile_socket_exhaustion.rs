//! Exhausting the socket quota every way a socket can be made (a
//! listener's accept queue holds places too): `socket`,
//! `accept`, `socketpair`, `dup` and `create-poller` all fail with
//! `too-many-open-files` at the limit, and closing a socket gives its
//! place back.
//!
//! `hostile_socket_exhaustion LIMIT`, run with `max_sockets` LIMIT and
//! loopback grants.

use wasock::ErrorCode;
use wasock::net::{TcpListener, TcpStream};
use wasock::poll::Poller;
use wasock::socket::{Domain, Socket, Type};
use wasock_test_programs::{args, expect_code};

fn fill(held: &mut Vec<Socket>) -> usize {
    let mut made = 0;
    loop {
        match Socket::new(Domain::IPV4, Type::DGRAM, None) {
            Ok(socket) => {
                held.push(socket);
                made += 1;
            }
            Err(error) => {
                expect_code(
                    "socket at the limit",
                    Err::<(), _>(error),
                    ErrorCode::TooManyOpenFiles,
                );
                return made;
            }
        }
    }
}

fn main() {
    let limit: usize = args()[0].parse().unwrap();
    // A backlog of 0 queues one connection, which takes a place too.
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let loopback: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
    socket.bind(&loopback.into()).unwrap();
    socket.listen(0).unwrap();
    let listener = TcpListener::from(socket);
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let mut held = Vec::new();
    assert_eq!(
        fill(&mut held) + 3,
        limit,
        "exactly LIMIT sockets fit, the accept queue's included"
    );

    expect_code(
        "accept at the limit",
        listener.accept(),
        ErrorCode::TooManyOpenFiles,
    );
    expect_code(
        "dup at the limit",
        held[0].try_clone(),
        ErrorCode::TooManyOpenFiles,
    );
    expect_code(
        "poller at the limit",
        Poller::new(),
        ErrorCode::TooManyOpenFiles,
    );
    held.pop();
    expect_code(
        "socketpair with one place left",
        Socket::pair(Domain::UNIX, Type::STREAM, None),
        ErrorCode::TooManyOpenFiles,
    );
    let (accepted, _) = listener
        .accept()
        .expect("the waiting connection is accepted once there is room");
    expect_code(
        "socket after the accept",
        Socket::new(Domain::IPV4, Type::DGRAM, None),
        ErrorCode::TooManyOpenFiles,
    );
    held[0].close().unwrap();
    Socket::new(Domain::IPV4, Type::DGRAM, None).expect("a closed socket gives its place back");

    drop((held, accepted, client));
    let mut again = Vec::new();
    assert_eq!(
        fill(&mut again) + 2,
        limit,
        "dropping gives every place back"
    );
    println!("quota held");
}
