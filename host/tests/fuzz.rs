//! A bounded property test of the host: random sequences of host calls with
//! random arguments, made straight on the generated WIT traits over a
//! `SocketsCtxView` and loopback addresses, and random policy rules and
//! TOML documents.
//!
//! No call may panic or hang; every error is an `errno` (a trap only for a
//! forged or stale handle); the guest's socket count matches the sockets it
//! holds; and every descriptor is closed at the end. After every step the
//! invariants of [`invariants`] hold too: no received byte the fuzzer did
//! not send, no more sockets alive in the kernel and no more socket-buffer
//! memory than the quotas allow, and no call that cannot wait holding the
//! thread. `WASOCK_FUZZ_STEPS` sets the number of calls (3,000 by default),
//! `WASOCK_FUZZ_SEED` the seed.

#[path = "fuzz/invariants.rs"]
mod invariants;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wasmtime::component::{Resource, ResourceTable};
use wasock_artifacts::TempDir;
use wasock_host::bindings::resolver::{self, AddressInfoFlags, IpAddress, NameInfoFlags};
use wasock_host::bindings::socket::{
    self, IncomingAncillary, OptionName, OutgoingAncillary, SocketOption,
};
use wasock_host::bindings::types::{
    AddressFamily, Credentials, MessageFlags, PollEvents, ShutdownHow, SocketAddress, SocketType,
};
use wasock_host::core::poller::Poller;
use wasock_host::core::{HostSocket, SockAddress, SocketError};
use wasock_host::{AddrRule, Limits, Policy, PolicyBuilder, PortRange, SocketsCtx, SocketsCtxView};

/// The tests of this file measure the process's descriptors; they run one
/// at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The longest any single call may take.
const CALL_LIMIT: Duration = Duration::from_secs(10);

/// The longest a step may take when none of its calls can wait for
/// long: every fuzzed socket is non-blocking or has a timeout below 20 ms.
/// The calls of [`MAY_WAIT`] are exempt.
const STEP_LIMIT: Duration = Duration::from_secs(1);

/// Calls that may wait longer than [`STEP_LIMIT`] without holding the
/// thread: name lookups wait for the resolver, and `close` waits for as
/// long as `SO_LINGER` says (as natively; a drop returns at once).
const MAY_WAIT: [&str; 2] = [LOOKUP, "close"];

/// The longest a call may hold the thread at once (one poll of its
/// future): a call that sleeps in the kernel holds it; a call that waits
/// lets it go.
const HOLD_LIMIT: Duration = Duration::from_millis(500);

/// How long a step may hold the thread before the watchdog fails the test
/// (longer than [`CALL_LIMIT`], which catches steps that hang while they
/// let the thread go).
const WATCHDOG: Duration = Duration::from_secs(20);

/// The prefix of abstract names the policy grants.
const ABSTRACT: &str = "wasock-fuzz-";

/// The name of a step's call, by the number that chooses it.
const CALLS: [&str; 32] = [
    "create-socket",
    "create-socket",
    "create-socket",
    "create-socket",
    "socketpair",
    "create-poller",
    "bind",
    "bind",
    "listen",
    "accept",
    "connect",
    "connect",
    "send",
    "send-all",
    "send-to",
    "send-msg",
    "recv",
    "recv",
    "recv-from",
    "recv-msg",
    "shutdown",
    "close",
    "drop",
    "dup",
    "set-option and get-option",
    "local-address and remote-address",
    "poll",
    "poller",
    "set-timeout",
    "connected pair",
    "connected pair",
    LOOKUP,
];

/// The call that waits for the resolver.
const LOOKUP: &str = "name lookups";

/// A seeded xorshift64* generator: the same seed, the same sequence.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `len` random bytes of [`invariants::ALPHABET`].
    fn text(&mut self, len: usize) -> Vec<u8> {
        let (first, count) = (*invariants::ALPHABET.start(), invariants::ALPHABET.len());
        (0..len).map(|_| first + self.below(count) as u8).collect()
    }
}

/// A number from the environment, or `default`.
fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Run `future`; return its output and the longest of its polls, which is
/// the longest it held the thread at once.
async fn longest_poll<F: Future>(future: F) -> (F::Output, Duration) {
    let mut future = std::pin::pin!(future);
    let mut longest = Duration::ZERO;
    let output = std::future::poll_fn(|context| {
        let started = Instant::now();
        let poll = future.as_mut().poll(context);
        longest = longest.max(started.elapsed());
        poll
    })
    .await;
    (output, longest)
}

/// The process's open descriptors and what each refers to.
fn open_descriptors() -> BTreeMap<String, std::path::PathBuf> {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let target = std::fs::read_link(entry.path()).unwrap_or_default();
            Some((entry.file_name().to_string_lossy().into_owned(), target))
        })
        .collect()
}

/// What the test holds in the resource table, by index.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Held {
    Socket { closed: bool },
    Poller,
}

/// The fuzzer's state: the guest's view and a model of what it holds.
struct Fuzz {
    ctx: SocketsCtx,
    table: ResourceTable,
    held: BTreeMap<u32, Held>,
    /// Local addresses of sockets made so far, to connect and send to.
    targets: Vec<SocketAddress>,
    granted: std::path::PathBuf,
    random: Random,
    traps: usize,
    errors: BTreeMap<i32, usize>,
    /// Fills the host's buffers with poison before each receive.
    poison: invariants::Poison,
    /// Counts the sockets the guest keeps alive.
    census: invariants::Census,
    /// The step being made, for failure messages.
    step: usize,
}

impl Fuzz {
    fn view(&mut self) -> SocketsCtxView<'_> {
        SocketsCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }

    fn sockets(&self) -> Vec<u32> {
        self.held
            .iter()
            .filter(|(_, held)| matches!(held, Held::Socket { .. }))
            .map(|(rep, _)| *rep)
            .collect()
    }

    fn pollers(&self) -> Vec<u32> {
        self.held
            .iter()
            .filter(|(_, held)| **held == Held::Poller)
            .map(|(rep, _)| *rep)
            .collect()
    }

    /// A socket the test holds, or now and then an index it does not hold
    /// (forged, or stale), with whether the call must trap.
    fn socket(&mut self) -> (Resource<HostSocket>, bool) {
        let sockets = self.sockets();
        if sockets.is_empty() || self.random.chance(40) {
            let forged = loop {
                let rep = self.random.below(200) as u32;
                if !self.held.contains_key(&rep) {
                    break rep;
                }
            };
            return (Resource::new_borrow(forged), true);
        }
        (Resource::new_borrow(*self.random.pick(&sockets)), false)
    }

    /// Record a call's outcome: an errno is counted, a trap must have been
    /// expected (and only then happens).
    fn outcome<T>(
        &mut self,
        what: &str,
        forged: bool,
        result: Result<T, SocketError>,
    ) -> Option<T> {
        match result {
            Ok(value) => {
                assert!(!forged, "{what} with a forged handle did not trap");
                Some(value)
            }
            Err(SocketError::Os { errno, .. }) => {
                assert!(
                    !forged,
                    "{what} with a forged handle did not trap: errno {errno}"
                );
                assert!((1..4096).contains(&errno), "{what}: errno {errno}");
                *self.errors.entry(errno).or_default() += 1;
                None
            }
            Err(SocketError::Trap(trap)) => {
                assert!(forged, "{what} trapped with a valid handle: {trap:?}");
                self.traps += 1;
                None
            }
        }
    }

    /// Take a socket the host handed over: short timeouts, so that no
    /// later call waits long.
    async fn adopt(&mut self, socket: Resource<HostSocket>) {
        let rep = socket.rep();
        self.shorten_timeout(rep).await;
        self.held.insert(rep, Held::Socket { closed: false });
    }

    /// Give `rep` a random timeout below 20 ms, or non-blocking mode.
    async fn shorten_timeout(&mut self, rep: u32) {
        let timeout = Some(self.random.below(20) as u64 * 1_000_000);
        socket::HostSocket::set_timeout(&mut self.view(), Resource::new_borrow(rep), timeout)
            .await
            .unwrap();
    }

    async fn remember_local(&mut self, rep: u32) {
        let local =
            socket::HostSocket::local_address(&mut self.view(), Resource::new_borrow(rep)).await;
        if let Ok(address) = local {
            if self.targets.len() > 32 {
                self.targets.remove(0);
            }
            self.targets.push(address);
        }
    }

    fn address(&mut self) -> SocketAddress {
        if !self.targets.is_empty() && self.random.chance(2) {
            return self.random.pick(&self.targets).clone();
        }
        let port = *self.random.pick(&[0u16, 0, 1, 9, 80, 65535]);
        let name = format!("s{}", self.random.below(16));
        let address = match self.random.below(10) {
            0 => SockAddress::Ip((Ipv4Addr::LOCALHOST, port).into()),
            1 => SockAddress::Ip((Ipv6Addr::LOCALHOST, port).into()),
            2 => SockAddress::Ip((Ipv4Addr::UNSPECIFIED, port).into()),
            3 => SockAddress::Ip((Ipv4Addr::LOCALHOST.to_ipv6_mapped(), port).into()),
            4 => SockAddress::UnixPath(format!("{}/{name}", self.granted.display())),
            5 => SockAddress::UnixPath(format!("{}/../{name}", self.granted.display())),
            6 => SockAddress::UnixAbstract(format!("{ABSTRACT}{name}").into_bytes()),
            7 => SockAddress::UnixAbstract(name.into_bytes()),
            8 => SockAddress::Unnamed,
            _ => SockAddress::Ip(SocketAddr::new(
                Ipv4Addr::from(self.random.next() as u32).into(),
                port,
            )),
        };
        address.into()
    }

    fn flags(&mut self) -> MessageFlags {
        let all = [
            MessageFlags::OUT_OF_BAND,
            MessageFlags::PEEK,
            MessageFlags::DONT_ROUTE,
            MessageFlags::TRUNCATE,
            MessageFlags::DONT_WAIT,
            MessageFlags::END_OF_RECORD,
            MessageFlags::WAIT_ALL,
            MessageFlags::MORE,
            MessageFlags::ERROR_QUEUE,
            MessageFlags::FAST_OPEN,
        ];
        let mut flags = MessageFlags::empty();
        while self.random.chance(2) {
            flags |= *self.random.pick(&all);
        }
        flags
    }

    fn events(&mut self) -> PollEvents {
        *self.random.pick(&[
            PollEvents::READABLE,
            PollEvents::WRITABLE,
            PollEvents::READABLE | PollEvents::WRITABLE,
            PollEvents::PRIORITY | PollEvents::READ_HANGUP,
            PollEvents::empty(),
        ])
    }

    fn data(&mut self) -> Vec<u8> {
        let len = *self.random.pick(&[0usize, 1, 100, 5000, 70_000]);
        self.random.text(len)
    }

    fn length(&mut self) -> u64 {
        *self
            .random
            .pick(&[0u64, 1, 64, 4096, 70_000, 1 << 31, u64::MAX])
    }

    fn option(&mut self) -> SocketOption {
        let n = self.random.next();
        let flag = n & 1 == 1;
        let number = (n >> 1) as u32 % 100_000;
        match self.random.below(16) {
            0 => SocketOption::ReuseAddress(flag),
            1 => SocketOption::ReusePort(flag),
            2 => SocketOption::KeepAlive(flag),
            // A close waits for the linger time, within the call limit.
            3 => SocketOption::Linger(flag.then(|| *self.random.pick(&[0, 1, 2, 5]))),
            4 => SocketOption::ReceiveBufferSize(self.buffer_size(number)),
            5 => SocketOption::SendBufferSize(self.buffer_size(number)),
            6 => SocketOption::Broadcast(flag),
            7 => SocketOption::NoDelay(flag),
            8 => SocketOption::Ttl(number % 300),
            9 => SocketOption::Ipv6Only(flag),
            10 => SocketOption::ReceiveLowWatermark(number),
            11 => SocketOption::ReceiveTimeout(flag.then_some(u64::from(number))),
            12 => SocketOption::Priority(number % 10),
            13 => SocketOption::CongestionControl(
                self.random
                    .pick(&["cubic", "reno", "bbr", "", "x\0y"])
                    .to_string(),
            ),
            14 => SocketOption::Cork(flag),
            _ => SocketOption::TypeOfService(number % 512),
        }
    }

    /// A socket buffer size: tiny, ordinary, huge or out of range.
    fn buffer_size(&mut self, number: u32) -> u64 {
        *self
            .random
            .pick(&[0, 1, 4096, u64::from(number) * 7, 1 << 30, u64::MAX])
    }

    fn option_name(&mut self) -> OptionName {
        *self.random.pick(&[
            OptionName::ReuseAddress,
            OptionName::Linger,
            OptionName::ReceiveBufferSize,
            OptionName::SendBufferSize,
            OptionName::PendingError,
            OptionName::SocketType,
            OptionName::Domain,
            OptionName::Protocol,
            OptionName::AcceptingConnections,
            OptionName::NoDelay,
            OptionName::Ttl,
            OptionName::Ipv6Only,
            OptionName::ReceiveTimeout,
            OptionName::PeerCredentials,
            OptionName::TcpInfo,
            OptionName::CongestionControl,
            OptionName::Ipv4Mtu,
        ])
    }

    /// One random call, then the invariants.
    async fn step(&mut self, step: usize) {
        let choice = self.random.below(CALLS.len());
        self.step = step;
        let what = format!("step {step}, {}", CALLS[choice]);
        let started = Instant::now();
        let ((), held) = tokio::time::timeout(CALL_LIMIT, longest_poll(self.call(choice)))
            .await
            .unwrap_or_else(|_| panic!("{what} hung"));
        let took = started.elapsed();
        assert!(
            held <= HOLD_LIMIT,
            "{what} held the thread for {held:?} at once: a call blocked in the kernel"
        );
        assert!(
            MAY_WAIT.contains(&CALLS[choice]) || took <= STEP_LIMIT,
            "{what} took {took:?}, although none of its calls could wait that long"
        );
        self.assert_invariants(&what).await;
    }

    /// The call `choice` names in [`CALLS`], with random arguments.
    async fn call(&mut self, choice: usize) {
        match choice {
            0..=3 => {
                let family = *self.random.pick(&[
                    AddressFamily::Inet,
                    AddressFamily::Inet6,
                    AddressFamily::Unix,
                ]);
                let kind = *self.random.pick(&[
                    SocketType::Stream,
                    SocketType::Dgram,
                    SocketType::Seqpacket,
                    SocketType::Raw,
                ]);
                let protocol = *self.random.pick(&[0, 0, 6, 17, 1, 58, 255, -1]);
                let made =
                    socket::Host::create_socket(&mut self.view(), family, kind, protocol).await;
                if let Some(made) = self.outcome("create-socket", false, made) {
                    self.adopt(made).await;
                }
            }
            4 => {
                let kind = *self.random.pick(&[
                    SocketType::Stream,
                    SocketType::Dgram,
                    SocketType::Seqpacket,
                ]);
                let family = *self
                    .random
                    .pick(&[AddressFamily::Unix, AddressFamily::Inet]);
                let made = socket::Host::socketpair(&mut self.view(), family, kind, 0).await;
                if let Some((a, b)) = self.outcome("socketpair", false, made) {
                    self.adopt(a).await;
                    self.adopt(b).await;
                }
            }
            5 => {
                let made = socket::Host::create_poller(&mut self.view()).await;
                if let Some(poller) = self.outcome("create-poller", false, made) {
                    self.held.insert(poller.rep(), Held::Poller);
                }
            }
            6 | 7 => {
                let (this, forged) = self.socket();
                let (rep, address) = (this.rep(), self.address());
                let bound = socket::HostSocket::bind(&mut self.view(), this, address).await;
                if self.outcome("bind", forged, bound).is_some() {
                    self.remember_local(rep).await;
                }
            }
            8 => {
                let (this, forged) = self.socket();
                let (rep, backlog) = (this.rep(), self.random.next() as u32);
                let listening = socket::HostSocket::listen(&mut self.view(), this, backlog).await;
                if self.outcome("listen", forged, listening).is_some() {
                    self.remember_local(rep).await;
                }
            }
            9 => {
                let (this, forged) = self.socket();
                let accepted = socket::HostSocket::accept(&mut self.view(), this).await;
                if let Some((socket, peer)) = self.outcome("accept", forged, accepted) {
                    assert_name("accept", &peer);
                    self.adopt(socket).await;
                }
            }
            10 | 11 => {
                let (this, forged) = self.socket();
                let address = self.address();
                let connected = socket::HostSocket::connect(&mut self.view(), this, address).await;
                self.outcome("connect", forged, connected);
            }
            12 => {
                let (this, forged) = self.socket();
                let (data, flags) = (self.data(), self.flags());
                let sent = socket::HostSocket::send(&mut self.view(), this, data, flags).await;
                self.outcome("send", forged, sent);
            }
            13 => {
                let (this, forged) = self.socket();
                let (data, flags) = (self.data(), self.flags());
                let sent = socket::HostSocket::send_all(&mut self.view(), this, data, flags).await;
                self.outcome("send-all", forged, sent);
            }
            14 => {
                let (this, forged) = self.socket();
                let (data, flags, address) = (self.data(), self.flags(), self.address());
                let sent =
                    socket::HostSocket::send_to(&mut self.view(), this, data, flags, address).await;
                self.outcome("send-to", forged, sent);
            }
            15 => self.send_msg().await,
            16 | 17 => self.recv().await,
            18 => self.recv_from().await,
            19 => self.recv_msg().await,
            20 => {
                let (this, forged) = self.socket();
                let how =
                    *self
                        .random
                        .pick(&[ShutdownHow::Read, ShutdownHow::Write, ShutdownHow::Both]);
                let shut = socket::HostSocket::shutdown(&mut self.view(), this, how).await;
                self.outcome("shutdown", forged, shut);
            }
            21 => {
                let (this, forged) = self.socket();
                let rep = this.rep();
                let closed = socket::HostSocket::close(&mut self.view(), this).await;
                if self.outcome("close", forged, closed).is_some() {
                    self.held.insert(rep, Held::Socket { closed: true });
                }
            }
            22 => {
                let (this, forged) = self.socket();
                let owned = Resource::<HostSocket>::new_own(this.rep());
                let dropped = socket::HostSocket::drop(&mut self.view(), owned).await;
                self.outcome("drop", forged, dropped.map_err(SocketError::Trap));
                if !forged {
                    self.held.remove(&this.rep());
                }
            }
            23 => {
                let (this, forged) = self.socket();
                let copy = socket::HostSocket::dup(&mut self.view(), this).await;
                if let Some(copy) = self.outcome("dup", forged, copy) {
                    self.adopt(copy).await;
                }
            }
            24 => {
                let (this, forged) = self.socket();
                let option = self.option();
                let set = socket::HostSocket::set_option(&mut self.view(), this, option).await;
                self.outcome("set-option", forged, set);
                let (this, forged) = self.socket();
                let name = self.option_name();
                let got = socket::HostSocket::get_option(&mut self.view(), this, name).await;
                if let Some(SocketOption::CongestionControl(algorithm)) =
                    self.outcome("get-option", forged, got)
                {
                    assert!(
                        algorithm
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_'),
                        "get-option returned congestion control {algorithm:?}: not a kernel name"
                    );
                }
            }
            25 => {
                let (this, forged) = self.socket();
                let local = socket::HostSocket::local_address(&mut self.view(), this).await;
                if let Some(local) = self.outcome("local-address", forged, local) {
                    assert_name("local-address", &local);
                }
                let (this, forged) = self.socket();
                let remote = socket::HostSocket::remote_address(&mut self.view(), this).await;
                if let Some(remote) = self.outcome("remote-address", forged, remote) {
                    assert_name("remote-address", &remote);
                }
            }
            26 => self.poll().await,
            27 => self.poller().await,
            28 => {
                let (this, forged) = self.socket();
                let timeout = Some(self.random.below(20) as u64 * 1_000_000);
                let set = socket::HostSocket::set_timeout(&mut self.view(), this, timeout).await;
                self.outcome("set-timeout", forged, set.map_err(SocketError::Trap));
            }
            29 | 30 => self.connected_pair().await,
            _ => self.lookup().await,
        }
    }

    /// The guest's socket count matches what it holds, and what it keeps
    /// alive in the kernel is within its quotas.
    async fn assert_invariants(&self, what: &str) {
        let expected = self
            .held
            .values()
            .filter(|held| matches!(held, Held::Socket { closed: false } | Held::Poller))
            .count();
        assert_eq!(
            self.ctx.open_sockets(),
            expected,
            "{what}: the guest's socket count matches what it holds"
        );
        let limits = self.ctx.limits();
        assert!(self.ctx.open_sockets() <= limits.max_sockets);
        self.census
            .assert_within(limits.max_sockets, limits.max_buffer_bytes, what)
            .await;
    }

    /// Drop every socket and poller the guest holds, as the end of a guest
    /// does; no drop may hold the thread.
    async fn drop_everything(&mut self) {
        let held: Vec<(u32, Held)> = self.held.iter().map(|(r, h)| (*r, *h)).collect();
        for (rep, held) in held {
            let started = Instant::now();
            let view = &mut self.view();
            match held {
                Held::Socket { .. } => {
                    socket::HostSocket::drop(view, Resource::new_own(rep))
                        .await
                        .unwrap();
                }
                Held::Poller => {
                    socket::HostPoller::drop(view, Resource::new_own(rep))
                        .await
                        .unwrap();
                }
            }
            let took = started.elapsed();
            assert!(
                took <= STEP_LIMIT,
                "dropping {held:?} held the thread for {took:?}"
            );
            self.held.remove(&rep);
        }
    }

    async fn send_msg(&mut self) {
        let (this, forged) = self.socket();
        let parts = (0..self.random.below(4)).map(|_| self.data()).collect();
        let mut ancillary = Vec::new();
        if self.random.chance(2) {
            let sockets = self.sockets();
            let passed = (0..self.random.below(3))
                .filter(|_| !sockets.is_empty())
                .map(|_| Resource::new_borrow(*self.random.pick(&sockets)))
                .collect();
            ancillary.push(OutgoingAncillary::Rights(passed));
        }
        if self.random.chance(4) {
            ancillary.push(OutgoingAncillary::Credentials(Credentials {
                pid: *self.random.pick(&[std::process::id() as i32, 1]),
                uid: 0,
                gid: 0,
            }));
        }
        let (flags, address) = (self.flags(), self.random.chance(2).then(|| self.address()));
        let sent =
            socket::HostSocket::send_msg(&mut self.view(), this, parts, ancillary, flags, address)
                .await;
        self.outcome("send-msg", forged, sent);
    }

    /// Poison the host's buffers before a receive on `rep` with `flags`;
    /// return what to call the socket in a failure if every byte received
    /// must be one the fuzzer sent, `None` if the kernel writes some
    /// itself (the headers of raw and ICMP sockets, the error queue) or
    /// the handle is forged.
    async fn before_receive(
        &mut self,
        rep: u32,
        forged: bool,
        flags: MessageFlags,
    ) -> Option<String> {
        self.poison.spread().await;
        if forged || flags.contains(MessageFlags::ERROR_QUEUE) {
            return None;
        }
        let this = || Resource::<HostSocket>::new_borrow(rep);
        let family = socket::HostSocket::family(&mut self.view(), this())
            .await
            .unwrap();
        let kind = socket::HostSocket::type_(&mut self.view(), this())
            .await
            .unwrap();
        let protocol = socket::HostSocket::protocol(&mut self.view(), this())
            .await
            .unwrap();
        let kernel_headers = kind == SocketType::Raw
            || [libc::IPPROTO_ICMP, libc::IPPROTO_ICMPV6].contains(&protocol);
        (!kernel_headers)
            .then(|| format!("{family:?} {kind:?} socket (protocol {protocol}), flags {flags:?}"))
    }

    /// Check what a receive returned: its bytes (when `checked` names the
    /// socket), their number, and the source's name.
    fn assert_received(
        &self,
        call: &str,
        checked: &Option<String>,
        (len, data): (u64, &[u8]),
        from: Option<&SocketAddress>,
    ) {
        let limit = len.min(self.ctx.limits().max_bytes_per_call as u64);
        assert!(
            data.len() as u64 <= limit,
            "{call} returned {} of {limit} bytes",
            data.len()
        );
        if let Some(socket) = checked {
            let what = format!("step {}, {call} on a {socket}", self.step);
            invariants::assert_sent_bytes(&what, data);
        }
        if let Some(address) = from {
            assert_name(call, address);
        }
    }

    async fn recv(&mut self) {
        let (this, forged) = self.socket();
        let (len, flags) = (self.length(), self.flags());
        let checked = self.before_receive(this.rep(), forged, flags).await;
        let received = socket::HostSocket::recv(&mut self.view(), this, len, flags).await;
        if let Some(data) = self.outcome("recv", forged, received) {
            self.assert_received("recv", &checked, (len, &data), None);
        }
    }

    async fn recv_from(&mut self) {
        let (this, forged) = self.socket();
        let (len, flags) = (self.length(), self.flags());
        let checked = self.before_receive(this.rep(), forged, flags).await;
        let received = socket::HostSocket::recv_from(&mut self.view(), this, len, flags).await;
        if let Some((data, from)) = self.outcome("recv-from", forged, received) {
            self.assert_received("recv-from", &checked, (len, &data), Some(&from));
        }
    }

    async fn recv_msg(&mut self) {
        let (this, forged) = self.socket();
        let (len, control, flags) = (self.length(), self.length(), self.flags());
        let checked = self.before_receive(this.rep(), forged, flags).await;
        let received =
            socket::HostSocket::recv_msg(&mut self.view(), this, len, control, flags).await;
        if let Some(message) = self.outcome("recv-msg", forged, received) {
            let from = message.address.as_ref();
            self.assert_received("recv-msg", &checked, (len, &message.data), from);
            for item in message.ancillary {
                match item {
                    IncomingAncillary::Rights(sockets) => {
                        for socket in sockets {
                            self.adopt(socket).await;
                        }
                    }
                    IncomingAncillary::Other(raw) => {
                        invariants::assert_no_poison_run("recv-msg's ancillary data", &raw.data);
                    }
                    _ => {}
                }
            }
        }
    }

    /// A socket of `family` and `kind` that waits up to 50 ms, held.
    async fn make(&mut self, family: AddressFamily, kind: SocketType) -> Option<u32> {
        let made = socket::Host::create_socket(&mut self.view(), family, kind, 0).await;
        let rep = self.outcome("create-socket", false, made)?.rep();
        self.held.insert(rep, Held::Socket { closed: false });
        let patient = Some(50_000_000);
        socket::HostSocket::set_timeout(&mut self.view(), Resource::new_borrow(rep), patient)
            .await
            .unwrap();
        Some(rep)
    }

    /// A connected pair on loopback, TCP or UDP over IPv4 or IPv6 (for
    /// TCP with its listener): what the receive invariants need most, and
    /// what random calls rarely build.
    async fn connected_pair(&mut self) {
        let (family, loopback) = *self.random.pick(&[
            (
                AddressFamily::Inet,
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            ),
            (
                AddressFamily::Inet6,
                SocketAddr::from((Ipv6Addr::LOCALHOST, 0)),
            ),
        ]);
        let kind = *self.random.pick(&[SocketType::Stream, SocketType::Dgram]);
        let this = Resource::<HostSocket>::new_borrow;
        let loopback = || SocketAddress::from(SockAddress::Ip(loopback));
        let Some(first) = self.make(family, kind).await else {
            return;
        };
        let bound = socket::HostSocket::bind(&mut self.view(), this(first), loopback()).await;
        self.outcome("bind", false, bound);
        if kind == SocketType::Stream {
            let listening = socket::HostSocket::listen(&mut self.view(), this(first), 8).await;
            self.outcome("listen", false, listening);
        }
        let Some(second) = self.make(family, kind).await else {
            return;
        };
        let bound = socket::HostSocket::bind(&mut self.view(), this(second), loopback()).await;
        self.outcome("bind", false, bound);
        self.connect_to(second, first).await;
        if kind == SocketType::Dgram {
            self.connect_to(first, second).await;
        } else {
            let accepted = socket::HostSocket::accept(&mut self.view(), this(first)).await;
            if let Some((socket, peer)) = self.outcome("accept", false, accepted) {
                assert_name("accept", &peer);
                self.adopt(socket).await;
            }
        }
        for rep in [first, second] {
            self.remember_local(rep).await;
            self.shorten_timeout(rep).await;
        }
    }

    /// Connect `from` to the local address of `to`.
    async fn connect_to(&mut self, from: u32, to: u32) {
        let this = Resource::<HostSocket>::new_borrow;
        let Ok(address) = socket::HostSocket::local_address(&mut self.view(), this(to)).await
        else {
            return;
        };
        let connected = socket::HostSocket::connect(&mut self.view(), this(from), address).await;
        self.outcome("connect", false, connected);
    }

    async fn poll(&mut self) {
        let mut forged = false;
        let mut targets = Vec::new();
        for _ in 0..self.random.below(24) {
            let (socket, bad) = self.socket();
            forged |= bad;
            targets.push((socket, self.events()));
        }
        let timeout = Some(self.random.below(5) as u64 * 1_000_000);
        let polled = socket::Host::poll(&mut self.view(), targets, timeout).await;
        // A poll beyond the limit fails before it looks at the handles.
        if let Err(SocketError::Os {
            errno: libc::EINVAL,
            ..
        }) = &polled
        {
            forged = false;
        }
        self.outcome("poll", forged, polled);
    }

    async fn poller(&mut self) {
        let pollers = self.pollers();
        let Some(&rep) = (!pollers.is_empty()).then(|| self.random.pick(&pollers)) else {
            return;
        };
        let this = || Resource::<Poller>::new_borrow(rep);
        let (socket, forged) = self.socket();
        let (key, events, edge) = (self.random.next(), self.events(), self.random.chance(2));
        let result = match self.random.below(5) {
            0 | 1 => {
                socket::HostPoller::register(&mut self.view(), this(), socket, key, events, edge)
                    .await
            }
            2 => {
                socket::HostPoller::modify(&mut self.view(), this(), socket, key, events, edge)
                    .await
            }
            3 => socket::HostPoller::deregister(&mut self.view(), this(), socket).await,
            _ => {
                let max = *self.random.pick(&[0u32, 1, 64, u32::MAX]);
                let timeout = Some(self.random.below(5) as u64 * 1_000_000);
                let waited = socket::HostPoller::wait(&mut self.view(), this(), max, timeout).await;
                self.outcome("poller-wait", false, waited);
                return;
            }
        };
        self.outcome("poller", forged, result);
        if self.random.chance(8) {
            socket::HostPoller::drop(&mut self.view(), Resource::new_own(rep))
                .await
                .unwrap();
            self.held.remove(&rep);
        }
    }

    async fn lookup(&mut self) {
        let long = "a".repeat(300);
        let host = self
            .random
            .pick(&[
                "localhost",
                "127.0.0.1",
                "::1",
                "",
                "a\0b",
                "example.invalid",
                &long,
                "127.1",
            ])
            .to_string();
        let service = self
            .random
            .pick(&[None, Some("80"), Some("http"), Some("x\0")])
            .map(String::from);
        let flags = *self.random.pick(&[
            AddressInfoFlags::empty(),
            AddressInfoFlags::NUMERIC_HOST,
            AddressInfoFlags::CANONICAL_NAME | AddressInfoFlags::PASSIVE,
        ]);
        let view = &mut self.view();
        let found = resolver::Host::get_address_info(
            view,
            Some(host.clone()),
            service,
            None,
            None,
            0,
            flags,
        )
        .await;
        assert!(found.is_ok(), "get-address-info of {host:?} trapped");
        let address = SocketAddress::from(SockAddress::Ip((Ipv4Addr::LOCALHOST, 80).into()));
        let flags = *self
            .random
            .pick(&[NameInfoFlags::empty(), NameInfoFlags::NUMERIC_HOST]);
        let view = &mut self.view();
        assert!(
            resolver::Host::get_name_info(view, address, flags)
                .await
                .is_ok()
        );
        assert!(
            resolver::Host::get_host_by_name(view, host, None)
                .await
                .is_ok()
        );
        let loopback = IpAddress::Inet((127, 0, 0, 1));
        assert!(
            resolver::Host::get_host_by_address(view, loopback)
                .await
                .is_ok()
        );
    }
}

/// Panic unless a socket name the host reported is one the kernel could
/// have given: Unix paths and abstract names are printable ASCII, as every
/// name the fuzzer binds (and the kernel's autobind names) are.
fn assert_name(call: &str, address: &SocketAddress) {
    let printable = |bytes: &[u8]| bytes.iter().all(|b| (b' '..=b'~').contains(b));
    let sane = match SockAddress::from(address.clone()) {
        SockAddress::UnixPath(path) => printable(path.as_bytes()),
        SockAddress::UnixAbstract(name) => printable(&name),
        SockAddress::Ip(_) | SockAddress::Unnamed => true,
    };
    assert!(
        sane,
        "{call} returned the name {address:?}: bytes no socket was named with"
    );
}

/// A policy granting loopback, a Unix directory and an abstract prefix.
fn loopback_policy(granted: &std::path::Path) -> Policy {
    let rule = |text: &str| text.parse::<AddrRule>().unwrap();
    Policy::builder()
        .allow_bind(rule("127.0.0.1/32:*"))
        .allow_connect(rule("127.0.0.1/32:*"))
        .allow_bind(rule("[::1]/128:*"))
        .allow_connect(rule("[::1]/128:*"))
        .allow_unix_dir(granted)
        .allow_unix_abstract(ABSTRACT)
        .build()
        .unwrap()
}

/// Random host calls: no panic, no hang, sane errors, an exact socket
/// count, the invariants of [`invariants`] after every step, and no
/// descriptor left open. The calls run in a network namespace of their
/// own, on a thread a watchdog watches.
#[test]
fn random_host_calls() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let steps = env_number("WASOCK_FUZZ_STEPS", 3_000) as usize;
    let seed = env_number("WASOCK_FUZZ_SEED", 0x5eed_cafe);
    println!("{steps} steps from seed {seed} (WASOCK_FUZZ_SEED={seed} repeats them)");
    let progress = Arc::new(invariants::Progress::new(format!("seed {seed}")));
    let watched = Arc::clone(&progress);
    invariants::watch(progress, WATCHDOG, move || {
        let private = invariants::private_network();
        let started = Instant::now();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(host_calls(steps, seed, private, &watched));
        println!("{steps} steps in {:?}", started.elapsed());
    });
}

/// The body of [`random_host_calls`]: `steps` calls from `seed`, kernel
/// sockets counted when the namespace is `private`.
async fn host_calls(steps: usize, seed: u64, private: bool, progress: &invariants::Progress) {
    let granted = TempDir::new("fuzz");
    let limits = Limits {
        max_sockets: 48,
        max_buffer_bytes: 48 << 20,
        max_bytes_per_call: 8192,
        max_in_flight_bytes: 4096,
        max_poll_targets: 16,
        max_dns_lookups: 2,
    };
    let mut fuzz = Fuzz {
        ctx: SocketsCtx::new(loopback_policy(granted.path())).with_limits(limits),
        table: ResourceTable::new(),
        held: BTreeMap::new(),
        targets: Vec::new(),
        granted: granted.path().to_path_buf(),
        random: Random(seed | 1),
        traps: 0,
        errors: BTreeMap::new(),
        poison: invariants::Poison::new().await,
        census: invariants::Census::new(private),
        step: 0,
    };
    // What the resolver keeps open after its first use is in the baseline.
    fuzz.lookup().await;
    let baseline = open_descriptors();
    for step in 0..steps {
        progress.begin(step);
        fuzz.step(step).await;
    }
    progress.begin(steps);
    fuzz.drop_everything().await;
    assert_eq!(fuzz.ctx.open_sockets(), 0);
    println!(
        "{} traps on forged handles; errnos: {:?}",
        fuzz.traps, fuzz.errors
    );
    // The guest ends: its context goes with everything it kept.
    let Fuzz {
        ctx, table, poison, ..
    } = fuzz;
    drop((ctx, table, granted));
    let left: Vec<_> = open_descriptors()
        .into_iter()
        .filter(|(fd, _)| !baseline.contains_key(fd))
        .collect();
    assert!(
        left.is_empty(),
        "every descriptor was closed, but not {left:?}"
    );
    poison.close().await;
}

/// Random text for the rule parsers: pieces of valid rules, run together.
fn rule_text(random: &mut Random) -> String {
    const PIECES: &[&str] = &[
        "127.0.0.1",
        "/",
        "32",
        ":",
        "*",
        "-",
        "[",
        "]",
        "::1",
        "::ffff:",
        "0.0.0.0",
        "65535",
        "65536",
        "0",
        "1024",
        "ipv4",
        "ipv6",
        "any",
        "localhost",
        ".",
        "1",
        "/128",
        "/0",
        "x",
        "\0",
        "é",
        " ",
        "99999999999999999999",
        "::",
        "%",
        "-1",
    ];
    (0..random.below(8)).map(|_| *random.pick(PIECES)).collect()
}

/// Random TOML-ish text: keys and values the policy file uses, and noise.
fn toml_text(random: &mut Random) -> String {
    const LINES: &[&str] = &[
        "[network]",
        "[dns]",
        "[unix]",
        "connect = [\"127.0.0.1/32:80\"]",
        "bind = [\"127.0.0.1:*\"]",
        "allow = true",
        "names = [\"*.example.com\"]",
        "abstract = [\"app-\"]",
        "loopback-only = true",
        "x = ",
        "= 1",
        "[[",
        "\"",
        "connect = [1, 2]",
        "bind = \"127.0.0.1/33:1\"",
    ];
    (0..random.below(6))
        .map(|_| format!("{}\n", random.pick(LINES)))
        .collect()
}

/// Random rule, port range and policy-file text: parsing never panics, and
/// a rule that parses prints as text that parses to the same rule.
#[test]
fn random_policy_text() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let steps = env_number("WASOCK_FUZZ_STEPS", 3_000);
    let mut random = Random(env_number("WASOCK_FUZZ_SEED", 0x5eed_cafe) | 1);
    let mut parsed = 0;
    for _ in 0..steps {
        let text = rule_text(&mut random);
        if let Ok(rule) = text.parse::<AddrRule>() {
            parsed += 1;
            let again: AddrRule = rule
                .to_string()
                .parse()
                .unwrap_or_else(|e| panic!("`{text}` parsed, but its text `{rule}` does not: {e}"));
            assert_eq!(again, rule, "`{text}` round-trips");
        }
        if let Ok(ports) = text.parse::<PortRange>() {
            assert_eq!(ports.to_string().parse::<PortRange>().unwrap(), ports);
        }
        let _ = PolicyBuilder::from_toml_str(&toml_text(&mut random));
    }
    println!("{parsed} of {steps} random rules parsed");
}

/// What the fuzz test found: a bad handle to `dup` or `accept` at the
/// socket quota, or to `send-msg` with a closed socket among the passed
/// ones, got an errno instead of a trap.
#[test]
fn bad_handles_trap_before_quotas_and_arguments() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let limits = Limits {
            max_sockets: 2,
            ..Limits::default()
        };
        let mut ctx = SocketsCtx::new(Policy::default()).with_limits(limits);
        let mut table = ResourceTable::new();
        let mut view = SocketsCtxView {
            ctx: &mut ctx,
            table: &mut table,
        };
        let (a, b) =
            socket::Host::socketpair(&mut view, AddressFamily::Unix, SocketType::Stream, 0)
                .await
                .unwrap();
        let forged = || Resource::<HostSocket>::new_borrow(1000);
        let trapped = |result: Result<Resource<HostSocket>, SocketError>| {
            matches!(result, Err(SocketError::Trap(_)))
        };
        assert!(trapped(socket::HostSocket::dup(&mut view, forged()).await));
        let accepted = socket::HostSocket::accept(&mut view, forged()).await;
        assert!(trapped(accepted.map(|(socket, _)| socket)));
        socket::HostSocket::close(&mut view, Resource::new_borrow(b.rep()))
            .await
            .unwrap();
        let passed = vec![OutgoingAncillary::Rights(vec![Resource::new_borrow(
            b.rep(),
        )])];
        let sent = socket::HostSocket::send_msg(
            &mut view,
            forged(),
            vec![b"x".to_vec()],
            passed,
            MessageFlags::empty(),
            None,
        )
        .await;
        assert!(matches!(sent, Err(SocketError::Trap(_))));
        socket::HostSocket::drop(&mut view, a).await.unwrap();
        socket::HostSocket::drop(&mut view, b).await.unwrap();
    });
}
