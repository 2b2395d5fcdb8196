//! TCP echo server bound to every local address (`INADDR_ANY`), printing
//! the address it got.
//!
//! Usage: `inaddr_any_server [port=10000]`. Port 0 picks a free port.

use wasock::net::TcpListener;
use wasock::socket::{Domain, Socket, Type};
use wasock_examples::{OrExit, args, fail, port, resolve_ipv4, serve_echo};

fn main() {
    let [port_arg] = args(["10000"]);
    let server_address = resolve_ipv4("", port(&port_arg), Type::STREAM).or_exit();

    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).or_exit();
    sock.bind(&server_address.into()).or_exit();
    sock.listen(1).or_exit();
    let listener = TcpListener::from(sock);
    let bound = listener.local_addr().or_exit();
    println!("starting up on {} port {}", bound.ip(), bound.port());

    let Err(err) = serve_echo(&listener);
    fail(err);
}
