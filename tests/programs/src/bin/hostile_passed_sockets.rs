//! Sockets passed to a guest without grants (`SCM_RIGHTS`): data on the
//! one already connected flows, because its sender chose to share it;
//! every further network action on them is checked against the receiver's
//! own policy, and denied.
//!
//! `hostile_passed_sockets giver TCP_PORT` (granted connect to TCP_PORT and
//! binding 127.0.0.1) passes a connected TCP socket, an unconnected one
//! and a bound UDP socket over its inherited channel, then waits for
//! `done`. `hostile_passed_sockets taker TCP_PORT UDP_PORT` (no grants)
//! receives them on its inherited channel and tries to use them.

use std::net::SocketAddr;

use wasock::net::{TcpStream, UdpSocket};
use wasock::socket::{Domain, SockAddr, Socket, Type, take_inherited_sockets};
use wasock_test_programs::{args, expect_denied};

fn main() {
    let args = args();
    let tcp: SocketAddr = format!("127.0.0.1:{}", args[1]).parse().unwrap();
    let channel = take_inherited_sockets().unwrap().pop().expect("a channel");
    match args[0].as_str() {
        "giver" => {
            let connected = Socket::from(TcpStream::connect(tcp).unwrap());
            let unconnected = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
            let udp = Socket::from(UdpSocket::bind("127.0.0.1:0").unwrap());
            channel
                .send_with_sockets(b"take", &[&connected, &unconnected, &udp])
                .unwrap();
            assert_eq!(channel.recv(16).unwrap(), b"done");
            println!("given");
        }
        "taker" => {
            let udp_peer: SocketAddr = format!("127.0.0.1:{}", args[2]).parse().unwrap();
            let (data, sockets) = channel.recv_with_sockets(16, 3).unwrap();
            assert_eq!(data, b"take");
            let [connected, unconnected, udp] = <[Socket; 3]>::try_from(sockets).unwrap();
            connected
                .send_all(b"from the taker")
                .expect("a connection its sender shared carries data");
            expect_denied("connect", unconnected.connect(&tcp.into()));
            expect_denied("bind", unconnected.bind(&SockAddr::from(tcp)));
            expect_denied("listen", unconnected.listen(8));
            expect_denied("send-to", udp.send_to(b"leak", &udp_peer.into()));
            expect_denied("connect a datagram socket", udp.connect(&udp_peer.into()));
            channel.send_all(b"done").unwrap();
            println!("taker confined");
        }
        other => panic!("unknown role {other}"),
    }
}
