//! One guest's failure stays its own: a trap closes every socket it held
//! while a neighbour keeps serving; forged handles trap only the guest
//! that forged them; malformed arguments fail with the errno Linux gives.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::net::{Ipv6Addr, SocketAddrV6, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::Path;

use wasock_artifacts as programs;
use wasock_e2e::{Setup, TempDir, policy, rule, run};

use super::{assert_echoes, ipv6_available, neighbour};

/// A guest traps holding sockets of every kind: the host and a neighbour
/// keep running, and every port and path it held is closed.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_trap() {
    let (server, port) = neighbour().await;
    let dir = TempDir::new("trap");
    let grant = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_connect(rule("127.0.0.1/32:*"))
            .allow_unix_dir(dir.path())
            .allow_unix_abstract("");
    });
    let dir_arg = dir.path().display().to_string();
    let trapped = run(
        programs::HOSTILE_TRAP,
        Setup::new(&["trap", &dir_arg], grant),
    )
    .await;
    assert_eq!(trapped.code, None, "the guest trapped: {trapped:?}");
    assert!(
        trapped.stdout.contains("holding sockets"),
        "{}",
        trapped.stdout
    );
    let number = |prefix: &str| -> u16 {
        trapped
            .stdout
            .lines()
            .find_map(|line| line.strip_prefix(prefix))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no `{prefix}` in {}", trapped.stdout))
    };
    let (tcp, udp) = (number("listening on "), number("udp on "));
    let refused = TcpStream::connect(("127.0.0.1", tcp)).unwrap_err();
    assert_eq!(
        refused.kind(),
        ErrorKind::ConnectionRefused,
        "port {tcp} is closed"
    );
    UdpSocket::bind(("127.0.0.1", udp)).expect("the UDP port is free again");
    let refused = UnixStream::connect(dir.path().join("trap.sock")).unwrap_err();
    assert_eq!(
        refused.kind(),
        ErrorKind::ConnectionRefused,
        "the Unix listener is closed"
    );
    assert_echoes(port).await;
    server.stop().await;
}

/// A forged, stale or mistyped handle traps the guest that used it; the
/// neighbour keeps serving.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_forged_handle() {
    let (server, port) = neighbour().await;
    for mode in ["forged", "stale", "poller", "dropped-twice"] {
        let guest = run(
            programs::HOSTILE_FORGED_HANDLE,
            Setup::new(&[mode], wasock_host::Policy::default()),
        )
        .await;
        assert_eq!(guest.code, None, "{mode}: the guest trapped: {guest:?}");
        assert!(guest.stdout.contains("calling"), "{mode}: {}", guest.stdout);
        assert!(
            !guest.stdout.contains("survived"),
            "{mode}: {}",
            guest.stdout
        );
        assert_echoes(port).await;
    }
    server.stop().await;
}

/// Malformed arguments give the errno the same call gives natively here.
/// A NUL inside a Unix path is the one deliberate difference: Linux
/// silently stops the path at the NUL, wasock refuses it with `EINVAL`
/// (as Rust's std does), so that the path checked is the path used.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_malformed() {
    let granted = TempDir::new("malformed");
    let ipv6 = ipv6_available();
    let grant = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_connect(rule("127.0.0.1/32:*"))
            .allow_bind(rule("[::1]/128:*"))
            .allow_connect(rule("[::1]/128:*"))
            .allow_bind(rule("[fe80::]/10:*"))
            .allow_connect(rule("[fe80::]/10:*"))
            .allow_unix_dir(granted.path());
    });
    let dir = granted.path().display().to_string();
    let flag = if ipv6 { "ipv6" } else { "no-ipv6" };
    let guest = run(
        programs::HOSTILE_MALFORMED,
        Setup::new(&[&dir, flag], grant),
    )
    .await;
    guest.assert_success();
    assert!(
        guest.stdout.contains("unix-path-nul refused"),
        "{}",
        guest.stdout
    );
    let outcomes: BTreeMap<String, String> = guest
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("outcome "))
        .map(|line| {
            let (name, result) = line.split_once(' ').unwrap();
            (name.to_string(), result.to_string())
        })
        .collect();
    let native = native_outcomes(granted.path(), ipv6);
    assert_eq!(outcomes, native, "wasock's outcomes and the native ones");
    let nul = native_nul_bind(granted.path());
    println!("natively, binding `a\\0b` binds `{nul}`");
}

/// `ok:N` or `errno:N`.
fn outcome<T>(result: std::io::Result<T>, count: impl Fn(&T) -> usize) -> String {
    match result {
        Ok(value) => format!("ok:{}", count(&value)),
        Err(error) => format!("errno:{}", error.raw_os_error().expect("an OS error")),
    }
}

fn none<T>(_: &T) -> usize {
    0
}

/// The native outcome of every case `hostile_malformed` prints.
fn native_outcomes(granted: &Path, ipv6: bool) -> BTreeMap<String, String> {
    let mut outcomes = BTreeMap::new();
    let mut record = |name: &str, text: String| {
        outcomes.insert(name.to_string(), text);
    };
    record(
        "tcp-connect-port-0",
        outcome(TcpStream::connect("127.0.0.1:0"), none),
    );
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    record(
        "udp-send-to-port-0",
        outcome(udp.send_to(b"x", "127.0.0.1:0"), |n| *n),
    );
    record(
        "udp-connect-port-0",
        outcome(
            UdpSocket::bind("127.0.0.1:0")
                .unwrap()
                .connect("127.0.0.1:0"),
            none,
        ),
    );
    record(
        "udp-oversize-v4",
        outcome(udp.send_to(&vec![0; 65508], "127.0.0.1:9"), |n| *n),
    );
    record(
        "udp-largest-v4",
        outcome(udp.send_to(&vec![0; 65507], "127.0.0.1:9"), |n| *n),
    );
    if ipv6 {
        let link_local = |port, scope| {
            SocketAddrV6::new(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1), port, 0, scope)
        };
        record(
            "tcp6-connect-port-0",
            outcome(TcpStream::connect("[::1]:0"), none),
        );
        record(
            "tcp6-connect-bad-scope",
            outcome(TcpStream::connect(link_local(9, 999_999)), none),
        );
        record(
            "tcp6-connect-scope-0",
            outcome(TcpStream::connect(link_local(9, 0)), none),
        );
        record(
            "tcp6-bind-bad-scope",
            outcome(TcpListener::bind(link_local(0, 999_999)), none),
        );
        let udp6 = UdpSocket::bind("[::1]:0").unwrap();
        record(
            "udp-oversize-v6",
            outcome(udp6.send_to(&vec![0; 65528], "[::1]:9"), |n| *n),
        );
        record(
            "udp6-send-to-bad-scope",
            outcome(
                UdpSocket::bind("[::]:0")
                    .unwrap()
                    .send_to(b"x", link_local(9, 999_999)),
                |n| *n,
            ),
        );
    }
    let (a, _b) = UnixDatagram::pair().unwrap();
    record(
        "unix-dgram-oversize",
        outcome(a.send(&vec![0; 300_000]), |n| *n),
    );
    let long = format!("{}/{}", granted.display(), "l".repeat(85));
    record("unix-path-too-long", outcome(raw_unix_bind(&long), none));

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let _server = listener.accept().unwrap();
    record("tcp-send-empty", outcome(raw_send(&client, b""), |n| *n));
    record(
        "tcp-recv-zero",
        outcome(raw_recv(&client, 0, libc::MSG_DONTWAIT), |n| *n),
    );
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = receiver.local_addr().unwrap();
    record("udp-send-empty", outcome(udp.send_to(b"", to), |n| *n));
    record("udp-recv-zero", outcome(raw_recv(&receiver, 0, 0), |n| *n));
    record(
        "udp-recv-after-zero",
        outcome(raw_recv(&receiver, 16, libc::MSG_DONTWAIT), |n| *n),
    );
    udp.send_to(b"payload", to).unwrap();
    let (received, flags) = raw_recv_msg_zero(&receiver);
    record("udp-recv-msg-zero", format!("ok:{received}"));
    record(
        "udp-recv-msg-zero-truncated",
        format!("ok:{}", usize::from(flags & libc::MSG_TRUNC != 0)),
    );
    outcomes
}

/// `bind(2)` of a Unix path given whole to the kernel, however long.
fn raw_unix_bind(path: &str) -> std::io::Result<()> {
    let socket = UnixDatagram::unbound()?;
    // SAFETY: `sockaddr_storage` is plain data; all zeroes is valid.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let bytes = path.as_bytes();
    let header = std::mem::size_of::<libc::sa_family_t>();
    assert!(header + bytes.len() < std::mem::size_of::<libc::sockaddr_storage>());
    // SAFETY: the storage has room for the family and the path (checked).
    unsafe {
        let raw = (&raw mut storage).cast::<u8>();
        (&raw mut storage)
            .cast::<libc::sa_family_t>()
            .write(libc::AF_UNIX as _);
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), raw.add(header), bytes.len());
    }
    let len = (header + bytes.len() + 1) as libc::socklen_t;
    // SAFETY: a valid socket and `len` bytes of initialised address.
    let rc = unsafe { libc::bind(socket.as_raw_fd(), (&raw const storage).cast(), len) };
    if rc < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Natively, bind `a\0b` in `dir` and return the name the kernel made.
fn native_nul_bind(dir: &Path) -> String {
    let path = format!("{}/a\0b", dir.display());
    raw_unix_bind(&path).expect("Linux accepts a NUL inside a path");
    let made: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('a'))
        .collect();
    assert_eq!(made, ["a"], "Linux stops the path at the NUL");
    made[0].clone()
}

/// `send(2)` with `MSG_NOSIGNAL`.
fn raw_send(socket: &impl AsRawFd, data: &[u8]) -> std::io::Result<usize> {
    // SAFETY: a valid socket and buffer.
    let n = unsafe {
        libc::send(
            socket.as_raw_fd(),
            data.as_ptr().cast(),
            data.len(),
            libc::MSG_NOSIGNAL,
        )
    };
    if n < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(n as usize)
}

/// `recv(2)` of at most `len` bytes.
fn raw_recv(socket: &impl AsRawFd, len: usize, flags: i32) -> std::io::Result<usize> {
    let mut buffer = vec![0u8; len];
    // SAFETY: a valid socket and a buffer of `len` bytes.
    let n = unsafe { libc::recv(socket.as_raw_fd(), buffer.as_mut_ptr().cast(), len, flags) };
    if n < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(n as usize)
}

/// `recvmsg(2)` with one empty buffer: the count and `msg_flags`.
fn raw_recv_msg_zero(socket: &impl AsRawFd) -> (usize, i32) {
    let mut iov = libc::iovec {
        iov_base: std::ptr::null_mut(),
        iov_len: 0,
    };
    // SAFETY: `msghdr` is plain data; all zeroes is an empty header.
    let mut header: libc::msghdr = unsafe { std::mem::zeroed() };
    header.msg_iov = &mut iov;
    header.msg_iovlen = 1;
    // SAFETY: a valid socket and header.
    let n = unsafe { libc::recvmsg(socket.as_raw_fd(), &mut header, 0) };
    assert!(n >= 0, "{}", std::io::Error::last_os_error());
    (n as usize, header.msg_flags)
}
