//! The grammar of grants: port ranges, address rules (`TARGET:PORTS`),
//! granted Unix directories (`HOST_DIR[::GUEST_DIR]`) and host-name
//! patterns (`*.example.com`). Each parses from the text a flag or a TOML
//! string holds, and prints back to it.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::str::FromStr;

use ipnet::IpNet;

use super::PolicyError;

/// The first port that is not privileged: binding a port below it needs
/// `--allow-privileged-ports` as well as a rule.
pub const FIRST_UNPRIVILEGED_PORT: u16 = 1024;

/// An inclusive range of ports, written `N`, `N-M` or `*` (all, including 0,
/// which asks the kernel for an ephemeral port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortRange(RangeInclusive<u16>);

impl PortRange {
    /// Every port, 0 to 65535.
    pub fn all() -> Self {
        PortRange(0..=u16::MAX)
    }

    /// The ports `low` to `high`, inclusive; `None` if `low > high`.
    pub fn new(low: u16, high: u16) -> Option<Self> {
        (low <= high).then_some(PortRange(low..=high))
    }

    /// The unprivileged ports, 1024 to 65535.
    pub fn unprivileged() -> Self {
        PortRange(FIRST_UNPRIVILEGED_PORT..=u16::MAX)
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
        PortRange::new(low, high).ok_or_else(bad)
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

/// What an [`AddrRule`] names: a network, every address, or a host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A network in CIDR notation (a bare address is a /32 or /128). The
    /// families are written `ipv4` (`0.0.0.0/0`) and `ipv6` (`::/0`).
    Net(IpNet),
    /// Every IPv4 and IPv6 address, written `*` or `any`.
    Any,
    /// A host name, resolved by the host's resolver when the policy is
    /// built; the rule grants the addresses it resolved to then.
    Name(String),
}

/// A rule granting addresses and a range of ports, written `TARGET:PORTS`
/// where TARGET is a network in CIDR notation, a bare address, `ipv4`,
/// `ipv6`, `*` (both families) or a host name:
/// `127.0.0.1/32:10000`, `0.0.0.0/0:1024-65535`, `[::1]/128:*`,
/// `ipv6:443`, `localhost:8080`, `example.com:443`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrRule {
    target: Target,
    ports: PortRange,
}

impl AddrRule {
    /// A rule for `net` and `ports`.
    pub fn new(net: IpNet, ports: PortRange) -> Self {
        AddrRule {
            target: Target::Net(canonical_net(net)),
            ports,
        }
    }

    /// A rule for every address (both families) and `ports`.
    pub fn any(ports: PortRange) -> Self {
        AddrRule {
            target: Target::Any,
            ports,
        }
    }

    /// A rule for the addresses `name` resolves to when the policy is
    /// built, and `ports`.
    pub fn host(name: &str, ports: PortRange) -> Result<Self, PolicyError> {
        let name = host_name(name)
            .ok_or_else(|| PolicyError::Rule(format!("`{name}` is not a valid host name")))?;
        Ok(AddrRule {
            target: Target::Name(name),
            ports,
        })
    }

    /// What the rule names.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The ports the rule grants.
    pub fn ports(&self) -> &PortRange {
        &self.ports
    }

    /// Whether the rule grants `addr`. IPv4-mapped IPv6 addresses are
    /// matched as the IPv4 address they reach. A host-name rule matches
    /// nothing until [`PolicyBuilder::build`](super::PolicyBuilder::build)
    /// resolves it into address rules.
    pub fn matches(&self, addr: SocketAddr) -> bool {
        self.ports.contains(addr.port())
            && match &self.target {
                Target::Net(net) => net.contains(&addr.ip().to_canonical()),
                Target::Any => true,
                Target::Name(_) => false,
            }
    }

    /// The rule as address rules: a host-name rule becomes one rule per
    /// address the host's resolver gives for the name now.
    pub(crate) fn resolve(&self) -> Result<Vec<AddrRule>, PolicyError> {
        let Target::Name(name) = &self.target else {
            return Ok(vec![self.clone()]);
        };
        let found = (name.as_str(), 0)
            .to_socket_addrs()
            .map_err(|error| PolicyError::Resolve {
                name: name.clone(),
                source: error,
            })?;
        let mut rules: Vec<AddrRule> = Vec::new();
        for address in found {
            let rule = AddrRule::new(IpNet::from(address.ip()), self.ports.clone());
            if !rules.contains(&rule) {
                rules.push(rule);
            }
        }
        Ok(rules)
    }

    /// The host name of a host-name rule.
    pub(crate) fn name(&self) -> Option<&str> {
        match &self.target {
            Target::Name(name) => Some(name),
            _ => None,
        }
    }
}

/// An IPv4-mapped IPv6 network as the IPv4 network it reaches, so that it
/// matches the canonical addresses rules are checked with.
fn canonical_net(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) => match v6.addr().to_ipv4_mapped() {
            Some(v4) if v6.prefix_len() >= 96 => {
                IpNet::new(IpAddr::V4(v4), v6.prefix_len() - 96).unwrap_or(IpNet::V6(v6))
            }
            _ => IpNet::V6(v6),
        },
        v4 => v4,
    }
}

impl FromStr for AddrRule {
    type Err = PolicyError;

    fn from_str(text: &str) -> Result<Self, PolicyError> {
        let bad = |why: &str| {
            PolicyError::Rule(format!(
                "bad rule `{text}`: {why} (expected TARGET:PORTS, e.g. 127.0.0.1/32:8000-9000, ipv6:443, localhost:8080)"
            ))
        };
        let (target, ports) = text.rsplit_once(':').ok_or_else(|| bad("no port range"))?;
        let ports: PortRange = ports.parse()?;
        match target {
            "*" | "any" => return Ok(AddrRule::any(ports)),
            "ipv4" => {
                return Ok(AddrRule::new(
                    IpNet::new(Ipv4Addr::UNSPECIFIED.into(), 0).expect("a valid prefix"),
                    ports,
                ));
            }
            "ipv6" => {
                return Ok(AddrRule::new(
                    IpNet::new(Ipv6Addr::UNSPECIFIED.into(), 0).expect("a valid prefix"),
                    ports,
                ));
            }
            _ => {}
        }
        let net = match target.strip_prefix('[') {
            Some(bracketed) => match bracketed.split_once(']') {
                Some((address, prefix)) if prefix.is_empty() || prefix.starts_with('/') => {
                    format!("{address}{prefix}")
                }
                _ => return Err(bad("unbalanced brackets")),
            },
            None => target.to_string(),
        };
        if let Ok(net) = net.parse::<IpNet>() {
            return Ok(AddrRule::new(net, ports));
        }
        if let Ok(address) = net.parse::<IpAddr>() {
            return Ok(AddrRule::new(IpNet::from(address), ports));
        }
        match host_name(target) {
            Some(_) => AddrRule::host(target, ports),
            None => Err(bad("not an address, a network, a family or a host name")),
        }
    }
}

impl fmt::Display for AddrRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.target {
            Target::Net(IpNet::V4(net)) => write!(f, "{net}:{}", self.ports),
            Target::Net(IpNet::V6(net)) => {
                write!(f, "[{}]/{}:{}", net.addr(), net.prefix_len(), self.ports)
            }
            Target::Any => write!(f, "*:{}", self.ports),
            Target::Name(name) => write!(f, "{name}:{}", self.ports),
        }
    }
}

/// `name` in the form rules and lookups compare (lower case, without a
/// trailing dot), if it is a syntactically valid host name: dot-separated
/// labels of letters, digits and hyphens, the last one not all digits (so
/// that `300.1.1.1` is a bad address, not a name).
pub(crate) fn host_name(name: &str) -> Option<String> {
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let labels: Vec<&str> = name.split('.').collect();
    let valid_label = |label: &&str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let last_numeric = labels
        .last()
        .is_some_and(|label| label.bytes().all(|b| b.is_ascii_digit()));
    (name.len() <= 253 && labels.iter().all(valid_label) && !last_numeric).then_some(name)
}

/// A directory granted for Unix sockets: guest paths beneath `guest`
/// resolve beneath the host directory `host`. Written `HOST_DIR` (the
/// guest sees the same path) or `HOST_DIR::GUEST_DIR`, as `--dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnixDir {
    /// The directory on the host.
    pub host: PathBuf,
    /// The directory the guest names, if it differs from `host`.
    pub guest: Option<PathBuf>,
}

impl UnixDir {
    /// The host directory `dir`, under the same name for the guest.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        UnixDir {
            host: dir.into(),
            guest: None,
        }
    }

    /// The host directory `host`, named `guest` by the guest.
    pub fn mapped(host: impl Into<PathBuf>, guest: impl Into<PathBuf>) -> Self {
        UnixDir {
            host: host.into(),
            guest: Some(guest.into()),
        }
    }
}

impl FromStr for UnixDir {
    type Err = PolicyError;

    fn from_str(text: &str) -> Result<Self, PolicyError> {
        let bad = |why: &str| PolicyError::Rule(format!("bad Unix directory `{text}`: {why}"));
        match text.split_once("::") {
            None if text.is_empty() => Err(bad("empty")),
            None => Ok(UnixDir::new(text)),
            Some((host, guest)) if !host.is_empty() && !guest.is_empty() => {
                Ok(UnixDir::mapped(host, guest))
            }
            Some(_) => Err(bad("expected HOST_DIR or HOST_DIR::GUEST_DIR")),
        }
    }
}

impl fmt::Display for UnixDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.guest {
            Some(guest) => write!(f, "{}::{}", self.host.display(), guest.display()),
            None => write!(f, "{}", self.host.display()),
        }
    }
}

/// A pattern of host names that may be looked up: a name, in which `*`
/// stands for any run of characters (dots included), compared without
/// regard to case or a trailing dot. `*.example.com` matches
/// `api.example.com` and `a.b.example.com` but not `example.com`; `*`
/// matches every name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePattern(String);

impl NamePattern {
    /// Whether `name` matches the pattern.
    pub fn matches(&self, name: &str) -> bool {
        let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        glob_match(self.0.as_bytes(), name.as_bytes())
    }
}

/// `*`-only glob matching, iterative with backtracking to the last star.
fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

impl FromStr for NamePattern {
    type Err = PolicyError;

    fn from_str(text: &str) -> Result<Self, PolicyError> {
        let pattern = text.strip_suffix('.').unwrap_or(text).to_ascii_lowercase();
        let valid = !pattern.is_empty()
            && pattern
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'*'));
        if !valid {
            return Err(PolicyError::Rule(format!(
                "bad host name pattern `{text}`: use letters, digits, `-`, `.` and `*` (e.g. *.example.com)"
            )));
        }
        Ok(NamePattern(pattern))
    }
}

impl fmt::Display for NamePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Rules, directories and patterns read from TOML strings, with the parse
/// error at the string's position.
macro_rules! deserialize_from_str {
    ($($type:ty),*) => {$(
        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}
deserialize_from_str!(PortRange, AddrRule, UnixDir, NamePattern);

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
    fn families_and_any() {
        let v4: AddrRule = "ipv4:443".parse().unwrap();
        assert!(v4.matches("192.0.2.1:443".parse().unwrap()));
        assert!(v4.matches("[::ffff:192.0.2.1]:443".parse().unwrap()));
        assert!(!v4.matches("[2001:db8::1]:443".parse().unwrap()));
        let v6: AddrRule = "ipv6:*".parse().unwrap();
        assert!(v6.matches("[2001:db8::1]:1".parse().unwrap()));
        assert!(!v6.matches("192.0.2.1:1".parse().unwrap()));
        let any: AddrRule = "*:1024-65535".parse().unwrap();
        assert!(any.matches("192.0.2.1:1024".parse().unwrap()));
        assert!(any.matches("[2001:db8::1]:65535".parse().unwrap()));
        assert!(!any.matches("[2001:db8::1]:1023".parse().unwrap()));
        assert_eq!(any.to_string(), "*:1024-65535");
    }

    #[test]
    fn host_name_rules_resolve_when_built() {
        let rule: AddrRule = "LocalHost.:8080".parse().unwrap();
        assert_eq!(rule.target(), &Target::Name("localhost".into()));
        assert_eq!(rule.to_string(), "localhost:8080");
        assert!(
            !rule.matches("127.0.0.1:8080".parse().unwrap()),
            "unresolved"
        );
        let resolved = rule.resolve().unwrap();
        assert!(
            resolved
                .iter()
                .any(|r| r.matches("127.0.0.1:8080".parse().unwrap())),
            "{resolved:?}"
        );
        assert!(
            !resolved
                .iter()
                .any(|r| r.matches("127.0.0.1:8081".parse().unwrap()))
        );
        let unknown: AddrRule = "no-such-host.invalid:80".parse().unwrap();
        assert!(matches!(
            unknown.resolve(),
            Err(PolicyError::Resolve { .. })
        ));
    }

    #[test]
    fn bad_rules_are_rejected() {
        for text in [
            "127.0.0.1",
            "127.0.0.1/33:80",
            "300.1.1.1:80",
            "1.2.3.4:80-70",
            "1.2.3.4:x",
            "1.2.3.4:70000",
            "exa mple.com:80",
            "-bad.example:80",
            ":80",
            "[::1/128:80",
        ] {
            assert!(text.parse::<AddrRule>().is_err(), "{text} parsed");
        }
    }

    #[test]
    fn unix_dirs_parse() {
        assert_eq!(
            "/srv/app".parse::<UnixDir>().unwrap(),
            UnixDir::new("/srv/app")
        );
        let mapped: UnixDir = "/srv/app::/run/app".parse().unwrap();
        assert_eq!(mapped, UnixDir::mapped("/srv/app", "/run/app"));
        assert_eq!(mapped.to_string(), "/srv/app::/run/app");
        for bad in ["", "::/run", "/srv::"] {
            assert!(bad.parse::<UnixDir>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn name_patterns_glob() {
        let pattern: NamePattern = "*.Example.com".parse().unwrap();
        assert!(pattern.matches("api.example.com"));
        assert!(pattern.matches("A.B.EXAMPLE.COM."));
        assert!(!pattern.matches("example.com"));
        assert!(!pattern.matches("example.com.evil.net"));
        assert!(!pattern.matches("evilexample.com"));
        let exact: NamePattern = "example.com".parse().unwrap();
        assert!(exact.matches("example.com"));
        assert!(!exact.matches("www.example.com"));
        let middle: NamePattern = "api-*.example.com".parse().unwrap();
        assert!(middle.matches("api-eu.example.com"));
        assert!(!middle.matches("web-eu.example.com"));
        assert!(
            "*".parse::<NamePattern>()
                .unwrap()
                .matches("anything.at.all")
        );
        for bad in ["", "exa mple.com", "a/b", "*.example.com/"] {
            assert!(bad.parse::<NamePattern>().is_err(), "{bad:?} parsed");
        }
    }
}
