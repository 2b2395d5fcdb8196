//! An echo server for many clients at once on one poller: non-blocking
//! sockets, level-triggered, writes that do not fit wait for `WRITABLE`.
//!
//! `hostile_client_flood`: prints `listening on PORT` (127.0.0.1) and
//! serves until the host stops it.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};

use wasock::net::{TcpListener, TcpStream};
use wasock::poll::{Events, Poller, Trigger};

/// The listener's key; connections get keys from 1 on.
const LISTENER: u64 = 0;

/// A client connection and the echo it still owes.
struct Client {
    stream: TcpStream,
    owed: Vec<u8>,
}

fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let poller = Poller::new().unwrap();
    poller
        .register(&listener, LISTENER, Events::READABLE, Trigger::Level)
        .unwrap();
    println!("listening on {}", listener.local_addr().unwrap().port());
    let mut clients: HashMap<u64, Client> = HashMap::new();
    let mut next_key = 1;
    let mut buffer = vec![0; 64 * 1024];
    let mut events = Vec::with_capacity(1024);
    loop {
        poller.wait(&mut events, None).unwrap();
        for &(key, ready) in &events {
            if key == LISTENER {
                while let Ok((stream, _)) = listener.accept() {
                    stream.set_nonblocking(true).unwrap();
                    poller
                        .register(&stream, next_key, Events::READABLE, Trigger::Level)
                        .unwrap();
                    clients.insert(
                        next_key,
                        Client {
                            stream,
                            owed: Vec::new(),
                        },
                    );
                    next_key += 1;
                }
                continue;
            }
            let Some(client) = clients.get_mut(&key) else {
                continue;
            };
            let open = if ready.contains(Events::WRITABLE) {
                flush(client)
            } else {
                echo(client, &mut buffer)
            };
            match open {
                Some(wants_write) => {
                    let interest = if wants_write {
                        Events::WRITABLE
                    } else {
                        Events::READABLE
                    };
                    poller
                        .reregister(&client.stream, key, interest, Trigger::Level)
                        .unwrap();
                }
                None => {
                    clients.remove(&key);
                }
            }
        }
    }
}

/// Read what arrived and echo it; `None` once the client is gone, else
/// whether an echo is still owed.
fn echo(client: &mut Client, buffer: &mut [u8]) -> Option<bool> {
    match client.stream.read(buffer) {
        Ok(0) => None,
        Ok(n) => {
            client.owed.extend_from_slice(&buffer[..n]);
            flush(client)
        }
        Err(error) if error.kind() == ErrorKind::WouldBlock => Some(false),
        Err(_) => None,
    }
}

/// Write what is owed; as [`echo`].
fn flush(client: &mut Client) -> Option<bool> {
    while !client.owed.is_empty() {
        match client.stream.write(&client.owed) {
            Ok(n) => {
                client.owed.drain(..n);
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => return Some(true),
            Err(_) => return None,
        }
    }
    Some(false)
}
