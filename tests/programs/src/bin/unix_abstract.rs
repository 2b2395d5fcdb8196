//! Unix sockets in Linux's abstract namespace, granted by prefix.
//! Arguments: PREFIX (granted), and optionally NATIVE, the abstract name of
//! a native listener that greets with `hello`.

use std::io::{Read, Write};

use wasock::ErrorCode;
use wasock::socket::{Domain, Socket, Type};
use wasock::unix::{SocketAddr, UnixDatagram, UnixListener, UnixStream};
use wasock_test_programs::{args, expect_code, expect_denied};

fn name(text: &str) -> SocketAddr {
    SocketAddr::from_abstract_name(text.as_bytes()).unwrap()
}

fn main() {
    let args = args();
    let prefix = &args[0];
    let server_name = format!("{prefix}server");

    let listener = UnixListener::bind_addr(&name(&server_name)).unwrap();
    assert_eq!(
        listener.local_addr().unwrap().as_abstract_name(),
        Some(server_name.as_bytes())
    );
    let mut client = UnixStream::connect_addr(&name(&server_name)).unwrap();
    let (mut server, peer) = listener.accept().unwrap();
    assert!(peer.is_unnamed(), "an unbound client is unnamed");
    assert_eq!(
        client.peer_addr().unwrap().as_abstract_name(),
        Some(server_name.as_bytes())
    );
    client.write_all(b"abstract").unwrap();
    let mut buffer = [0; 8];
    server.read_exact(&mut buffer).unwrap();
    assert_eq!(&buffer, b"abstract");

    let (a_name, b_name) = (format!("{prefix}dgram-a"), format!("{prefix}dgram-b"));
    let a = UnixDatagram::bind_addr(&name(&a_name)).unwrap();
    let b = UnixDatagram::bind_addr(&name(&b_name)).unwrap();
    a.send_to_addr(b"hi", &name(&b_name)).unwrap();
    let mut datagram = [0; 4];
    let (n, from) = b.recv_from(&mut datagram).unwrap();
    assert_eq!(&datagram[..n], b"hi");
    assert_eq!(
        from.as_abstract_name(),
        Some(a_name.as_bytes()),
        "the source is reported by name"
    );

    expect_denied(
        "bind outside the prefix",
        UnixListener::bind_addr(&name("not-granted")),
    );
    expect_denied(
        "connect outside the prefix",
        UnixStream::connect_addr(&name("not-granted")),
    );
    let unbound = Socket::new(Domain::UNIX, Type::STREAM, None).unwrap();
    expect_code(
        "listen unbound",
        unbound.listen(1),
        ErrorCode::InvalidArgument,
    );

    if let Some(native) = args.get(1) {
        let mut stream = UnixStream::connect_addr(&name(native)).unwrap();
        let mut greeting = String::new();
        stream.read_to_string(&mut greeting).unwrap();
        assert_eq!(greeting, "hello");
    }
    println!("abstract ok");
}
