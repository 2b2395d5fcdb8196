//! TCP echo server bound to the address given on the command line.
//!
//! Usage: `explicit_address_server HOST [port=10000]`. Port 0 picks a free
//! port; the line `starting up on …` shows the one bound.

use wasock::net::TcpListener;
use wasock::socket::{Domain, Socket, Type};
use wasock_examples::{OrExit, fail, port, resolve_ipv4, serve_echo};

fn main() {
    let mut args = std::env::args().skip(1);
    let server_name = args
        .next()
        .unwrap_or_else(|| fail("usage: explicit_address_server HOST [PORT]"));
    let port = port(&args.next().unwrap_or_else(|| "10000".into()));
    let server_address = resolve_ipv4(&server_name, port, Type::STREAM).or_exit();

    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).or_exit();
    sock.bind(&server_address.into()).or_exit();
    sock.listen(1).or_exit();
    let listener = TcpListener::from(sock);
    let bound = listener.local_addr().or_exit();
    println!("starting up on {server_name} port {}", bound.port());

    let Err(err) = serve_echo(&listener);
    fail(err);
}
