//! The grant flags of `wasock run`: each flag is one [`PolicyBuilder`] call,
//! made on top of the grants of `--policy FILE` when one is given.

use std::path::PathBuf;

use clap::Args;

use super::rules::{AddrRule, NamePattern, UnixDir};
use super::{Policy, PolicyBuilder, PolicyError, Switch, audit};

/// The grant flags of `wasock run`. Flags add to what `--policy FILE`
/// grants; nothing is granted by default.
#[derive(Debug, Clone, Default, Args)]
pub struct PolicyArgs {
    /// Read grants from a TOML policy file (see examples/policy.toml); the
    /// flags below add to them. Example: --policy examples/policy.toml
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Grant connecting and sending datagrams to addresses and ports, as
    /// TARGET:PORTS: TARGET is a CIDR network, an address, ipv4, ipv6, * or
    /// a host name (resolved when the policy is built); PORTS is N, N-M or
    /// *. Repeatable. Example: --allow-connect 127.0.0.1/32:10000
    #[arg(long, value_name = "TARGET:PORTS")]
    pub allow_connect: Vec<AddrRule>,

    /// Grant binding and listening on addresses and ports, as TARGET:PORTS;
    /// port 0 (an ephemeral port) must be in the range to bind it, and
    /// `listen` without `bind` needs `0.0.0.0/0:0` or `[::]/0:0`. Repeatable.
    /// Example: --allow-bind 127.0.0.1/32:8000-8999
    #[arg(long, value_name = "TARGET:PORTS")]
    pub allow_bind: Vec<AddrRule>,

    /// Grant listening (but not binding) on addresses and ports, as
    /// TARGET:PORTS. Repeatable. Example: --allow-listen 0.0.0.0/0:0
    #[arg(long, value_name = "TARGET:PORTS")]
    pub allow_listen: Vec<AddrRule>,

    /// Accept connections only from peers these rules match (by default,
    /// from anyone who can reach the socket); other peers are closed before
    /// the guest sees them. Repeatable. Example: --allow-accept 10.0.0.0/8:*
    #[arg(long, value_name = "TARGET:PORTS")]
    pub allow_accept: Vec<AddrRule>,

    /// Grant sending datagrams (but not connecting) to addresses and ports,
    /// as TARGET:PORTS. Repeatable. Example: --allow-send-to 192.0.2.1/32:53
    #[arg(long, value_name = "TARGET:PORTS")]
    pub allow_send_to: Vec<AddrRule>,

    /// Receive datagrams only from sources these rules (or send-to rules)
    /// match (by default, from anyone); others are dropped. Repeatable.
    /// Example: --allow-recv-from 127.0.0.1/32:*
    #[arg(long, value_name = "TARGET:PORTS")]
    pub allow_recv_from: Vec<AddrRule>,

    /// Grant everything on loopback (127.0.0.0/8 and ::1): bind, listen,
    /// connect, send-to, and accept and receive only from loopback.
    /// Example: --loopback-only
    #[arg(long)]
    pub loopback_only: bool,

    /// Grant bind, listen, connect and send-to on any address for ports
    /// 1024-65535 (and binding port 0). Example: --unprivileged-ports
    #[arg(long)]
    pub unprivileged_ports: bool,

    /// Grant binding and listening on ports 1-1023 where a rule grants the
    /// address (denied otherwise, even when a rule matches).
    /// Example: --allow-privileged-ports
    #[arg(long)]
    pub allow_privileged_ports: bool,

    /// Grant SO_BROADCAST and sending to broadcast addresses (a rule must
    /// still grant the address). Example: --allow-broadcast
    #[arg(long)]
    pub allow_broadcast: bool,

    /// Grant binding and connecting Unix sockets beneath a host directory,
    /// which the guest names GUEST_DIR (default: the same path); paths
    /// cannot leave it through `..` or symlinks. Repeatable.
    /// Example: --allow-unix ./run::/run/myapp
    #[arg(long, value_name = "HOST_DIR[::GUEST_DIR]")]
    pub allow_unix: Vec<UnixDir>,

    /// Grant Unix sockets in the abstract namespace whose names start with
    /// PREFIX; an empty PREFIX grants every name and autobind. Repeatable.
    /// Example: --allow-abstract myapp-
    #[arg(long, value_name = "PREFIX")]
    pub allow_abstract: Vec<String>,

    /// Grant raw sockets (SOCK_RAW); the kernel still requires CAP_NET_RAW.
    /// Example: --allow-raw
    #[arg(long)]
    pub allow_raw: bool,

    /// Grant ICMP "ping" sockets (SOCK_DGRAM with IPPROTO_ICMP/ICMPV6); the
    /// kernel still checks net.ipv4.ping_group_range. Example: --allow-icmp
    #[arg(long)]
    pub allow_icmp: bool,

    /// Grant looking up every name through the host's resolver (without a
    /// DNS grant only numeric hosts, `localhost` and names in rules
    /// resolve). Example: --allow-dns
    #[arg(long)]
    pub allow_dns: bool,

    /// Grant looking up names matching a pattern, in which * stands for
    /// any characters. Repeatable. Example: --allow-dns-name '*.example.com'
    #[arg(long, value_name = "PATTERN")]
    pub allow_dns_name: Vec<NamePattern>,

    /// Grant joining multicast groups (IP_ADD_MEMBERSHIP,
    /// IP_ADD_SOURCE_MEMBERSHIP, IPV6_JOIN_GROUP); sending to a group also
    /// needs --allow-connect. Example: --allow-multicast
    #[arg(long)]
    pub allow_multicast: bool,

    /// Grant reverse lookups, an address's name (`getnameinfo` without
    /// NI_NUMERICHOST, `gethostbyaddr`). Example: --allow-reverse-dns
    #[arg(long)]
    pub allow_reverse_dns: bool,

    /// The host name the guest sees (default: localhost).
    /// Example: --host-name sandbox
    #[arg(long, value_name = "NAME", conflicts_with = "allow_host_name")]
    pub host_name: Option<String>,

    /// Let the guest see the host's real name instead of a configured one.
    /// Example: --allow-host-name
    #[arg(long)]
    pub allow_host_name: bool,

    /// Grant listing network interfaces and translating their names and
    /// indexes (`if_nameindex` and co.). Example: --allow-interfaces
    #[arg(long)]
    pub allow_interfaces: bool,

    /// Print every policy decision to standard error, one line each
    /// (`socket.connect 127.0.0.1:9 denied`). Example: --audit
    #[arg(long)]
    pub audit: bool,
}

impl PolicyArgs {
    /// The builder the flags describe: the policy file's grants, then one
    /// builder call per flag.
    pub fn builder(&self) -> Result<PolicyBuilder, PolicyError> {
        let mut builder = match &self.policy {
            Some(path) => PolicyBuilder::from_toml_file(path)?,
            None => PolicyBuilder::default(),
        };
        for rule in &self.allow_connect {
            builder.allow_connect(rule.clone());
        }
        for rule in &self.allow_bind {
            builder.allow_bind(rule.clone());
        }
        for rule in &self.allow_listen {
            builder.allow_listen(rule.clone());
        }
        for rule in &self.allow_accept {
            builder.allow_accept(rule.clone());
        }
        for rule in &self.allow_send_to {
            builder.allow_send_to(rule.clone());
        }
        for rule in &self.allow_recv_from {
            builder.allow_recv_from(rule.clone());
        }
        let switches = [
            (self.loopback_only, PolicyBuilder::loopback_only as Switch),
            (self.unprivileged_ports, PolicyBuilder::unprivileged_ports),
            (
                self.allow_privileged_ports,
                PolicyBuilder::allow_privileged_ports,
            ),
            (self.allow_broadcast, PolicyBuilder::allow_broadcast),
            (self.allow_multicast, PolicyBuilder::allow_multicast),
            (self.allow_raw, PolicyBuilder::allow_raw),
            (self.allow_icmp, PolicyBuilder::allow_icmp),
            (self.allow_dns, PolicyBuilder::allow_dns),
            (self.allow_reverse_dns, PolicyBuilder::allow_reverse_dns),
            (self.allow_host_name, PolicyBuilder::allow_real_host_name),
            (self.allow_interfaces, PolicyBuilder::allow_interfaces),
        ];
        // A flag that is absent leaves the file's grant as it is.
        for (set, grant) in switches {
            if set {
                grant(&mut builder, true);
            }
        }
        for dir in &self.allow_unix {
            builder.allow_unix(dir.clone());
        }
        for prefix in &self.allow_abstract {
            builder.allow_unix_abstract(prefix.as_bytes());
        }
        for pattern in &self.allow_dns_name {
            builder.allow_dns_name(pattern.clone());
        }
        if let Some(name) = &self.host_name {
            builder.host_name(name);
        }
        Ok(builder)
    }

    /// The policy the flags grant, printing decisions with `--audit`.
    pub fn policy(&self) -> Result<Policy, PolicyError> {
        let policy = self.builder()?.build()?;
        Ok(match self.audit {
            true => policy.with_audit(audit::stderr_hook()),
            false => policy,
        })
    }
}
