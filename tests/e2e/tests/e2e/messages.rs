//! `send-msg`/`recv-msg` and descriptor passing: within a guest, from a
//! native process to a guest, and from guest to guest.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::Arc;

use wasock_artifacts as programs;
use wasock_e2e::{Setup, TempDir, policy, rule, run, spawn};
use wasock_host::Policy;

use crate::assert_test_exists;

wasock_artifacts::foreach_socket!(assert_test_exists);

#[tokio::test(flavor = "current_thread")]
async fn socket_pair_dup() {
    let guest = run(
        programs::SOCKET_PAIR_DUP,
        Setup::new(&[], Policy::default()),
    )
    .await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("pairs ok\n"), "{}", guest.stdout);
}

#[tokio::test(flavor = "current_thread")]
async fn socket_protocol() {
    let guest = run(
        programs::SOCKET_PROTOCOL,
        Setup::new(&[], Policy::default()),
    )
    .await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("protocols ok\n"), "{}", guest.stdout);
}

/// Raw and ICMP sockets: denied by default; when granted, created or
/// refused by the kernel (never by the policy).
#[tokio::test(flavor = "current_thread")]
async fn socket_raw_icmp() {
    let denied = run(
        programs::SOCKET_RAW_ICMP,
        Setup::new(&["denied"], Policy::default()),
    )
    .await;
    denied.assert_success();
    let grant = policy(|p| {
        p.allow_raw(true).allow_icmp(true);
    });
    let granted = run(programs::SOCKET_RAW_ICMP, Setup::new(&["granted"], grant)).await;
    granted.assert_success();
    assert!(
        granted.stdout.ends_with("raw and icmp ok\n"),
        "{}",
        granted.stdout
    );
}

#[tokio::test(flavor = "current_thread")]
async fn socket_send_flags() {
    let loopback = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_connect(rule("127.0.0.1/32:*"));
    });
    let guest = run(programs::SOCKET_SEND_FLAGS, Setup::new(&[], loopback)).await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("send flags ok\n"),
        "{}",
        guest.stdout
    );
}

/// Credentials, timestamps, packet info, TOS and the error queue, checked
/// against this process's own PID, UID and GID.
#[tokio::test(flavor = "current_thread")]
async fn socket_ancillary() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name)).unwrap();
        line.split_whitespace().nth(1).unwrap().to_string()
    };
    let (uid, gid) = (field("Uid:"), field("Gid:"));
    let pid = std::process::id().to_string();
    let ipv6 = std::net::UdpSocket::bind("[::1]:0").is_ok();
    let mut args = vec![pid.as_str(), uid.as_str(), gid.as_str()];
    if ipv6 {
        args.push("ipv6");
    }
    let grants = policy(|p| {
        for network in ["127.0.0.1/32:*", "[::1]/128:*"] {
            p.allow_bind(rule(network)).allow_connect(rule(network));
        }
        // SO_PASSCRED on an unnamed datagram socket: Linux autobinds it
        // on its next send.
        p.allow_unix_abstract("");
    });
    let guest = run(programs::SOCKET_ANCILLARY, Setup::new(&args, grants)).await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("ancillary ok\n"), "{}", guest.stdout);
}

/// A setup whose guest inherits `socket`.
fn inheriting(args: &[&str], policy: Policy, socket: UnixStream) -> Setup {
    let mut setup = Setup::new(args, policy);
    setup
        .inherited_sockets
        .push(Arc::new(OwnedFd::from(socket)));
    setup
}

#[tokio::test(flavor = "current_thread")]
async fn socket_msg() {
    let loopback = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_connect(rule("127.0.0.1/32:*"));
    });
    let guest = run(programs::SOCKET_MSG, Setup::new(&[], loopback)).await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("messages ok\n"), "{}", guest.stdout);
}

/// Inherited sockets bound inside and outside the granted directory: the
/// guest sees the granted one by its guest name and the other unnamed,
/// never a host path; sockets beyond the quota are not taken.
#[tokio::test(flavor = "current_thread")]
async fn socket_inherited_names() {
    let place = TempDir::new("inherited-names");
    let (granted, outside) = (place.path().join("granted"), place.path().join("outside"));
    std::fs::create_dir_all(&granted).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let named = UnixListener::bind(granted.join("named.sock")).unwrap();
    let hidden = UnixListener::bind(outside.join("hidden.sock")).unwrap();
    let _client = UnixStream::connect(outside.join("hidden.sock")).unwrap();
    let (accepted, _) = hidden.accept().unwrap();
    let grant = policy(|p| {
        p.allow_unix(format!("{}::/sandbox", granted.display()).parse().unwrap());
    });
    let mut setup = Setup::new(&[], grant);
    setup.inherited_sockets = vec![
        Arc::new(OwnedFd::from(named)),
        Arc::new(OwnedFd::from(accepted)),
    ];
    let over_quota = Setup {
        limits: wasock_host::Limits {
            max_sockets: 1,
            ..wasock_host::Limits::default()
        },
        inherited_sockets: setup.inherited_sockets.clone(),
        ..Setup::new(&[], Policy::default())
    };
    let refused = run(programs::SOCKET_INHERITED_NAMES, over_quota).await;
    refused.assert_success();
    assert!(
        refused.stdout.starts_with("none taken: ")
            && refused.stdout.contains("limit of 1 open sockets"),
        "two inherited sockets do not fit a quota of one: {}",
        refused.stdout
    );
    let guest = run(programs::SOCKET_INHERITED_NAMES, setup).await;
    guest.assert_success();
    let lines: Vec<&str> = guest.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", guest.stdout);
    assert!(
        lines[0].starts_with("local Unix(\"/sandbox/named.sock\" (pathname)), no peer"),
        "{}",
        guest.stdout
    );
    assert_eq!(
        lines[1], "local Unix((unnamed)), peer Unix((unnamed))",
        "a host path outside the grant reads as unnamed"
    );
    assert!(!guest.stdout.contains(&place.text()), "{}", guest.stdout);
}

/// A native process passes a connected socket and a pipe; the guest keeps
/// the socket and echoes on it, and the host closes the pipe: afterwards no
/// reader of the pipe is left anywhere.
#[tokio::test(flavor = "current_thread")]
async fn socket_receive_rights() {
    let (native_end, guest_end) = UnixStream::pair().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (served, _) = listener.accept().unwrap();
    let (pipe_read, pipe_write) = pipe();
    send_fds(
        &native_end,
        b"fds",
        &[served.as_raw_fd(), pipe_read.as_raw_fd()],
    );
    drop((served, pipe_read));

    let guest = spawn(
        programs::SOCKET_RECEIVE_RIGHTS,
        inheriting(&[], Policy::default(), guest_end),
    );
    let echoed = tokio::task::spawn_blocking(move || {
        client.set_read_timeout(Some(wasock_e2e::PATIENCE)).unwrap();
        client.write_all(b"ping").unwrap();
        let mut echoed = [0; 4];
        client.read_exact(&mut echoed).unwrap();
        echoed
    })
    .await
    .unwrap();
    assert_eq!(&echoed, b"ping");
    let finished = guest.finish().await;
    finished.assert_success();
    assert_eq!(
        finished.stdout,
        "received 1 socket, closed 1 other descriptor\n"
    );
    let mut writer = std::fs::File::from(pipe_write);
    let error = writer.write_all(b"x").unwrap_err();
    assert_eq!(
        error.raw_os_error(),
        Some(libc::EPIPE),
        "the host closed the pipe it received"
    );
}

/// One guest passes a connected TCP socket to another over a socket pair;
/// the receiver echoes on it and the native peer sees the echo.
#[tokio::test(flavor = "current_thread")]
async fn socket_pass() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sender_end, echoer_end) = UnixStream::pair().unwrap();
    let grant = policy(|p| {
        p.allow_connect(rule(&format!("127.0.0.1/32:{port}")));
    });
    let echoer = spawn(
        programs::SOCKET_PASS,
        inheriting(&["echo"], Policy::default(), echoer_end),
    );
    let sender = run(
        programs::SOCKET_PASS,
        inheriting(&["send", &port.to_string()], grant, sender_end),
    )
    .await;
    sender.assert_success();
    let echoed = tokio::task::spawn_blocking(move || {
        let (mut peer, _) = listener.accept().unwrap();
        peer.set_read_timeout(Some(wasock_e2e::PATIENCE)).unwrap();
        peer.write_all(b"hello across guests").unwrap();
        let mut echoed = vec![0; 19];
        peer.read_exact(&mut echoed).unwrap();
        echoed
    })
    .await
    .unwrap();
    assert_eq!(echoed, b"hello across guests");
    let finished = echoer.finish().await;
    finished.assert_success();
    assert!(
        finished
            .stdout
            .starts_with("echoed 19 bytes to 127.0.0.1\n"),
        "{}",
        finished.stdout
    );
}

/// `pipe2(2)` with close-on-exec.
/// A socket the guest could not make itself (MPTCP) is closed by the host
/// when it is passed to the guest, like a descriptor that is no socket.
#[tokio::test(flavor = "current_thread")]
async fn socket_receive_rights_of_unmakeable_sockets() {
    const IPPROTO_MPTCP: i32 = 262;
    let mptcp = match socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::STREAM,
        Some(IPPROTO_MPTCP.into()),
    ) {
        Ok(socket) => socket,
        Err(error) => {
            println!("skipped: this kernel makes no MPTCP socket ({error})");
            return;
        }
    };
    let (native_end, guest_end) = UnixStream::pair().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (served, _) = listener.accept().unwrap();
    send_fds(
        &native_end,
        b"fds",
        &[served.as_raw_fd(), mptcp.as_raw_fd()],
    );
    drop((served, mptcp));
    let guest = spawn(
        programs::SOCKET_RECEIVE_RIGHTS,
        inheriting(&[], Policy::default(), guest_end),
    );
    tokio::task::spawn_blocking(move || {
        client.set_read_timeout(Some(wasock_e2e::PATIENCE)).unwrap();
        client.write_all(b"ping").unwrap();
        let mut echoed = [0; 4];
        client.read_exact(&mut echoed).unwrap();
    })
    .await
    .unwrap();
    let finished = guest.finish().await;
    finished.assert_success();
    assert_eq!(
        finished.stdout,
        "received 1 socket, closed 1 other descriptor\n"
    );
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: pipe2 returned two new descriptors owned by nobody else.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

/// `sendmsg(2)` of `data` with `fds` as `SCM_RIGHTS`, natively.
fn send_fds(socket: &UnixStream, data: &[u8], fds: &[RawFd]) {
    let payload = std::mem::size_of_val(fds);
    // SAFETY: CMSG_SPACE only computes a size.
    let space = unsafe { libc::CMSG_SPACE(payload as u32) } as usize;
    let mut control = vec![0u64; space.div_ceil(8)];
    let mut iov = libc::iovec {
        iov_base: data.as_ptr() as *mut _,
        iov_len: data.len(),
    };
    // SAFETY: plain data; the pointers below refer to live buffers.
    let mut header: libc::msghdr = unsafe { std::mem::zeroed() };
    header.msg_iov = &mut iov;
    header.msg_iovlen = 1;
    header.msg_control = control.as_mut_ptr().cast();
    header.msg_controllen = space;
    // SAFETY: the control buffer holds one message of `payload` bytes.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&header);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(payload as u32) as usize;
        std::ptr::copy_nonoverlapping(fds.as_ptr().cast::<u8>(), libc::CMSG_DATA(cmsg), payload);
        assert_eq!(
            libc::sendmsg(socket.as_raw_fd(), &header, 0),
            data.len() as isize
        );
    }
}
