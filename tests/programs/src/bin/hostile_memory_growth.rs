//! Grows linear memory past the guest's memory limit: the allocation is
//! refused inside the guest, which keeps running and can still allocate
//! and use what fits.
//!
//! `hostile_memory_growth LIMIT`, run with `max_memory_bytes` LIMIT.

use wasock::net::UdpSocket;
use wasock_test_programs::args;

fn main() {
    let limit: usize = args()[0].parse().unwrap();
    let mut giant: Vec<u8> = Vec::new();
    assert!(
        giant.try_reserve_exact(limit).is_err(),
        "reserving the whole limit on top of what is in use is refused"
    );
    let mut steps = Vec::new();
    let step = limit / 16;
    loop {
        let mut block: Vec<u8> = Vec::new();
        if block.try_reserve_exact(step).is_err() {
            break;
        }
        block.resize(step, 0xa5);
        steps.push(block);
        assert!(steps.len() <= 16, "grew past the limit of {limit} bytes");
    }
    println!("{} of {} blocks of {step} bytes fit", steps.len(), 16);
    assert!(!steps.is_empty(), "memory below the limit can be used");
    steps.clear();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .send_to(b"still here", socket.local_addr().unwrap())
        .unwrap();
    let mut buffer = [0; 16];
    let (n, _) = socket.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"still here");
    println!("memory bounded");
}
