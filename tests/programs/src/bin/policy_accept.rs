//! Accept rules: a peer outside them is dropped (its connection reset)
//! before the guest sees it, and `accept` goes on waiting.
//!
//! `policy_accept EXPECTED`: binds 127.0.0.1:0, prints `listening on PORT`,
//! accepts one connection, reads what the peer sends and prints
//! `accepted IP: MESSAGE`; the peer's address must be EXPECTED. Run with
//! `--allow-accept 127.0.0.1/32:*` the host first connects from 127.0.0.2
//! (dropped), then from 127.0.0.1; run with no accept rule, the first
//! peer, from 127.0.0.2, is accepted.

use std::io::Read;

use wasock::net::TcpListener;
use wasock_test_programs::args;

fn main() {
    let expected: std::net::IpAddr = args()[0].parse().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding is granted");
    println!("listening on {}", listener.local_addr().unwrap().port());
    let (mut stream, peer) = listener.accept().unwrap();
    assert_eq!(peer.ip(), expected, "the first peer the policy accepts");
    let mut message = String::new();
    stream.read_to_string(&mut message).unwrap();
    println!("accepted {}: {message}", peer.ip());
}
