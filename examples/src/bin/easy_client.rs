//! TCP echo client built on the `create_connection` equivalent,
//! [`TcpStream::connect`]: it tries each address of the host in turn. It
//! first prints the family, type and protocol of the socket it got.
//!
//! Usage: `easy_client [host=localhost] [port=10000]`.

use wasock::net::TcpStream;
use wasock::socket::AsSocket;
use wasock_examples::{OrExit, args, echo_client, family_name, port, protocol_name, type_name};

fn main() {
    let [host, port_arg] = args(["localhost", "10000"]);
    let sock = TcpStream::connect((host.as_str(), port(&port_arg))).or_exit();

    let socket = sock.as_socket();
    println!("Family  : {}", family_name(socket.family()));
    println!("Type    : {}", type_name(socket.socket_type()));
    println!("Protocol: {}", protocol_name(socket.proto()));
    println!();

    let result = echo_client(&sock);
    println!("closing socket");
    drop(sock);
    result.or_exit();
}
