//! The capability policy: what a guest may do with addresses, Unix paths and
//! name lookups. Everything is denied unless a grant allows it.
//!
//! One model, three front ends: the [`PolicyBuilder`] methods, the same
//! grants in a TOML file ([`Policy::from_toml_str`], `wasock run --policy`),
//! and `wasock run` flags that each make one builder call ([`PolicyArgs`]).
//! `docs/security.md` lists every grant with its flag, method, TOML key,
//! default and test.

mod audit;
mod file;
mod flags;
mod kinds;
mod rules;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use ipnet::IpNet;

use crate::core::SocketError;
use crate::core::unix_path;

pub use audit::{Action, AuditEvent, AuditHook, GuestText, Subject, stderr_hook};
pub use flags::PolicyArgs;
pub use rules::{AddrRule, FIRST_UNPRIVILEGED_PORT, NamePattern, PortRange, Target, UnixDir};

use audit::AuditSink;

/// A use of an IP address that the policy decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrUse {
    /// `bind` to a local address: granted by bind rules. A port below 1024
    /// (other than 0) also needs the privileged-ports grant.
    Bind,
    /// The implicit bind of `listen` on an unbound socket, checked as a
    /// listen on the unspecified address and port 0: granted by listen
    /// rules (bind rules are listen rules too).
    ListenImplicitBind,
    /// `listen` on a bound socket, checked with the address it was bound to:
    /// granted by listen rules (bind rules are listen rules too). A
    /// privileged port needs the privileged-ports grant.
    Listen,
    /// `connect` to a remote address: granted by connect rules. The kernel's
    /// implicit bind to an ephemeral port is part of the grant, since a
    /// connected socket only talks to its peer. A broadcast address also
    /// needs the broadcast grant.
    Connect,
    /// `send-to` a remote address: granted by send-to rules (connect rules
    /// are send-to rules too). The implicit bind of an unbound datagram
    /// socket is part of the grant. A broadcast address also needs the
    /// broadcast grant.
    SendTo,
    /// A connection `accept` would return, checked with the peer's address.
    /// While no accept rule is configured every peer is accepted; once one
    /// is, a peer no rule matches is **dropped**: its connection is closed
    /// (reset) before the guest sees it and `accept` keeps waiting.
    Accept,
    /// A datagram a receive would return, checked with its source. While no
    /// recv-from rule is configured every source is allowed; once one is, a
    /// source is allowed if a recv-from rule or a send-to rule (a peer the
    /// guest may send to, so replies arrive) matches it, and a datagram from
    /// any other source is **dropped** and the receive keeps waiting.
    RecvFrom,
}

impl AddrUse {
    fn verb(self) -> &'static str {
        match self {
            AddrUse::Bind => "bind to",
            AddrUse::ListenImplicitBind => "listen (implicit bind) on",
            AddrUse::Listen => "listen on",
            AddrUse::Connect => "connect to",
            AddrUse::SendTo => "send to",
            AddrUse::Accept => "accept from",
            AddrUse::RecvFrom => "receive from",
        }
    }

    /// Whether the use is of a local address (its ports can be privileged).
    fn is_local(self) -> bool {
        matches!(
            self,
            AddrUse::Bind | AddrUse::Listen | AddrUse::ListenImplicitBind
        )
    }

    fn flag(self) -> &'static str {
        match self {
            AddrUse::Bind => "--allow-bind",
            AddrUse::ListenImplicitBind | AddrUse::Listen => "--allow-listen or --allow-bind",
            AddrUse::Connect => "--allow-connect",
            AddrUse::SendTo => "--allow-send-to or --allow-connect",
            AddrUse::Accept => "--allow-accept",
            AddrUse::RecvFrom => "--allow-recv-from",
        }
    }
}

/// Whether binding `port` needs the privileged-ports grant: 1 to 1023
/// (0 asks for an ephemeral port).
fn is_privileged(port: u16) -> bool {
    (1..FIRST_UNPRIVILEGED_PORT).contains(&port)
}

/// The address a send or connect to `destination` reaches: itself, unless
/// it is unspecified, which Linux replaces with an address of the local
/// host (`ip_route_output_key_hash_rcu`, `tcp_v6_connect`,
/// `udpv6_sendmsg`): for IPv4, the socket's own address (`local`) when it
/// is bound to one, else `127.0.0.1`; for IPv6, `::1`, or `127.0.0.1` on a
/// socket bound to an IPv4-mapped address.
fn reached_destination(
    destination: SocketAddr,
    local: impl FnOnce() -> Option<SocketAddr>,
) -> SocketAddr {
    let asked = destination.ip().to_canonical();
    if !asked.is_unspecified() {
        return destination;
    }
    let local = local().map(|local| local.ip().to_canonical());
    let reached: IpAddr = match (asked, local) {
        (IpAddr::V4(_), Some(IpAddr::V4(own))) if !own.is_unspecified() => own.into(),
        (IpAddr::V4(_), _) | (IpAddr::V6(_), Some(IpAddr::V4(_))) => Ipv4Addr::LOCALHOST.into(),
        (IpAddr::V6(_), _) => Ipv6Addr::LOCALHOST.into(),
    };
    SocketAddr::new(reached, destination.port())
}

/// Why an address was denied.
enum Denial {
    NoRule,
    Privileged,
    Broadcast,
}

/// A directory in which the guest may bind and connect Unix sockets.
/// Grants are equal when they name the same directories.
#[derive(Debug)]
pub(crate) struct UnixGrant {
    /// The directory's absolute path as the guest names it.
    pub(crate) guest: PathBuf,
    /// The directory's absolute path on the host.
    pub(crate) host: PathBuf,
    /// The directory, opened once; every guest path resolves beneath it.
    pub(crate) dir: OwnedFd,
}

impl PartialEq for UnixGrant {
    fn eq(&self, other: &Self) -> bool {
        (&self.guest, &self.host) == (&other.guest, &other.host)
    }
}

/// An error building a policy.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// A rule could not be parsed.
    #[error("{0}")]
    Rule(String),
    /// A granted Unix directory could not be opened.
    #[error("cannot grant Unix sockets in `{path}`: {source}")]
    UnixDir {
        /// The directory.
        path: PathBuf,
        /// Why it could not be opened.
        source: std::io::Error,
    },
    /// A host name in a rule could not be resolved.
    #[error("cannot resolve `{name}` for a rule: {source}")]
    Resolve {
        /// The name.
        name: String,
        /// The resolver's error.
        source: std::io::Error,
    },
    /// A policy file could not be read.
    #[error("cannot read policy file `{path}`: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// A policy file is not valid TOML for a policy (the message gives the
    /// line and column).
    #[error("{origin}: {message}")]
    Toml {
        /// The file, or `policy` for a string.
        origin: String,
        /// The parser's message, with the line and column.
        message: String,
    },
}

/// The capability policy of a guest. [`Policy::default`] denies everything.
///
/// Cloning is cheap enough to do once per guest: the granted directories
/// are shared. Two policies are equal when they grant the same (and report
/// to the same audit hook).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    bind: Vec<AddrRule>,
    listen: Vec<AddrRule>,
    connect: Vec<AddrRule>,
    send_to: Vec<AddrRule>,
    accept: Vec<AddrRule>,
    recv_from: Vec<AddrRule>,
    privileged_ports: bool,
    broadcast: bool,
    /// The directed broadcast addresses of the host's interfaces when the
    /// policy was built (255.255.255.255 is always one).
    broadcast_addrs: Vec<Ipv4Addr>,
    unix: Arc<Vec<UnixGrant>>,
    abstract_prefixes: Vec<Vec<u8>>,
    raw: bool,
    icmp: bool,
    multicast: bool,
    dns: bool,
    dns_names: Vec<NamePattern>,
    /// Host names that address rules name: looking them up is granted.
    rule_names: Vec<String>,
    reverse_dns: bool,
    host_name: Option<String>,
    real_host_name: bool,
    interfaces: bool,
    socket_buffers: Option<usize>,
    cwd: PathBuf,
    audit: Option<AuditSink>,
}

impl Policy {
    /// A builder starting from a policy that denies everything.
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::default()
    }

    /// The policy a TOML document describes (see `examples/policy.toml`).
    /// Unknown keys and bad rules are errors naming the line.
    pub fn from_toml_str(text: &str) -> Result<Policy, PolicyError> {
        PolicyBuilder::from_toml_str(text)?.build()
    }

    /// Check a use of an IP address. A denial is `EACCES` naming the use,
    /// the address and the grant that would allow it.
    ///
    /// A destination (`Connect`, `SendTo`) that is an unspecified address
    /// is the local host: it is checked as the loopback address it reaches
    /// (see [`check_destination`](Self::check_destination)).
    pub fn check_ip(&self, used_as: AddrUse, addr: SocketAddr) -> Result<(), SocketError> {
        match used_as {
            AddrUse::Connect | AddrUse::SendTo => self.check_destination(used_as, addr, || None),
            _ => self.check_reached(used_as, addr, addr, ""),
        }
    }

    /// Check a destination (`Connect` or `SendTo`) as the address it
    /// reaches. Linux sends to an unspecified destination (`0.0.0.0`,
    /// `::`, `::ffff:0.0.0.0`) on the local host: an IPv4 one to the
    /// socket's own address when it is bound to one (`local`, only asked
    /// for an unspecified destination), otherwise to `127.0.0.1`; an IPv6
    /// one to `::1` (`127.0.0.1` on a socket bound to an IPv4-mapped
    /// address). So a rule that names only `0.0.0.0` grants nothing the
    /// loopback rules do not.
    pub fn check_destination(
        &self,
        used_as: AddrUse,
        addr: SocketAddr,
        local: impl FnOnce() -> Option<SocketAddr>,
    ) -> Result<(), SocketError> {
        let reached = reached_destination(addr, local);
        self.check_reached(
            used_as,
            addr,
            reached,
            " (an unspecified destination is the local host)",
        )
    }

    /// Check a use of a local address (`Bind`, `Listen`,
    /// `ListenImplicitBind`) by a socket. An IPv6 socket that also carries
    /// IPv4 (`IPV6_V6ONLY` off, Linux's default) and uses the wildcard `::`
    /// uses `0.0.0.0` on the same port as well, which must be granted too;
    /// `carries_ipv4` is only asked for that address.
    pub fn check_local(
        &self,
        used_as: AddrUse,
        addr: SocketAddr,
        carries_ipv4: impl FnOnce() -> bool,
    ) -> Result<(), SocketError> {
        self.check_reached(used_as, addr, addr, "")?;
        if addr.ip() != IpAddr::V6(Ipv6Addr::UNSPECIFIED) || !carries_ipv4() {
            return Ok(());
        }
        let ipv4 = SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), addr.port());
        self.check_reached(
            used_as,
            addr,
            ipv4,
            " (the socket also carries IPv4: set ipv6-only, or grant both)",
        )
    }

    /// Check `reached`, the address a use of `asked` reaches; `how`
    /// explains the difference in a denial.
    fn check_reached(
        &self,
        used_as: AddrUse,
        asked: SocketAddr,
        reached: SocketAddr,
        how: &str,
    ) -> Result<(), SocketError> {
        let addr = reached;
        let verdict = self.ip_verdict(used_as, addr);
        self.audit(used_as.into(), || Subject::Address(addr), verdict.is_ok());
        let why = match verdict {
            Ok(()) => return Ok(()),
            Err(Denial::NoRule) if used_as.is_local() && is_privileged(addr.port()) => format!(
                "(grant it with {}; port {} is privileged and also needs --allow-privileged-ports)",
                used_as.flag(),
                addr.port()
            ),
            Err(Denial::NoRule) => format!("(grant it with {})", used_as.flag()),
            Err(Denial::Privileged) => format!(
                "(port {} is privileged: grant it with --allow-privileged-ports as well as {})",
                addr.port(),
                used_as.flag()
            ),
            Err(Denial::Broadcast) => {
                "(a broadcast address: grant it with --allow-broadcast)".to_string()
            }
        };
        let verb = used_as.verb();
        Err(SocketError::denied(if asked == reached {
            format!("{verb} {addr} is not granted by the policy {why}")
        } else {
            format!("{verb} {asked} reaches {addr}{how}, which is not granted by the policy {why}")
        }))
    }

    /// Whether a peer (`AddrUse::Accept`) or a datagram source
    /// (`AddrUse::RecvFrom`) is allowed; the caller drops what is not.
    pub fn allows_peer(&self, used_as: AddrUse, addr: SocketAddr) -> bool {
        let allowed = self.ip_verdict(used_as, addr).is_ok();
        self.audit(used_as.into(), || Subject::Address(addr), allowed);
        allowed
    }

    /// Whether peers of `used_as` (`Accept` or `RecvFrom`) need checking at
    /// all: rules for them are configured, or someone audits.
    pub fn inspects_peers(&self, used_as: AddrUse) -> bool {
        let rules = match used_as {
            AddrUse::Accept => &self.accept,
            AddrUse::RecvFrom => &self.recv_from,
            _ => return true,
        };
        !rules.is_empty() || self.auditing()
    }

    fn ip_verdict(&self, used_as: AddrUse, addr: SocketAddr) -> Result<(), Denial> {
        let granted = |rules: &[AddrRule]| rules.iter().any(|rule| rule.matches(addr));
        match used_as {
            AddrUse::Bind | AddrUse::Listen | AddrUse::ListenImplicitBind => {
                let rules = match used_as {
                    AddrUse::Bind => &self.bind,
                    _ => &self.listen,
                };
                if !granted(rules) {
                    return Err(Denial::NoRule);
                }
                if is_privileged(addr.port()) && !self.privileged_ports {
                    return Err(Denial::Privileged);
                }
            }
            AddrUse::Connect | AddrUse::SendTo => {
                let rules = match used_as {
                    AddrUse::Connect => &self.connect,
                    _ => &self.send_to,
                };
                if !granted(rules) {
                    return Err(Denial::NoRule);
                }
                if !self.broadcast && self.is_broadcast(addr.ip()) {
                    return Err(Denial::Broadcast);
                }
            }
            AddrUse::Accept => {
                if !self.accept.is_empty() && !granted(&self.accept) {
                    return Err(Denial::NoRule);
                }
            }
            AddrUse::RecvFrom => {
                if !self.recv_from.is_empty()
                    && !granted(&self.recv_from)
                    && !granted(&self.send_to)
                {
                    return Err(Denial::NoRule);
                }
            }
        }
        Ok(())
    }

    /// Whether `ip` is a broadcast address: 255.255.255.255 or the directed
    /// broadcast address of one of the host's interfaces.
    fn is_broadcast(&self, ip: IpAddr) -> bool {
        match ip.to_canonical() {
            IpAddr::V4(v4) => v4.is_broadcast() || self.broadcast_addrs.contains(&v4),
            IpAddr::V6(_) => false,
        }
    }

    /// Check a Unix abstract-namespace name (without its leading NUL): it
    /// must start with a granted prefix.
    pub fn check_abstract(&self, used_as: AddrUse, name: &[u8]) -> Result<(), SocketError> {
        let allowed = self
            .abstract_prefixes
            .iter()
            .any(|prefix| name.starts_with(prefix));
        self.audit(
            used_as.into(),
            || Subject::UnixAbstract(name.to_vec()),
            allowed,
        );
        if allowed {
            return Ok(());
        }
        Err(SocketError::denied(format!(
            "abstract Unix socket name `@{}` is not granted by the policy (grant a prefix with --allow-abstract)",
            name.escape_ascii()
        )))
    }

    /// Check an autobind (the kernel picks a random abstract name): only a
    /// grant of every abstract name (the empty prefix) allows it.
    pub fn check_autobind(&self) -> Result<(), SocketError> {
        let allowed = self.abstract_prefixes.iter().any(Vec::is_empty);
        self.audit(Action::Bind, || Subject::Autobind, allowed);
        if allowed {
            return Ok(());
        }
        Err(SocketError::denied(
            "an autobound (random abstract) Unix socket name is not granted by the policy (grant it with --allow-abstract '')",
        ))
    }

    /// A yes-or-no grant: audit it, and deny with `message` when off.
    fn check_flag(
        &self,
        granted: bool,
        action: Action,
        subject: impl FnOnce() -> Subject,
        message: impl FnOnce() -> String,
    ) -> Result<(), SocketError> {
        self.audit(action, subject, granted);
        if granted {
            return Ok(());
        }
        Err(SocketError::denied(message()))
    }

    /// Check the creation of a raw socket (`SOCK_RAW`).
    pub fn check_raw(&self) -> Result<(), SocketError> {
        self.check_flag(
            self.raw,
            Action::CreateRaw,
            || Subject::None,
            || "raw sockets are not granted by the policy (grant them with --allow-raw)".into(),
        )
    }

    /// Check the creation of an ICMP "ping" socket (`SOCK_DGRAM` with
    /// `IPPROTO_ICMP` or `IPPROTO_ICMPV6`).
    pub fn check_icmp(&self) -> Result<(), SocketError> {
        self.check_flag(
            self.icmp,
            Action::CreateIcmp,
            || Subject::None,
            || "ICMP sockets are not granted by the policy (grant them with --allow-icmp)".into(),
        )
    }

    /// Check joining a multicast group (`IP_ADD_MEMBERSHIP`,
    /// `IP_ADD_SOURCE_MEMBERSHIP`, `IPV6_JOIN_GROUP`). Leaving a group
    /// needs no grant.
    pub fn check_multicast(&self, group: IpAddr) -> Result<(), SocketError> {
        self.check_flag(
            self.multicast,
            Action::JoinMulticast,
            || Subject::Group(group),
            || format!(
                "joining multicast group {group} is not granted by the policy (grant it with --allow-multicast)"
            ),
        )
    }

    /// Check setting `SO_BROADCAST` (clearing it needs no grant).
    pub fn check_broadcast(&self) -> Result<(), SocketError> {
        self.check_flag(
            self.broadcast,
            Action::Broadcast,
            || Subject::None,
            || "broadcast (SO_BROADCAST) is not granted by the policy (grant it with --allow-broadcast)".into(),
        )
    }

    /// Whether the guest may look up every name through the host's
    /// resolver (`--allow-dns`).
    pub fn allows_dns(&self) -> bool {
        self.dns
    }

    /// Whether the guest may look `name` up through the host's resolver:
    /// every name is granted, or `name` matches a granted pattern, or an
    /// address rule names it. (Numeric hosts and `localhost` never need the
    /// resolver.)
    pub fn allows_dns_name(&self, name: &str) -> bool {
        if self.dns {
            return true;
        }
        if self.dns_names.iter().any(|pattern| pattern.matches(name)) {
            return true;
        }
        let canonical = name.strip_suffix('.').unwrap_or(name);
        self.rule_names
            .iter()
            .any(|granted| granted.eq_ignore_ascii_case(canonical))
    }

    /// Check a reverse lookup of `address` (`getnameinfo` without
    /// `NI_NUMERICHOST`, `gethostbyaddr`).
    pub fn check_reverse_dns(&self, address: IpAddr) -> Result<(), SocketError> {
        self.check_flag(
            self.reverse_dns,
            Action::ReverseLookup,
            || Subject::Ip(address),
            || format!(
                "reverse lookup of {address} is not granted by the policy (grant it with --allow-reverse-dns)"
            ),
        )
    }

    /// Whether the guest may look addresses up by name (reverse lookups).
    pub fn allows_reverse_dns(&self) -> bool {
        self.reverse_dns
    }

    /// The host name the guest sees unless the real one is granted:
    /// `localhost` unless configured.
    pub fn host_name(&self) -> &str {
        self.host_name.as_deref().unwrap_or("localhost")
    }

    /// Whether the guest sees the host's real name.
    pub fn allows_real_host_name(&self) -> bool {
        self.real_host_name
    }

    /// The socket-buffer budget the policy sets (TOML `[quotas]
    /// socket-buffers`), if any.
    pub fn max_socket_buffers(&self) -> Option<usize> {
        self.socket_buffers
    }

    /// Whether the guest may list network interfaces and translate their
    /// names and indexes.
    pub fn allows_interfaces(&self) -> bool {
        self.interfaces
    }

    /// Check listing or translating network interfaces; `what` names the
    /// call in the denial.
    pub fn check_interfaces(&self, what: &str) -> Result<(), SocketError> {
        self.check_flag(
            self.interfaces,
            Action::Interfaces,
            || Subject::None,
            || format!("{what} is not granted by the policy (grant it with --allow-interfaces)"),
        )
    }

    /// Find the grant covering a guest Unix path and the path relative to
    /// it. Relative guest paths are relative to the host's working
    /// directory when the policy was built. A denial is audited as
    /// `action`.
    pub(crate) fn unix_grant_for(
        &self,
        action: Action,
        guest_path: &str,
    ) -> Result<(&UnixGrant, PathBuf), SocketError> {
        let absolute = self.cwd.join(guest_path);
        self.unix
            .iter()
            .find_map(|grant| lexical_suffix(&absolute, &grant.guest).map(|rest| (grant, rest)))
            .ok_or_else(|| {
                self.unix_denied(
                    action,
                    guest_path,
                    format!(
                        "Unix socket path `{}` is outside every granted directory (grant one with --allow-unix)",
                        GuestText(guest_path)
                    ),
                )
            })
    }

    /// Audit and make the denial of a Unix path.
    pub(crate) fn unix_denied(
        &self,
        action: Action,
        guest_path: &str,
        message: String,
    ) -> SocketError {
        self.audit(action, || Subject::UnixPath(guest_path.to_string()), false);
        SocketError::denied(message)
    }

    /// Audit a Unix path the policy allowed.
    pub(crate) fn unix_allowed(&self, action: Action, guest_path: &str) {
        self.audit(action, || Subject::UnixPath(guest_path.to_string()), true);
    }

    /// The guest's name for a host path a peer is bound to: the path under
    /// the granted guest directory whose host directory holds it, or `None`
    /// when no grant does (the guest then sees the peer as unnamed).
    pub(crate) fn guest_view(&self, host_path: &Path) -> Option<String> {
        self.unix.iter().find_map(|grant| {
            let rest = lexical_suffix(host_path, &grant.host)?;
            if rest.components().any(|c| c == Component::ParentDir) {
                return None;
            }
            let guest = if rest.as_os_str().is_empty() {
                grant.guest.clone()
            } else {
                grant.guest.join(rest)
            };
            guest.to_str().map(str::to_string)
        })
    }
}

/// The part of `path` below `dir`, compared component by component (`.`
/// components are ignored; `..` is kept, for the kernel to resolve beneath
/// the directory).
fn lexical_suffix(path: &Path, dir: &Path) -> Option<PathBuf> {
    let mut rest = path.components().filter(|c| *c != Component::CurDir);
    for wanted in dir.components().filter(|c| *c != Component::CurDir) {
        if rest.next()? != wanted {
            return None;
        }
    }
    Some(rest.collect())
}

/// Builds a [`Policy`]. Each method is one grant, one `wasock run` flag and
/// one key of a policy file; grants add up, and nothing is granted unless
/// a method grants it.
///
/// Two builders are equal when they grant the same: that is how a policy
/// file and the equivalent flags are compared.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PolicyBuilder {
    bind: Vec<AddrRule>,
    listen: Vec<AddrRule>,
    connect: Vec<AddrRule>,
    send_to: Vec<AddrRule>,
    accept: Vec<AddrRule>,
    recv_from: Vec<AddrRule>,
    loopback_only: bool,
    unprivileged_ports: bool,
    privileged_ports: bool,
    broadcast: bool,
    unix_dirs: Vec<UnixDir>,
    abstract_prefixes: Vec<Vec<u8>>,
    raw: bool,
    icmp: bool,
    multicast: bool,
    dns: bool,
    dns_names: Vec<NamePattern>,
    reverse_dns: bool,
    host_name: Option<String>,
    real_host_name: bool,
    interfaces: bool,
    socket_buffers: Option<usize>,
}

impl PolicyBuilder {
    /// A builder holding the grants of a TOML document (see
    /// `examples/policy.toml`). Unknown keys and bad rules are errors
    /// naming the line.
    pub fn from_toml_str(text: &str) -> Result<PolicyBuilder, PolicyError> {
        file::parse(text, "policy")
    }

    /// A builder holding the grants of a TOML file. Relative Unix
    /// directories in it are relative to the working directory, as on the
    /// command line.
    pub fn from_toml_file(path: &Path) -> Result<PolicyBuilder, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::File {
            path: path.to_path_buf(),
            source,
        })?;
        file::parse(&text, &path.display().to_string())
    }

    /// Grant connecting to, and sending datagrams to, addresses the rule
    /// matches. `wasock run --allow-connect TARGET:PORTS`; TOML
    /// `[net] connect`.
    pub fn allow_connect(&mut self, rule: AddrRule) -> &mut Self {
        self.connect.push(rule);
        self
    }

    /// Grant binding, and listening on, addresses the rule matches (ports
    /// below 1024 also need [`allow_privileged_ports`](Self::allow_privileged_ports)).
    /// `wasock run --allow-bind TARGET:PORTS`; TOML `[net] bind`.
    pub fn allow_bind(&mut self, rule: AddrRule) -> &mut Self {
        self.bind.push(rule);
        self
    }

    /// Grant listening on addresses the rule matches: the address a socket
    /// is bound to, or `0.0.0.0:0` / `[::]:0` for the implicit bind of an
    /// unbound one. `wasock run --allow-listen TARGET:PORTS`; TOML
    /// `[net] listen`.
    pub fn allow_listen(&mut self, rule: AddrRule) -> &mut Self {
        self.listen.push(rule);
        self
    }

    /// Grant sending datagrams to addresses the rule matches (not
    /// connecting). `wasock run --allow-send-to TARGET:PORTS`; TOML
    /// `[net] send-to`.
    pub fn allow_send_to(&mut self, rule: AddrRule) -> &mut Self {
        self.send_to.push(rule);
        self
    }

    /// Accept connections only from peers that accept rules match: with
    /// none configured every peer is accepted; with any, other peers are
    /// closed before the guest sees them. `wasock run --allow-accept
    /// TARGET:PORTS`; TOML `[net] accept`.
    pub fn allow_accept(&mut self, rule: AddrRule) -> &mut Self {
        self.accept.push(rule);
        self
    }

    /// Receive datagrams only from sources that recv-from rules (or send-to
    /// rules) match: with none configured every source is allowed; with
    /// any, datagrams from other sources are dropped. `wasock run
    /// --allow-recv-from TARGET:PORTS`; TOML `[net] recv-from`.
    pub fn allow_recv_from(&mut self, rule: AddrRule) -> &mut Self {
        self.recv_from.push(rule);
        self
    }

    /// Grant everything on loopback (127.0.0.0/8 and ::1, every port): bind,
    /// listen, connect, send-to, and accept and recv-from rules for
    /// loopback (so peers elsewhere are dropped). Privileged ports still
    /// need their grant. `wasock run --loopback-only`; TOML
    /// `[net] loopback-only`.
    pub fn loopback_only(&mut self, allow: bool) -> &mut Self {
        self.loopback_only = allow;
        self
    }

    /// Grant bind, listen, connect and send-to on any address for the
    /// ports 1024 to 65535 (and binding port 0, an ephemeral port).
    /// `wasock run --unprivileged-ports`; TOML `[net] unprivileged-ports`.
    pub fn unprivileged_ports(&mut self, allow: bool) -> &mut Self {
        self.unprivileged_ports = allow;
        self
    }

    /// Grant binding and listening on ports 1 to 1023 where a rule grants
    /// the address; without it they are denied even when a rule matches.
    /// `wasock run --allow-privileged-ports`; TOML `[net] privileged-ports`.
    pub fn allow_privileged_ports(&mut self, allow: bool) -> &mut Self {
        self.privileged_ports = allow;
        self
    }

    /// Grant setting `SO_BROADCAST` and connecting or sending to broadcast
    /// addresses (255.255.255.255 and the interfaces' directed broadcast
    /// addresses); a rule must still grant the address.
    /// `wasock run --allow-broadcast`; TOML `[net] broadcast`.
    pub fn allow_broadcast(&mut self, allow: bool) -> &mut Self {
        self.broadcast = allow;
        self
    }

    /// Grant binding and connecting Unix sockets beneath a host directory,
    /// under the name the guest uses for it.
    /// `wasock run --allow-unix HOST_DIR[::GUEST_DIR]`; TOML `[unix] dirs`.
    pub fn allow_unix(&mut self, dir: UnixDir) -> &mut Self {
        self.unix_dirs.push(dir);
        self
    }

    /// Grant binding and connecting Unix sockets beneath a directory that
    /// the guest names as the host does: `allow_unix(UnixDir::new(dir))`.
    pub fn allow_unix_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.allow_unix(UnixDir::new(dir))
    }

    /// Grant raw sockets (`SOCK_RAW`); the kernel still requires
    /// `CAP_NET_RAW`. `wasock run --allow-raw`; TOML `[net] raw`.
    pub fn allow_raw(&mut self, allow: bool) -> &mut Self {
        self.raw = allow;
        self
    }

    /// Grant ICMP "ping" sockets; the kernel still checks
    /// `net.ipv4.ping_group_range`. `wasock run --allow-icmp`; TOML
    /// `[net] icmp`.
    pub fn allow_icmp(&mut self, allow: bool) -> &mut Self {
        self.icmp = allow;
        self
    }

    /// Grant Unix sockets in the abstract namespace whose names start with
    /// `prefix`; the empty prefix grants every name, and autobind.
    /// `wasock run --allow-abstract PREFIX`; TOML `[unix] abstract`.
    pub fn allow_unix_abstract(&mut self, prefix: impl Into<Vec<u8>>) -> &mut Self {
        self.abstract_prefixes.push(prefix.into());
        self
    }

    /// Grant (or revoke) looking up every name through the host's
    /// resolver. `wasock run --allow-dns`; TOML `[names] dns`.
    pub fn allow_dns(&mut self, allow: bool) -> &mut Self {
        self.dns = allow;
        self
    }

    /// Grant looking up names that match `pattern` (`*.example.com`)
    /// through the host's resolver. `wasock run --allow-dns-name PATTERN`;
    /// TOML `[names] dns-names`.
    pub fn allow_dns_name(&mut self, pattern: NamePattern) -> &mut Self {
        self.dns_names.push(pattern);
        self
    }

    /// Grant (or revoke) joining multicast groups. Sending to a group is
    /// a `send-to` and needs a connect or send-to rule as well.
    /// `wasock run --allow-multicast`; TOML `[net] multicast`.
    pub fn allow_multicast(&mut self, allow: bool) -> &mut Self {
        self.multicast = allow;
        self
    }

    /// Grant (or revoke) reverse lookups (an address's name) through the
    /// host's resolver. `wasock run --allow-reverse-dns`; TOML
    /// `[names] reverse-dns`.
    pub fn allow_reverse_dns(&mut self, allow: bool) -> &mut Self {
        self.reverse_dns = allow;
        self
    }

    /// Set the host name the guest sees (default `localhost`).
    /// `wasock run --host-name NAME`; TOML `[names] host-name`.
    pub fn host_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.host_name = Some(name.into());
        self
    }

    /// Grant (or revoke) seeing the host's real name instead of the
    /// configured one. `wasock run --allow-host-name`; TOML
    /// `[names] real-host-name`.
    pub fn allow_real_host_name(&mut self, allow: bool) -> &mut Self {
        self.real_host_name = allow;
        self
    }

    /// Grant (or revoke) listing network interfaces and translating their
    /// names and indexes. `wasock run --allow-interfaces`; TOML
    /// `[names] interfaces`.
    pub fn allow_interfaces(&mut self, allow: bool) -> &mut Self {
        self.interfaces = allow;
        self
    }

    /// Set the guest's socket-buffer budget, in bytes
    /// ([`Limits::max_buffer_bytes`](crate::Limits::max_buffer_bytes)),
    /// which [`SocketsCtx::new`](crate::SocketsCtx::new) applies. TOML
    /// `[quotas] socket-buffers`; `wasock run --max-socket-buffers`
    /// overrides it.
    pub fn max_socket_buffers(&mut self, bytes: usize) -> &mut Self {
        self.socket_buffers = Some(bytes);
        self
    }

    /// Build the policy: resolve the host names rules name, open every
    /// granted directory, and note the host's broadcast addresses. A
    /// configured host name and the real one cannot both be granted,
    /// whichever front ends granted them.
    pub fn build(&self) -> Result<Policy, PolicyError> {
        if let (Some(name), true) = (&self.host_name, self.real_host_name) {
            return Err(PolicyError::Rule(format!(
                "the host name `{name}` and the real host name are both granted: choose one"
            )));
        }
        // The working directory anchors relative Unix paths; a host whose
        // working directory is gone can still grant absolute ones.
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        let unix = self
            .unix_dirs
            .iter()
            .map(|grant| {
                let host = cwd.join(&grant.host);
                let dir = unix_path::open_dir(&host).map_err(|source| PolicyError::UnixDir {
                    path: grant.host.clone(),
                    source,
                })?;
                let guest = grant.guest.as_ref().map_or(host.clone(), |g| cwd.join(g));
                Ok(UnixGrant {
                    guest: normalize(&guest),
                    host: normalize(&host),
                    dir,
                })
            })
            .collect::<Result<Vec<_>, PolicyError>>()?;

        let resolve = |rules: &[AddrRule]| -> Result<Vec<AddrRule>, PolicyError> {
            let mut resolved = Vec::new();
            for rule in rules {
                resolved.extend(rule.resolve()?);
            }
            Ok(resolved)
        };
        let (bind, listen) = (resolve(&self.bind)?, resolve(&self.listen)?);
        let (connect, send_to) = (resolve(&self.connect)?, resolve(&self.send_to)?);
        let (accept, recv_from) = (resolve(&self.accept)?, resolve(&self.recv_from)?);

        let loopback = if self.loopback_only {
            vec![
                AddrRule::new(
                    IpNet::new(Ipv4Addr::new(127, 0, 0, 0).into(), 8).expect("a valid prefix"),
                    PortRange::all(),
                ),
                AddrRule::new(
                    IpNet::from(IpAddr::from(Ipv6Addr::LOCALHOST)),
                    PortRange::all(),
                ),
            ]
        } else {
            Vec::new()
        };
        let (unprivileged, ephemeral) = if self.unprivileged_ports {
            (
                vec![AddrRule::any(PortRange::unprivileged())],
                vec![AddrRule::any(PortRange::new(0, 0).expect("a valid range"))],
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let local = [&loopback[..], &unprivileged, &ephemeral].concat();
        let remote = [&loopback[..], &unprivileged].concat();

        let rule_names = [
            &self.bind,
            &self.listen,
            &self.connect,
            &self.send_to,
            &self.accept,
            &self.recv_from,
        ]
        .into_iter()
        .flatten()
        .filter_map(|rule| rule.name().map(str::to_string))
        .collect();

        Ok(Policy {
            bind: [&bind[..], &local].concat(),
            listen: [&bind[..], &listen, &local].concat(),
            connect: [&connect[..], &remote].concat(),
            send_to: [&connect[..], &send_to, &remote].concat(),
            accept: [&accept[..], &loopback].concat(),
            recv_from: [&recv_from[..], &loopback].concat(),
            privileged_ports: self.privileged_ports,
            broadcast: self.broadcast,
            // Only sends that a rule grants reach the broadcast check.
            broadcast_addrs: if self.broadcast
                || (connect.is_empty() && send_to.is_empty() && remote.is_empty())
            {
                Vec::new()
            } else {
                interface_broadcast_addresses()
            },
            unix: Arc::new(unix),
            abstract_prefixes: self.abstract_prefixes.clone(),
            raw: self.raw,
            icmp: self.icmp,
            multicast: self.multicast,
            dns: self.dns,
            dns_names: self.dns_names.clone(),
            rule_names,
            reverse_dns: self.reverse_dns,
            host_name: self.host_name.clone(),
            real_host_name: self.real_host_name,
            interfaces: self.interfaces,
            socket_buffers: self.socket_buffers,
            cwd,
            audit: None,
        })
    }
}

/// A yes-or-no grant method of the builder, as the front ends list them.
type Switch = for<'a> fn(&'a mut PolicyBuilder, bool) -> &'a mut PolicyBuilder;

/// Drop `.` components so that grant paths compare component by component.
fn normalize(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| *c != Component::CurDir)
        .collect()
}

/// The directed broadcast addresses of the host's IPv4 interfaces
/// (`getifaddrs(3)`); none if they cannot be listed.
fn interface_broadcast_addresses() -> Vec<Ipv4Addr> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: `list` receives a list that is freed below.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        tracing::debug!(
            "getifaddrs failed ({}); only 255.255.255.255 counts as broadcast",
            std::io::Error::last_os_error()
        );
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut entry = list;
    while !entry.is_null() {
        // SAFETY: `entry` is a node of the list getifaddrs returned.
        let interface = unsafe { &*entry };
        let broadcast = interface.ifa_ifu;
        if interface.ifa_flags & libc::IFF_BROADCAST as u32 != 0
            && !broadcast.is_null()
            // SAFETY: a non-null `ifa_broadaddr` points to a `sockaddr`.
            && i32::from(unsafe { (*broadcast).sa_family }) == libc::AF_INET
        {
            // SAFETY: an `AF_INET` address is a `sockaddr_in`.
            let sin = unsafe { &*(broadcast as *const libc::sockaddr_in) };
            let address = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
            if !found.contains(&address) {
                found.push(address);
            }
        }
        entry = interface.ifa_next;
    }
    // SAFETY: `list` came from getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(list) };
    found
}

#[cfg(test)]
mod tests;
