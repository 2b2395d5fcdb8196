//! Sends its whole memory again and again: `send-all` of MIB mebibytes,
//! ROUNDS times, to a native sink that checks every byte. The host copies
//! at most its in-flight limit of it at a time. A datagram or a `send` of
//! the same size is bounded by the per-call limit.
//!
//! `hostile_giant_send PORT MIB ROUNDS`: prints `allocated`, waits for one
//! byte from the sink, sends, and prints `sent`.

use std::io::Read;

use wasock::ErrorCode;
use wasock::net::TcpStream;
use wasock::socket::{Domain, MessageFlags, Socket, Type};
use wasock_test_programs::{args, expect_code};

fn main() {
    let args = args();
    let size: usize = args[1].parse::<usize>().unwrap() << 20;
    let rounds: usize = args[2].parse().unwrap();
    let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    // `send_msg` copies its parts in this guest's memory: make room for the
    // copy now, so that the measured window sees only the host's copies.
    drop(std::hint::black_box(data.clone()));
    let mut stream = TcpStream::connect(format!("127.0.0.1:{}", args[0])).unwrap();
    println!("allocated");
    let mut go = [0];
    stream.read_exact(&mut go).unwrap();
    let socket = Socket::from(stream);
    for _ in 0..rounds {
        socket.send_all(&data).unwrap();
    }
    println!("sent");

    let (a, _b) = Socket::pair(Domain::UNIX, Type::DGRAM, None).unwrap();
    expect_code("a giant datagram", a.send(&data), ErrorCode::MessageTooLong);
    expect_code(
        "a giant datagram in pieces",
        a.send_msg(
            &[&data[..size / 2], &data[size / 2..]],
            &[],
            MessageFlags::empty(),
            None,
        ),
        ErrorCode::MessageTooLong,
    );
    expect_code(
        "a giant send-all datagram",
        a.send_all(&data),
        ErrorCode::MessageTooLong,
    );
    let many: Vec<&[u8]> = vec![&data[..1]; 1025];
    expect_code(
        "more buffers than UIO_MAXIOV",
        a.send_msg(&many, &[], MessageFlags::empty(), None),
        ErrorCode::MessageTooLong,
    );
    println!("giant sends bounded");
}
