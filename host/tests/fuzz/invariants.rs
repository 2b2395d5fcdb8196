//! What the fuzz test checks after every step, beyond "no panic, no hang":
//!
//! - every byte a receive hands over on a socket the fuzzer filled is one
//!   the fuzzer sent ([`ALPHABET`]) or zero, while the host's receive
//!   buffers and freed heap hold [`POISON`] ([`Poison`]);
//! - the sockets alive in the kernel, and the socket-buffer memory of the
//!   sockets the process holds, stay within the guest's quotas
//!   ([`Census`]), counted in a network namespace of the test's own
//!   ([`private_network`]) so that sockets kept alive without a descriptor
//!   (in flight in `SCM_RIGHTS` messages, queued for `accept`) count too;
//! - no call holds the thread ([`watch`]).

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use wasmtime::component::{Resource, ResourceTable};
use wasock_host::bindings::socket;
use wasock_host::bindings::types::{AddressFamily, MessageFlags, SocketType};
use wasock_host::core::HostSocket;
use wasock_host::{Policy, SocketsCtx, SocketsCtxView};

/// The bytes every payload the fuzzer sends is made of.
pub const ALPHABET: std::ops::RangeInclusive<u8> = b'a'..=b'z';

/// The byte the host's buffers are filled with before a receive.
pub const POISON: u8 = 0xEE;

/// How long the kernel may take to release the sockets a step closed
/// (a loopback connection's teardown) before the census fails.
const RELEASE_GRACE: Duration = Duration::from_secs(1);

/// Panic unless every byte of `data` is in [`ALPHABET`] or zero: a byte
/// the fuzzer never sent is host memory handed to the guest.
pub fn assert_sent_bytes(what: &str, data: &[u8]) {
    if let Some(at) = data.iter().position(|b| *b != 0 && !ALPHABET.contains(b)) {
        let end = data.len().min(at + 16);
        panic!(
            "{what} returned {} bytes, and byte {at} is {:#04x} ({:02x?}…): \
             a byte the kernel did not write (the host's buffer holds {POISON:#04x})",
            data.len(),
            data[at],
            &data[at..end]
        );
    }
}

/// Panic if `data`, written by the kernel (an ancillary payload), holds a
/// run of [`POISON`] bytes no kernel structure has.
pub fn assert_no_poison_run(what: &str, data: &[u8]) {
    if data.windows(8).any(|w| w.iter().all(|b| *b == POISON)) {
        panic!("{what} holds a run of {POISON:#04x}: host bytes, not the kernel's: {data:02x?}");
    }
}

/// A Unix stream pair outside the fuzzed pool, in a context of its own,
/// that only ever carries [`POISON`]. Receiving through the host leaves
/// poison in its kept receive buffer (a small receive) and in freed heap
/// (a large one, whose buffer is handed over and then dropped).
pub struct Poison {
    ctx: SocketsCtx,
    table: ResourceTable,
    pair: (u32, u32),
}

impl Poison {
    /// A connected pair, in blocking mode.
    pub async fn new() -> Poison {
        let mut ctx = SocketsCtx::new(Policy::default());
        let mut table = ResourceTable::new();
        let mut view = SocketsCtxView {
            ctx: &mut ctx,
            table: &mut table,
        };
        let (a, b) =
            socket::Host::socketpair(&mut view, AddressFamily::Unix, SocketType::Stream, 0)
                .await
                .expect("the poison pair");
        Poison {
            ctx,
            table,
            pair: (a.rep(), b.rep()),
        }
    }

    fn view(&mut self) -> SocketsCtxView<'_> {
        SocketsCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }

    /// Leave poison in the host's buffers: a large receive, whose buffer
    /// is freed, then one small enough for the host to keep its buffer.
    pub async fn spread(&mut self) {
        for len in [65536, 4095] {
            self.pass(len).await;
        }
    }

    /// Send `len` poison bytes one way and receive them all through the
    /// host.
    async fn pass(&mut self, len: usize) {
        let (a, b) = self.pair;
        socket::HostSocket::send_all(
            &mut self.view(),
            Resource::new_borrow(a),
            vec![POISON; len],
            MessageFlags::empty(),
        )
        .await
        .expect("poison is sent");
        let mut received = 0;
        while received < len {
            let data = socket::HostSocket::recv(
                &mut self.view(),
                Resource::new_borrow(b),
                (len - received) as u64,
                MessageFlags::empty(),
            )
            .await
            .expect("poison is received");
            assert!(!data.is_empty() && data.iter().all(|b| *b == POISON));
            received += data.len();
        }
    }

    /// Close the pair.
    pub async fn close(mut self) {
        let (a, b) = self.pair;
        for rep in [a, b] {
            socket::HostSocket::drop(&mut self.view(), Resource::<HostSocket>::new_own(rep))
                .await
                .unwrap();
        }
    }
}

/// Move the calling thread into a network namespace of its own with the
/// loopback interface up; false (and the test goes on in the host's
/// namespace) when the kernel refuses (no `CAP_SYS_ADMIN`). Threads and
/// processes the thread starts later (the runtime's blocking pool) join it.
pub fn private_network() -> bool {
    // SAFETY: `unshare` takes no pointers; `CLONE_NEWNET` affects only the
    // calling thread, which owns no socket yet.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        println!(
            "no private network namespace ({}): kernel sockets are not counted",
            std::io::Error::last_os_error()
        );
        return false;
    }
    loopback_up().expect("the loopback interface of the new namespace comes up");
    true
}

/// `ip link set lo up` in the calling thread's namespace.
fn loopback_up() -> std::io::Result<()> {
    let control = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None)?;
    let fd = std::os::fd::AsRawFd::as_raw_fd(&control);
    // SAFETY: `ifreq` is plain data, valid when zeroed.
    let mut request: libc::ifreq = unsafe { std::mem::zeroed() };
    for (to, from) in request.ifr_name.iter_mut().zip(b"lo") {
        *to = *from as libc::c_char;
    }
    // SAFETY: `fd` is an open socket for the whole block; both requests
    // read and write only the `ifreq` they are given, which outlives them.
    unsafe {
        if libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut request) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        request.ifr_ifru.ifru_flags |= (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
        if libc::ioctl(fd, libc::SIOCSIFFLAGS, &request) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// The sockets the fuzzed guest keeps alive, beyond those alive when the
/// census was taken.
pub struct Census {
    /// The socket inodes open in the process at the start.
    held_before: BTreeSet<u64>,
    /// `sockets: used` of the namespace at the start; none when it is
    /// shared with the rest of the machine.
    kernel_before: Option<usize>,
}

/// One count of what is alive.
struct Count {
    /// Sockets the process holds a descriptor of (distinct sockets).
    held: usize,
    /// Their send and receive buffer sizes, as the kernel reports them.
    buffer_bytes: usize,
    /// The largest of them: `SO_SNDBUF` and `SO_RCVBUF`.
    largest_buffers: (usize, usize),
    /// Sockets alive in the namespace, with or without a descriptor.
    kernel: Option<usize>,
}

impl Census {
    /// Count what is alive now; later counts are of what was added.
    pub fn new(private: bool) -> Census {
        Census {
            held_before: socket_inodes()
                .into_iter()
                .map(|(inode, _)| inode)
                .collect(),
            kernel_before: private.then(kernel_sockets),
        }
    }

    /// What the fuzzed guest added.
    fn count(&self) -> Count {
        let added: Vec<(u64, i32)> = socket_inodes()
            .into_iter()
            .filter(|(inode, _)| !self.held_before.contains(inode))
            .collect();
        let buffers: Vec<(usize, usize)> = added.iter().map(|(_, fd)| buffer_sizes(*fd)).collect();
        Count {
            held: added.len(),
            buffer_bytes: buffers.iter().map(|(send, receive)| send + receive).sum(),
            largest_buffers: buffers
                .iter()
                .copied()
                .max_by_key(|(send, receive)| send + receive)
                .unwrap_or_default(),
            kernel: self
                .kernel_before
                .map(|before| kernel_sockets().saturating_sub(before)),
        }
    }

    /// Panic unless the guest keeps at most `max_sockets` sockets alive,
    /// with and without descriptors, and its sockets' buffers fit in
    /// `max_buffer_bytes`. Sockets a step just closed may take the
    /// kernel [`RELEASE_GRACE`] to go.
    pub async fn assert_within(&self, max_sockets: usize, max_buffer_bytes: usize, what: &str) {
        let started = Instant::now();
        loop {
            let count = self.count();
            let within = count.held <= max_sockets
                && count.buffer_bytes <= max_buffer_bytes
                && count.kernel.is_none_or(|kernel| kernel <= max_sockets);
            if within {
                return;
            }
            let kernel = count.kernel.map_or("not counted".into(), |n| n.to_string());
            assert!(
                started.elapsed() < RELEASE_GRACE,
                "after {what}: the guest keeps {} sockets with descriptors and {kernel} in \
                 the kernel alive, their buffers {} bytes (the largest: {:?} to send and \
                 receive), beyond its quota of {max_sockets} sockets and {max_buffer_bytes} \
                 buffer bytes",
                count.held,
                count.buffer_bytes,
                count.largest_buffers,
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// The process's socket descriptors: one `(inode, descriptor)` per socket.
fn socket_inodes() -> Vec<(u64, i32)> {
    let mut sockets: Vec<(u64, i32)> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let fd = entry.file_name().to_str()?.parse().ok()?;
            let target = std::fs::read_link(entry.path()).ok()?;
            let inode = target
                .to_str()?
                .strip_prefix("socket:[")?
                .strip_suffix(']')?
                .parse()
                .ok()?;
            Some((inode, fd))
        })
        .collect();
    sockets.sort_unstable();
    sockets.dedup_by_key(|(inode, _)| *inode);
    sockets
}

/// `SO_SNDBUF` and `SO_RCVBUF` of the socket `fd`; 0 if it was closed.
fn buffer_sizes(fd: i32) -> (usize, usize) {
    let size = |option| {
        let mut value: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: `value` and `len` outlive the call and describe an
        // `int`; a descriptor closed since it was listed is `EBADF`.
        let status = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                option,
                (&raw mut value).cast(),
                &mut len,
            )
        };
        if status == 0 {
            value.max(0) as usize
        } else {
            0
        }
    };
    (size(libc::SO_SNDBUF), size(libc::SO_RCVBUF))
}

/// `sockets: used` of the calling thread's network namespace: every
/// socket alive in it, whether or not a descriptor names it.
fn kernel_sockets() -> usize {
    let stat = std::fs::read_to_string("/proc/thread-self/net/sockstat").unwrap();
    stat.lines()
        .find_map(|line| line.strip_prefix("sockets: used "))
        .and_then(|n| n.trim().parse().ok())
        .expect("sockstat has `sockets: used`")
}

/// Where a watched run is: its step and when the step began.
pub struct Progress {
    label: String,
    step: Mutex<(usize, Instant)>,
}

impl Progress {
    /// Progress of the run `label` names (its seed).
    pub fn new(label: String) -> Progress {
        Progress {
            label,
            step: Mutex::new((0, Instant::now())),
        }
    }

    /// Step `step` begins.
    pub fn begin(&self, step: usize) {
        *self.step.lock().unwrap() = (step, Instant::now());
    }
}

/// Run `body` on a thread of its own; panic if one of its steps holds
/// that thread for `limit` (a call blocked in the kernel, which no async
/// timeout can interrupt), and with `body`'s panic if it panics.
pub fn watch(
    progress: std::sync::Arc<Progress>,
    limit: Duration,
    body: impl FnOnce() + Send + 'static,
) {
    let (done, finished) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("fuzz".into())
        .spawn(move || {
            body();
            let _ = done.send(());
        })
        .unwrap();
    while let Err(mpsc::RecvTimeoutError::Timeout) =
        finished.recv_timeout(Duration::from_millis(100))
    {
        let (step, since) = *progress.step.lock().unwrap();
        assert!(
            since.elapsed() < limit,
            "step {step} ({}) has held the host thread for {:?}: a call blocks it",
            progress.label,
            since.elapsed()
        );
    }
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}
