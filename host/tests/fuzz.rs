//! A bounded property test of the host: random sequences of host calls with
//! random arguments, made straight on the generated WIT traits over a
//! `SocketsCtxView` and loopback addresses, and random policy rules and
//! TOML documents.
//!
//! No call may panic or hang; every error is an `errno` (a trap only for a
//! forged or stale handle); the guest's socket count matches the sockets it
//! holds; and every descriptor is closed at the end. `WASOCK_FUZZ_STEPS`
//! sets the number of calls (3,000 by default), `WASOCK_FUZZ_SEED` the seed.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;

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

/// The prefix of abstract names the policy grants.
const ABSTRACT: &str = "wasock-fuzz-";

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

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// A number from the environment, or `default`.
fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
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
        let timeout = Some(self.random.below(20) as u64 * 1_000_000);
        socket::HostSocket::set_timeout(&mut self.view(), Resource::new_borrow(rep), timeout)
            .await
            .unwrap();
        self.held.insert(rep, Held::Socket { closed: false });
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
        self.random.bytes(len)
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
            3 => SocketOption::Linger(flag.then_some(number % 3)),
            4 => SocketOption::ReceiveBufferSize(u64::from(number) * 7),
            5 => SocketOption::SendBufferSize(n),
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

    fn option_name(&mut self) -> OptionName {
        *self.random.pick(&[
            OptionName::ReuseAddress,
            OptionName::Linger,
            OptionName::ReceiveBufferSize,
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

    /// One random call.
    async fn step(&mut self) {
        let choice = self.random.below(30);
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
                if let Some((socket, _)) = self.outcome("accept", forged, accepted) {
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
            16 | 17 => {
                let (this, forged) = self.socket();
                let (len, flags) = (self.length(), self.flags());
                let received = socket::HostSocket::recv(&mut self.view(), this, len, flags).await;
                self.outcome("recv", forged, received);
            }
            18 => {
                let (this, forged) = self.socket();
                let (len, flags) = (self.length(), self.flags());
                let received =
                    socket::HostSocket::recv_from(&mut self.view(), this, len, flags).await;
                self.outcome("recv-from", forged, received);
            }
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
                self.outcome("get-option", forged, got);
            }
            25 => {
                let (this, forged) = self.socket();
                let local = socket::HostSocket::local_address(&mut self.view(), this).await;
                self.outcome("local-address", forged, local);
                let (this, forged) = self.socket();
                let remote = socket::HostSocket::remote_address(&mut self.view(), this).await;
                self.outcome("remote-address", forged, remote);
            }
            26 => self.poll().await,
            27 => self.poller().await,
            28 => {
                let (this, forged) = self.socket();
                let timeout = Some(self.random.below(20) as u64 * 1_000_000);
                let set = socket::HostSocket::set_timeout(&mut self.view(), this, timeout).await;
                self.outcome("set-timeout", forged, set.map_err(SocketError::Trap));
            }
            _ => self.lookup().await,
        }
        let expected = self
            .held
            .values()
            .filter(|held| matches!(held, Held::Socket { closed: false } | Held::Poller))
            .count();
        assert_eq!(
            self.ctx.open_sockets(),
            expected,
            "the guest's socket count matches what it holds"
        );
        assert!(self.ctx.open_sockets() <= self.ctx.limits().max_sockets);
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

    async fn recv_msg(&mut self) {
        let (this, forged) = self.socket();
        let (len, control, flags) = (self.length(), self.length(), self.flags());
        let received =
            socket::HostSocket::recv_msg(&mut self.view(), this, len, control, flags).await;
        if let Some(message) = self.outcome("recv-msg", forged, received) {
            for item in message.ancillary {
                if let IncomingAncillary::Rights(sockets) = item {
                    for socket in sockets {
                        self.adopt(socket).await;
                    }
                }
            }
        }
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
/// count, and no descriptor left open.
#[test]
fn random_host_calls() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(host_calls());
}

/// The body of [`random_host_calls`].
async fn host_calls() {
    let steps = env_number("WASOCK_FUZZ_STEPS", 3_000);
    let seed = env_number("WASOCK_FUZZ_SEED", 0x5eed_cafe);
    println!("{steps} steps from seed {seed} (WASOCK_FUZZ_SEED={seed} repeats them)");
    let granted = TempDir::new("fuzz");
    let limits = Limits {
        max_sockets: 48,
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
    };
    fuzz.lookup().await;
    let baseline = open_descriptors();
    for step in 0..steps {
        tokio::time::timeout(CALL_LIMIT, fuzz.step())
            .await
            .unwrap_or_else(|_| panic!("step {step} (seed {seed}) hung"));
    }
    let held: Vec<(u32, Held)> = fuzz.held.iter().map(|(r, h)| (*r, *h)).collect();
    for (rep, held) in held {
        match held {
            Held::Socket { .. } => {
                socket::HostSocket::drop(&mut fuzz.view(), Resource::new_own(rep))
                    .await
                    .unwrap();
            }
            Held::Poller => {
                socket::HostPoller::drop(&mut fuzz.view(), Resource::new_own(rep))
                    .await
                    .unwrap();
            }
        }
    }
    assert_eq!(fuzz.ctx.open_sockets(), 0);
    println!(
        "{} traps on forged handles; errnos: {:?}",
        fuzz.traps, fuzz.errors
    );
    drop(granted);
    assert_eq!(open_descriptors(), baseline, "every descriptor was closed");
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
