//! TCP echo client: sends the message and prints the echo as it arrives.
//!
//! Usage: `tcp_echo_client [host=localhost] [port=10000]`.

use wasock::net::TcpStream;
use wasock::socket::Type;
use wasock_examples::{OrExit, args, echo_client, port, resolve_ipv4};

fn main() {
    let [host, port_arg] = args(["localhost", "10000"]);
    let port = port(&port_arg);
    println!("connecting to {host} port {port}");
    let sock = resolve_ipv4(&host, port, Type::STREAM)
        .and_then(TcpStream::connect)
        .or_exit();

    let result = echo_client(&sock);
    println!("closing socket");
    drop(sock);
    result.or_exit();
}
