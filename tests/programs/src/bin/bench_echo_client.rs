//! The benchmark's client on wasock sockets:
//! `bench_echo_client WORKLOAD ADDRESS COUNT` runs one workload of
//! `wasock_test_programs::bench` against the echo server at `ADDRESS`
//! (`COUNT` is bytes for `bulk`, operations otherwise) and prints its
//! `result` line. `bench_std_echo_client` is the same program on `std::net`.

use std::io;

use wasock::net::{TcpStream, UdpSocket};
use wasock_test_programs::args;
use wasock_test_programs::bench::{self, Measured, Workload};

fn connect(address: &str) -> io::Result<TcpStream> {
    let stream = TcpStream::connect(address)?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

fn run(workload: Workload, address: &str, count: usize) -> io::Result<Measured> {
    match workload {
        Workload::Bulk => bench::bulk(&mut connect(address)?, count),
        Workload::PingPong(size) => bench::ping_pong(&mut connect(address)?, size, count),
        Workload::Connect => bench::connections(count, || connect(address)),
        Workload::Udp => {
            let socket = UdpSocket::bind("127.0.0.1:0")?;
            socket.connect(address)?;
            bench::datagrams(count, |request, reply| {
                socket.send(request)?;
                socket.recv(reply)
            })
        }
    }
}

fn main() {
    let args = args();
    let workload = Workload::parse(&args[0]).expect("a workload name");
    let count = args[2].parse().expect("a count");
    println!("{}", run(workload, &args[1], count).unwrap());
}
