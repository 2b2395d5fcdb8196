//! Reading bytes the kernel never wrote. With `truncate` (`MSG_TRUNC`) on a
//! stream socket Linux discards the data and returns its length without
//! writing the buffer; a host that hands the guest that many bytes of its
//! receive buffer leaks whatever the buffer held before: another socket's
//! data, or host memory.
//!
//! Before each attack the host's receive buffer is filled with a secret (a
//! receive of `S` bytes on a socket pair); every byte the guest then gets
//! must be one its peer sent (`x`) or zero. `recv`, `recv-from`,
//! `recv-msg`, `MSG_WAITALL` and peeks are tried on TCP and Unix streams,
//! and a truncated datagram must still hold only its own bytes.
//!
//! `hostile_stale_bytes`, run with loopback grants.

use std::net::SocketAddr;

use wasock::socket::{Domain, MessageFlags, SockAddr, Socket, Type};

/// The secret another socket received just before each attack.
const SECRET: u8 = b'S';
/// What the attacked socket's peer sends.
const PAYLOAD: u8 = b'x';

/// Fill the host's receive buffer with the secret: a receive of the
/// secret's bytes on a socket pair of its own.
fn prime(secret: &(Socket, Socket)) {
    let bytes = vec![SECRET; 3000];
    secret.0.send_all(&bytes).unwrap();
    let received = secret.1.recv(bytes.len()).unwrap();
    assert_eq!(received, bytes, "the secret arrives whole");
}

/// Every byte is one the kernel wrote for the guest, or zero.
fn assert_clean(what: &str, data: &[u8]) {
    let stale = data.iter().filter(|&&b| b != PAYLOAD && b != 0).count();
    assert_eq!(
        stale,
        0,
        "{what}: {stale} of {} bytes were not written for the guest (first: {:?})",
        data.len(),
        &data[..data.len().min(16)]
    );
    println!(
        "{what}: {} bytes, all written for the guest or zero",
        data.len()
    );
}

/// A connected pair of stream sockets of `domain`: (sender, receiver).
fn stream_pair(domain: Domain) -> (Socket, Socket) {
    if domain == Domain::UNIX {
        return Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
    }
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    listener.bind(&SockAddr::from(any)).unwrap();
    listener.listen(1).unwrap();
    let client = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    client.connect(&listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    (client, server)
}

/// Every truncating receive on a stream of `domain` returns only clean bytes.
fn attack_stream(name: &str, domain: Domain, secret: &(Socket, Socket)) {
    let (sender, receiver) = stream_pair(domain);
    let truncate = MessageFlags::TRUNCATE;
    let calls: [(&str, &dyn Fn() -> Vec<u8>); 5] = [
        ("recv", &|| {
            receiver.recv_with_flags(65536, truncate).unwrap()
        }),
        ("recv-from", &|| {
            receiver.recv_from_with_flags(65536, truncate).unwrap().0
        }),
        ("recv-msg", &|| {
            receiver.recv_msg(65536, 256, truncate).unwrap().data
        }),
        ("recv wait-all", &|| {
            receiver
                .recv_with_flags(100, truncate | MessageFlags::WAIT_ALL)
                .unwrap()
        }),
        ("recv peek", &|| {
            let peeked = receiver
                .recv_with_flags(65536, truncate | MessageFlags::PEEK)
                .unwrap();
            receiver.recv(65536).unwrap();
            peeked
        }),
    ];
    for (call, receive) in calls {
        prime(secret);
        sender.send_all(&[PAYLOAD; 100]).unwrap();
        assert_clean(&format!("{name} {call} truncate"), &receive());
    }
}

fn main() {
    let secret = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
    attack_stream("tcp", Domain::IPV4, &secret);
    attack_stream("unix", Domain::UNIX, &secret);

    let (a, b) = Socket::pair(Domain::UNIX, Type::DGRAM, None).unwrap();
    prime(&secret);
    a.send(&[PAYLOAD; 100]).unwrap();
    let data = b.recv_with_flags(10, MessageFlags::TRUNCATE).unwrap();
    assert_eq!(
        data, [PAYLOAD; 10],
        "a truncated datagram holds its own bytes"
    );
    println!("no stale bytes");
}
