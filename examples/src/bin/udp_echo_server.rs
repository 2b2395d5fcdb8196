//! UDP echo server: sends every datagram back to where it came from.
//!
//! Usage: `udp_echo_server [host=localhost] [port=10000]`. Port 0 picks a
//! free port; the line `starting up on …` shows the one bound.

use wasock::net::UdpSocket;
use wasock::socket::Type;
use wasock_examples::{OrExit, args, port, py_bytes_repr, py_inet_addr, resolve_ipv4};

fn main() {
    let [host, port_arg] = args(["localhost", "10000"]);
    let server_address = resolve_ipv4(&host, port(&port_arg), Type::DGRAM).or_exit();
    let sock = UdpSocket::bind(server_address).or_exit();
    let bound = sock.local_addr().or_exit();
    println!("starting up on {host} port {}", bound.port());

    loop {
        println!("\nwaiting to receive message");
        let mut buf = [0; 4096];
        let (len, address) = sock.recv_from(&mut buf).or_exit();
        let data = &buf[..len];
        println!("received {len} bytes from {}", py_inet_addr(&address));
        println!("{}", py_bytes_repr(data));

        if !data.is_empty() {
            let sent = sock.send_to(data, address).or_exit();
            println!("sent {sent} bytes back to {}", py_inet_addr(&address));
        }
    }
}
