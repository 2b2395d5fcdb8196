//! TCP echo server: answers each client with what it sent, 16 bytes at a
//! time.
//!
//! Usage: `tcp_echo_server [host=localhost] [port=10000]`. Port 0 picks a
//! free port; the line `starting up on …` shows the one bound.

use wasock::net::TcpListener;
use wasock::socket::{Domain, Socket, Type};
use wasock_examples::{OrExit, args, echo_connection, port, py_inet_addr, resolve_ipv4};

fn main() {
    let [host, port_arg] = args(["localhost", "10000"]);
    let server_address = resolve_ipv4(&host, port(&port_arg), Type::STREAM).or_exit();

    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).or_exit();
    sock.bind(&server_address.into()).or_exit();
    sock.listen(1).or_exit();
    let listener = TcpListener::from(sock);
    let bound = listener.local_addr().or_exit();
    println!("starting up on {host} port {}", bound.port());

    loop {
        println!("waiting for a connection");
        let (connection, client_address) = listener.accept().or_exit();
        let client = py_inet_addr(&client_address);
        println!("connection from {client}");
        let result = echo_connection(&connection, &client);
        drop(connection);
        result.or_exit();
    }
}
