//! TCP echo client connecting to the host given on the command line.
//!
//! Usage: `explicit_address_client HOST [port=10000]`.

use wasock::net::TcpStream;
use wasock::socket::Type;
use wasock_examples::{OrExit, echo_client, fail, port, resolve_ipv4};

fn main() {
    let mut args = std::env::args().skip(1);
    let host = args
        .next()
        .unwrap_or_else(|| fail("usage: explicit_address_client HOST [PORT]"));
    let port = port(&args.next().unwrap_or_else(|| "10000".into()));
    println!("connecting to {host} port {port}");
    let sock = resolve_ipv4(&host, port, Type::STREAM)
        .and_then(TcpStream::connect)
        .or_exit();

    let result = echo_client(&sock);
    drop(sock);
    result.or_exit();
}
