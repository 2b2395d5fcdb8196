//! The capability policy: what a guest may do with addresses, Unix paths and
//! name lookups. Everything is denied unless a rule grants it.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::ops::RangeInclusive;
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use ipnet::IpNet;

use crate::core::SocketError;
use crate::core::unix_path;

/// A use of an IP address that the policy decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrUse {
    /// `bind` to a local address: granted by bind rules.
    Bind,
    /// The implicit bind of `listen` on an unbound socket, checked as a bind
    /// of the unspecified address and port 0: granted by bind rules.
    ListenImplicitBind,
    /// `connect` to a remote address: granted by connect rules. The kernel's
    /// implicit bind to an ephemeral port is part of the grant, since a
    /// connected socket only talks to its peer.
    Connect,
    /// `send-to` a remote address: granted by connect rules, like `connect`.
    /// The implicit bind of an unbound datagram socket is part of the grant.
    SendTo,
}

impl AddrUse {
    fn verb(self) -> &'static str {
        match self {
            AddrUse::Bind => "bind to",
            AddrUse::ListenImplicitBind => "listen (implicit bind) on",
            AddrUse::Connect => "connect to",
            AddrUse::SendTo => "send to",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            AddrUse::Bind | AddrUse::ListenImplicitBind => "--allow-bind",
            AddrUse::Connect | AddrUse::SendTo => "--allow-connect",
        }
    }
}

/// An inclusive range of ports, written `N`, `N-M` or `*` (all, including 0,
/// which asks the kernel for an ephemeral port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortRange(RangeInclusive<u16>);

impl PortRange {
    /// Every port, 0 to 65535.
    pub fn all() -> Self {
        PortRange(0..=u16::MAX)
    }

    /// Whether `port` lies in the range.
    pub fn contains(&self, port: u16) -> bool {
        self.0.contains(&port)
    }
}

impl FromStr for PortRange {
    type Err = PolicyError;

    fn from_str(text: &str) -> Result<Self, PolicyError> {
        let bad = || PolicyError::Rule(format!("bad port range `{text}`: use N, N-M or *"));
        if text == "*" {
            return Ok(PortRange::all());
        }
        let (low, high) = text.split_once('-').unwrap_or((text, text));
        let low: u16 = low.parse().map_err(|_| bad())?;
        let high: u16 = high.parse().map_err(|_| bad())?;
        if low > high {
            return Err(bad());
        }
        Ok(PortRange(low..=high))
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (*self.0.start(), *self.0.end()) {
            (0, u16::MAX) => f.write_str("*"),
            (low, high) if low == high => write!(f, "{low}"),
            (low, high) => write!(f, "{low}-{high}"),
        }
    }
}

/// A rule granting a network and a range of ports, written `CIDR:PORTS`:
/// `127.0.0.1/32:10000`, `0.0.0.0/0:1024-65535`, `[::1]/128:*`. A bare
/// address stands for a single host (`127.0.0.1:80`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrRule {
    net: IpNet,
    ports: PortRange,
}

impl AddrRule {
    /// A rule for `net` and `ports`.
    pub fn new(net: IpNet, ports: PortRange) -> Self {
        AddrRule { net, ports }
    }

    /// Whether the rule grants `addr`. IPv4-mapped IPv6 addresses are
    /// matched as the IPv4 address they reach.
    pub fn matches(&self, addr: SocketAddr) -> bool {
        self.net.contains(&addr.ip().to_canonical()) && self.ports.contains(addr.port())
    }
}

impl FromStr for AddrRule {
    type Err = PolicyError;

    fn from_str(text: &str) -> Result<Self, PolicyError> {
        let bad = |why: &str| {
            PolicyError::Rule(format!(
                "bad rule `{text}`: {why} (expected CIDR:PORTS, e.g. 127.0.0.1/32:8000-9000)"
            ))
        };
        let (net, ports) = text.rsplit_once(':').ok_or_else(|| bad("no port range"))?;
        let net = net.replace(['[', ']'], "");
        let net = match net.parse::<IpNet>() {
            Ok(net) => net,
            Err(_) => IpNet::from(
                net.parse::<IpAddr>()
                    .map_err(|_| bad("not an address or network"))?,
            ),
        };
        let net = match net {
            IpNet::V6(v6) => match v6.addr().to_ipv4_mapped() {
                Some(v4) => IpNet::new(IpAddr::V4(v4), v6.prefix_len().saturating_sub(96))
                    .map_err(|_| bad("bad prefix"))?,
                None => IpNet::V6(v6),
            },
            v4 => v4,
        };
        Ok(AddrRule {
            net,
            ports: ports.parse()?,
        })
    }
}

impl fmt::Display for AddrRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.net {
            IpNet::V4(net) => write!(f, "{net}:{}", self.ports),
            IpNet::V6(net) => write!(f, "[{}]/{}:{}", net.addr(), net.prefix_len(), self.ports),
        }
    }
}

/// A directory in which the guest may bind and connect Unix sockets.
#[derive(Debug)]
pub(crate) struct UnixGrant {
    /// The directory's absolute path, as the guest names it.
    pub(crate) path: PathBuf,
    /// The directory, opened once; every guest path resolves beneath it.
    pub(crate) dir: OwnedFd,
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
}

/// The capability policy of a guest. [`Policy::default`] denies everything.
///
/// Cloning is cheap: the granted directories are shared.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    connect: Vec<AddrRule>,
    bind: Vec<AddrRule>,
    unix: Arc<Vec<UnixGrant>>,
    abstract_prefixes: Vec<Vec<u8>>,
    raw: bool,
    icmp: bool,
    dns: bool,
    multicast: bool,
    reverse_dns: bool,
    host_name: Option<String>,
    real_host_name: bool,
    interfaces: bool,
    cwd: PathBuf,
}

impl Policy {
    /// A builder starting from a policy that denies everything.
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::default()
    }

    /// Check a use of an IP address. A denial is `EACCES` naming the use,
    /// the address and the grant that would allow it.
    pub fn check_ip(&self, used_as: AddrUse, addr: SocketAddr) -> Result<(), SocketError> {
        let rules = match used_as {
            AddrUse::Bind | AddrUse::ListenImplicitBind => &self.bind,
            AddrUse::Connect | AddrUse::SendTo => &self.connect,
        };
        if rules.iter().any(|rule| rule.matches(addr)) {
            tracing::debug!(target: "wasock::policy", "allowed: {} {addr}", used_as.verb());
            return Ok(());
        }
        let message = format!(
            "{} {addr} is not granted by the policy (grant it with {})",
            used_as.verb(),
            used_as.flag()
        );
        tracing::debug!(target: "wasock::policy", "denied: {message}");
        Err(SocketError::denied(message))
    }

    /// Check a Unix abstract-namespace name (without its leading NUL): it
    /// must start with a granted prefix.
    pub fn check_abstract(&self, name: &[u8]) -> Result<(), SocketError> {
        if self
            .abstract_prefixes
            .iter()
            .any(|prefix| name.starts_with(prefix))
        {
            return Ok(());
        }
        Err(SocketError::denied(format!(
            "abstract Unix socket name `@{}` is not granted by the policy (grant a prefix with --allow-abstract)",
            name.escape_ascii()
        )))
    }

    /// Check the creation of a raw socket (`SOCK_RAW`).
    pub fn check_raw(&self) -> Result<(), SocketError> {
        if self.raw {
            return Ok(());
        }
        Err(SocketError::denied(
            "raw sockets are not granted by the policy (grant them with --allow-raw)",
        ))
    }

    /// Check the creation of an ICMP "ping" socket (`SOCK_DGRAM` with
    /// `IPPROTO_ICMP` or `IPPROTO_ICMPV6`).
    pub fn check_icmp(&self) -> Result<(), SocketError> {
        if self.icmp {
            return Ok(());
        }
        Err(SocketError::denied(
            "ICMP sockets are not granted by the policy (grant them with --allow-icmp)",
        ))
    }

    /// Check an autobind (the kernel picks a random abstract name): only a
    /// grant of every abstract name (the empty prefix) allows it.
    pub fn check_autobind(&self) -> Result<(), SocketError> {
        if self.abstract_prefixes.iter().any(Vec::is_empty) {
            return Ok(());
        }
        Err(SocketError::denied(
            "an autobound (random abstract) Unix socket name is not granted by the policy (grant it with --allow-abstract '')",
        ))
    }

    /// Whether the guest may look names up through the host's resolver.
    pub fn allows_dns(&self) -> bool {
        self.dns
    }

    /// Check joining a multicast group (`IP_ADD_MEMBERSHIP`,
    /// `IP_ADD_SOURCE_MEMBERSHIP`, `IPV6_JOIN_GROUP`). Leaving a group
    /// needs no grant.
    pub fn check_multicast(&self, group: IpAddr) -> Result<(), SocketError> {
        if self.multicast {
            tracing::debug!(target: "wasock::policy", "allowed: join multicast group {group}");
            return Ok(());
        }
        let message = format!(
            "joining multicast group {group} is not granted by the policy (grant it with --allow-multicast)"
        );
        tracing::debug!(target: "wasock::policy", "denied: {message}");
        Err(SocketError::denied(message))
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

    /// Whether the guest may list network interfaces and translate their
    /// names and indexes.
    pub fn allows_interfaces(&self) -> bool {
        self.interfaces
    }

    /// Find the grant covering a guest Unix path and the path relative to
    /// it. Relative guest paths are relative to the host's working
    /// directory when the policy was built.
    pub(crate) fn unix_grant_for(
        &self,
        guest_path: &str,
    ) -> Result<(&UnixGrant, PathBuf), SocketError> {
        let absolute = self.cwd.join(guest_path);
        self.unix
            .iter()
            .find_map(|grant| lexical_suffix(&absolute, &grant.path).map(|rest| (grant, rest)))
            .ok_or_else(|| {
                SocketError::denied(format!(
                    "Unix socket path `{guest_path}` is outside every granted directory (grant one with --allow-unix)"
                ))
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

/// Builds a [`Policy`]; each method is one grant, and one `wasock run` flag.
#[derive(Debug, Default)]
pub struct PolicyBuilder {
    connect: Vec<AddrRule>,
    bind: Vec<AddrRule>,
    unix_dirs: Vec<PathBuf>,
    abstract_prefixes: Vec<Vec<u8>>,
    raw: bool,
    icmp: bool,
    dns: bool,
    multicast: bool,
    reverse_dns: bool,
    host_name: Option<String>,
    real_host_name: bool,
    interfaces: bool,
}

impl PolicyBuilder {
    /// Grant connecting (and sending datagrams) to addresses the rule
    /// matches. `wasock run --allow-connect CIDR:PORTS`.
    pub fn allow_connect(&mut self, rule: AddrRule) -> &mut Self {
        self.connect.push(rule);
        self
    }

    /// Grant binding (and listening on) addresses the rule matches.
    /// `wasock run --allow-bind CIDR:PORTS`.
    pub fn allow_bind(&mut self, rule: AddrRule) -> &mut Self {
        self.bind.push(rule);
        self
    }

    /// Grant binding and connecting Unix sockets beneath a directory.
    /// `wasock run --allow-unix DIR`.
    pub fn allow_unix_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.unix_dirs.push(dir.into());
        self
    }

    /// Grant raw sockets (`SOCK_RAW`); the kernel still requires
    /// `CAP_NET_RAW`. `wasock run --allow-raw`.
    pub fn allow_raw(&mut self, allow: bool) -> &mut Self {
        self.raw = allow;
        self
    }

    /// Grant ICMP "ping" sockets; the kernel still checks
    /// `net.ipv4.ping_group_range`. `wasock run --allow-icmp`.
    pub fn allow_icmp(&mut self, allow: bool) -> &mut Self {
        self.icmp = allow;
        self
    }

    /// Grant Unix sockets in the abstract namespace whose names start with
    /// `prefix`; the empty prefix grants every name, and autobind.
    /// `wasock run --allow-abstract PREFIX`.
    pub fn allow_unix_abstract(&mut self, prefix: impl Into<Vec<u8>>) -> &mut Self {
        self.abstract_prefixes.push(prefix.into());
        self
    }

    /// Grant (or revoke) name lookups through the host's resolver.
    /// `wasock run --allow-dns`.
    pub fn allow_dns(&mut self, allow: bool) -> &mut Self {
        self.dns = allow;
        self
    }

    /// Grant (or revoke) joining multicast groups. Sending to a group is
    /// a `send-to` and needs a connect rule as well.
    /// `wasock run --allow-multicast`.
    pub fn allow_multicast(&mut self, allow: bool) -> &mut Self {
        self.multicast = allow;
        self
    }

    /// Grant (or revoke) reverse lookups (an address's name) through the
    /// host's resolver. `wasock run --allow-reverse-dns`.
    pub fn allow_reverse_dns(&mut self, allow: bool) -> &mut Self {
        self.reverse_dns = allow;
        self
    }

    /// Set the host name the guest sees (default `localhost`).
    /// `wasock run --host-name NAME`.
    pub fn host_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.host_name = Some(name.into());
        self
    }

    /// Grant (or revoke) seeing the host's real name instead of the
    /// configured one. `wasock run --allow-host-name`.
    pub fn allow_real_host_name(&mut self, allow: bool) -> &mut Self {
        self.real_host_name = allow;
        self
    }

    /// Grant (or revoke) listing network interfaces and translating their
    /// names and indexes. `wasock run --allow-interfaces`.
    pub fn allow_interfaces(&mut self, allow: bool) -> &mut Self {
        self.interfaces = allow;
        self
    }

    /// Build the policy, opening every granted directory.
    pub fn build(&self) -> Result<Policy, PolicyError> {
        let cwd = std::env::current_dir().map_err(|source| PolicyError::UnixDir {
            path: ".".into(),
            source,
        })?;
        let unix = self
            .unix_dirs
            .iter()
            .map(|dir| {
                let path = cwd.join(dir);
                let fd = unix_path::open_dir(&path).map_err(|source| PolicyError::UnixDir {
                    path: dir.clone(),
                    source,
                })?;
                Ok(UnixGrant {
                    path: normalize(&path),
                    dir: fd,
                })
            })
            .collect::<Result<Vec<_>, PolicyError>>()?;
        Ok(Policy {
            connect: self.connect.clone(),
            bind: self.bind.clone(),
            unix: Arc::new(unix),
            abstract_prefixes: self.abstract_prefixes.clone(),
            raw: self.raw,
            icmp: self.icmp,
            dns: self.dns,
            multicast: self.multicast,
            reverse_dns: self.reverse_dns,
            host_name: self.host_name.clone(),
            real_host_name: self.real_host_name,
            interfaces: self.interfaces,
            cwd,
        })
    }
}

/// Drop `.` components so that grant paths compare component by component.
fn normalize(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| *c != Component::CurDir)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_and_match() {
        let rule: AddrRule = "127.0.0.1/32:10000".parse().unwrap();
        assert!(rule.matches("127.0.0.1:10000".parse().unwrap()));
        assert!(!rule.matches("127.0.0.1:10001".parse().unwrap()));
        assert!(!rule.matches("127.0.0.2:10000".parse().unwrap()));
        assert!(
            rule.matches("[::ffff:127.0.0.1]:10000".parse().unwrap()),
            "mapped addresses match as IPv4"
        );

        let rule: AddrRule = "[::1]/128:1000-2000".parse().unwrap();
        assert!(rule.matches("[::1]:1500".parse().unwrap()));
        assert!(!rule.matches("[::1]:999".parse().unwrap()));

        let rule: AddrRule = "::ffff:10.0.0.0/104:*".parse().unwrap();
        assert!(
            rule.matches("10.1.2.3:0".parse().unwrap()),
            "a mapped rule matches IPv4 peers"
        );

        let rule: AddrRule = "10.0.0.1:80".parse().unwrap();
        assert_eq!(rule.to_string(), "10.0.0.1/32:80");
    }

    #[test]
    fn bad_rules_are_rejected() {
        for text in [
            "127.0.0.1",
            "127.0.0.1/33:80",
            "localhost:80",
            "1.2.3.4:80-70",
            "1.2.3.4:x",
        ] {
            assert!(text.parse::<AddrRule>().is_err(), "{text} parsed");
        }
    }

    #[test]
    fn default_denies() {
        let policy = Policy::default();
        let err = policy
            .check_ip(AddrUse::Connect, "127.0.0.1:10000".parse().unwrap())
            .unwrap_err();
        assert_eq!(err.raw_errno(), Some(libc::EACCES));
        assert!(
            err.to_string().contains("connect to 127.0.0.1:10000"),
            "{err}"
        );
        assert!(!policy.allows_dns());
        let err = policy
            .check_multicast("239.1.2.3".parse().unwrap())
            .unwrap_err();
        assert_eq!(err.raw_errno(), Some(libc::EACCES));
        let text = err.to_string();
        assert!(
            text.contains("239.1.2.3") && text.contains("--allow-multicast"),
            "{text}"
        );
        assert!(!policy.allows_reverse_dns());
        assert!(!policy.allows_real_host_name());
        assert!(!policy.allows_interfaces());
        assert_eq!(policy.host_name(), "localhost");
    }

    #[test]
    fn allow_multicast_grants_joining() {
        let policy = Policy::builder().allow_multicast(true).build().unwrap();
        assert!(policy.check_multicast("ff12::1".parse().unwrap()).is_ok());
    }

    #[test]
    fn lexical_suffix_is_by_component() {
        assert_eq!(
            lexical_suffix(Path::new("/a/b/./c"), Path::new("/a/b")),
            Some(PathBuf::from("c"))
        );
        assert_eq!(lexical_suffix(Path::new("/a/bc"), Path::new("/a/b")), None);
        assert_eq!(
            lexical_suffix(Path::new("/a/b/../x"), Path::new("/a/b")),
            Some(PathBuf::from("../x"))
        );
    }
}
