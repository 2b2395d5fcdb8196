//! Asks for 2**31 bytes at a time: the host clamps each receive to the
//! guest's per-call limit before allocating anything.
//!
//! `hostile_giant_recv PORT TOTAL LIMIT`: connects to a native sender on
//! 127.0.0.1:PORT that sends TOTAL bytes and closes, receives it all with
//! `recv`, then asks `recv-from` and `recv-msg` for 2**31 bytes of a UDP
//! datagram. LIMIT is the guest's `max_bytes_per_call`.

use wasock::net::{TcpStream, UdpSocket};
use wasock::socket::{MessageFlags, Socket};
use wasock_test_programs::args;

const GIANT: usize = 1 << 31;

fn main() {
    let args = args();
    let total: usize = args[1].parse().unwrap();
    let limit: usize = args[2].parse().unwrap();
    let stream = Socket::from(TcpStream::connect(format!("127.0.0.1:{}", args[0])).unwrap());
    let (mut received, mut calls, mut largest) = (0, 0, 0);
    loop {
        let data = stream.recv(GIANT).unwrap();
        if data.is_empty() {
            break;
        }
        assert!(
            data.len() <= limit,
            "a receive returned {} bytes",
            data.len()
        );
        assert!(data.iter().all(|&b| b == b'r'));
        received += data.len();
        largest = largest.max(data.len());
        calls += 1;
    }
    assert_eq!(received, total);
    println!("received {received} bytes in {calls} calls, at most {largest} at once");

    let udp = Socket::from(UdpSocket::bind("127.0.0.1:0").unwrap());
    let to = udp.local_addr().unwrap();
    udp.send_to(&[7; 1000], &to).unwrap();
    let (data, _) = udp.recv_from(GIANT).unwrap();
    assert_eq!(data.len(), 1000);
    udp.send_to(&[7; 1000], &to).unwrap();
    let message = udp.recv_msg(GIANT, GIANT, MessageFlags::empty()).unwrap();
    assert_eq!(message.data.len(), 1000);
    println!("giant receives clamped");
}
