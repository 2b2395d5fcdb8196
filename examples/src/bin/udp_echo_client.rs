//! UDP echo client: sends the message in one datagram and prints the reply.
//!
//! Usage: `udp_echo_client [host=localhost] [port=10000]`.

use std::io;

use wasock::net::UdpSocket;
use wasock::socket::{Domain, Socket, Type};
use wasock_examples::{MESSAGE, OrExit, args, port, py_bytes_repr, resolve_ipv4};

fn main() {
    let [host, port_arg] = args(["localhost", "10000"]);
    let port = port(&port_arg);
    // Unbound, like Python's socket: the first send binds it.
    let sock = Socket::new(Domain::IPV4, Type::DGRAM, None)
        .map(UdpSocket::from)
        .or_exit();

    let result = exchange(&sock, &host, port);
    println!("closing socket");
    drop(sock);
    result.or_exit();
}

fn exchange(sock: &UdpSocket, host: &str, port: u16) -> io::Result<()> {
    println!("sending {}", py_bytes_repr(MESSAGE));
    sock.send_to(MESSAGE, resolve_ipv4(host, port, Type::DGRAM)?)?;

    println!("waiting to receive");
    let mut buf = [0; 4096];
    let (len, _server) = sock.recv_from(&mut buf)?;
    println!("received {}", py_bytes_repr(&buf[..len]));
    Ok(())
}
