//! Sockets an embedder hands to a Python guest: the script finds them as
//! descriptors 3, 4, … and adopts them with `socket.socket(fileno=…)`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::sync::Arc;

use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasock_host::python::Script;
use wasock_host::runner::{GuestConfig, Output, Runner};

use crate::harness::{TempDir, component, warm_up};

const SCRIPT: &str = "\
import socket
listener = socket.socket(fileno=3)
print(listener.family.name, listener.type.name, listener.getsockname()[0])
connection, address = listener.accept()
print('received', connection.recv(100))
connection.sendall(b'goodbye')
connection.close()
";

#[test]
fn inherited_listener_is_descriptor_3() {
    let Some(component) = component() else { return };
    warm_up(component);
    let dir = TempDir::new("inherited");
    let path = dir.path().join("inherited.py");
    std::fs::write(&path, SCRIPT).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let stdout = MemoryOutputPipe::new(1 << 16);
    let stderr = MemoryOutputPipe::new(1 << 16);
    let config = Script::read(&path).unwrap().configure(
        &[],
        GuestConfig {
            inherited_sockets: vec![Arc::new(OwnedFd::from(listener))],
            stdout: Output::Capture(stdout.clone()),
            stderr: Output::Capture(stderr.clone()),
            ..GuestConfig::default()
        },
    );
    let client = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.write_all(b"hello").unwrap();
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).unwrap();
        reply
    });
    let runner = Runner::new(Some(
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-cache"),
    ))
    .unwrap();
    let loaded = runner.load(component.as_ref()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let code = runtime.block_on(runner.run(&loaded, config)).unwrap();
    let text = |pipe: &MemoryOutputPipe| String::from_utf8_lossy(&pipe.contents()).into_owned();
    assert_eq!(code, 0, "{}", text(&stderr));
    assert_eq!(
        text(&stdout),
        "AF_INET SOCK_STREAM 127.0.0.1\nreceived b'hello'\n"
    );
    assert_eq!(client.join().unwrap(), b"goodbye");
}
