//! A guest that dies holding sockets of every kind: TCP (listening and a
//! connected pair), UDP, Unix stream, datagram and sequenced-packet
//! sockets (abstract autobind), socket pairs of each type, a duplicate and
//! a poller with all of them registered.
//!
//! `hostile_trap MODE [DIR]`: with DIR, also a Unix listener at `DIR/trap.sock`.
//! Prints `listening on PORT` (TCP) and `udp on PORT`, then by MODE: `exit`
//! returns, `fail` exits with 1, `trap` panics (a trap), `block` waits in
//! `accept` until the host drops it.

use wasock::net::{TcpListener, TcpStream, UdpSocket};
use wasock::poll::{Events, Poller, Trigger};
use wasock::socket::{Domain, SockAddr, Socket, Type};
use wasock::unix::{SocketAddr as UnixAddr, UnixListener};
use wasock_test_programs::args;

fn main() {
    let args = args();
    let mode = args[0].as_str();
    let mut held: Vec<Socket> = Vec::new();

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (accepted, _) = listener.accept().unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    println!("listening on {port}");
    println!("udp on {}", udp.local_addr().unwrap().port());

    for ty in [Type::STREAM, Type::DGRAM, Type::SEQPACKET] {
        let socket = Socket::new(Domain::UNIX, ty, None).unwrap();
        socket
            .bind(&SockAddr::from(UnixAddr::from_abstract_name(b"").unwrap()))
            .unwrap();
        if ty != Type::DGRAM {
            socket.listen(8).unwrap();
        }
        held.push(socket);
        let (a, b) = Socket::pair(Domain::UNIX, ty, None).unwrap();
        held.extend([a, b]);
    }
    let path_listener = args
        .get(1)
        .map(|dir| UnixListener::bind(format!("{dir}/trap.sock")).unwrap());
    held.push(held[0].try_clone().unwrap());

    let poller = Poller::new().unwrap();
    for (key, socket) in held.iter().enumerate() {
        poller
            .register(socket, key as u64, Events::READABLE, Trigger::Level)
            .unwrap();
    }
    poller
        .register(&listener, 100, Events::READABLE, Trigger::Edge)
        .unwrap();
    println!("holding sockets");

    match mode {
        "exit" => {}
        "fail" => std::process::exit(1),
        "trap" => panic!("trapping with every socket open"),
        "block" => {
            println!("blocking");
            let _ = listener.accept();
        }
        other => panic!("unknown mode {other}"),
    }
    drop((client, accepted, path_listener));
}
