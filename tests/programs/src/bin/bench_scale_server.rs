//! The benchmark's scale server: `bench_scale_server HOST PORT` holds many
//! connections at once in one thread, non-blocking, with one poller, and
//! echoes whatever each sends. Prints `listening on PORT`, then serves
//! forever. The host's socket limit must allow the connections.

use std::io::{self, Read, Write};
use std::net::SocketAddr;

use wasock::net::{TcpListener, TcpStream};
use wasock::poll::{Events, Poller, Trigger};
use wasock::socket::{Domain, Socket, Type};
use wasock_test_programs::args;

/// The listener's key; connections use their slot index.
const LISTENER: u64 = u64::MAX;

/// Accepted connections by slot, and the free slots.
#[derive(Default)]
struct Connections {
    slots: Vec<Option<TcpStream>>,
    free: Vec<usize>,
}

impl Connections {
    /// Accept every pending connection and register it with `poller`.
    fn accept_all(&mut self, listener: &TcpListener, poller: &Poller) {
        loop {
            let stream = match listener.accept() {
                Ok((stream, _)) => stream,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) => panic!("accept: {e}"),
            };
            stream.set_nonblocking(true).unwrap();
            let slot = self.free.pop().unwrap_or_else(|| {
                self.slots.push(None);
                self.slots.len() - 1
            });
            poller
                .register(&stream, slot as u64, Events::READABLE, Trigger::Level)
                .unwrap();
            self.slots[slot] = Some(stream);
        }
    }

    /// Echo what the connection in `slot` sent; close it at end of stream
    /// or on an error (closing also leaves the poller).
    fn serve(&mut self, slot: usize, buffer: &mut [u8]) {
        let Some(stream) = &mut self.slots[slot] else {
            return;
        };
        let open = match stream.read(buffer) {
            Ok(0) => false,
            Ok(n) => stream.write_all(&buffer[..n]).is_ok(),
            Err(e) => e.kind() == io::ErrorKind::WouldBlock,
        };
        if !open {
            self.slots[slot] = None;
            self.free.push(slot);
        }
    }
}

fn main() {
    let args = args();
    let address: SocketAddr = format!("{}:{}", args[0], args[1]).parse().unwrap();
    let socket = Socket::new(Domain::for_address(address), Type::STREAM, None).unwrap();
    socket.set_reuse_address(true).unwrap();
    socket.bind(&address.into()).unwrap();
    socket.listen(4096).unwrap();
    let listener = TcpListener::from(socket);
    listener.set_nonblocking(true).unwrap();
    println!("listening on {}", listener.local_addr().unwrap().port());

    let poller = Poller::new().unwrap();
    poller
        .register(&listener, LISTENER, Events::READABLE, Trigger::Level)
        .unwrap();
    let mut connections = Connections::default();
    let mut events = Vec::with_capacity(1024);
    let mut buffer = vec![0; 4096];
    loop {
        poller.wait(&mut events, None).unwrap();
        for &(key, _) in &events {
            if key == LISTENER {
                connections.accept_all(&listener, &poller);
            } else {
                connections.serve(key as usize, &mut buffer);
            }
        }
    }
}
