//! The `wasock` command: `wasock run [grants] app.wasm [args…]`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::policy::{AddrRule, Policy, PolicyBuilder};
use crate::runner::{GuestConfig, Preopen, Runner};

/// Run WebAssembly guests with the whole BSD socket API, behind a
/// deny-by-default capability policy.
#[derive(Debug, Parser)]
#[command(name = "wasock", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a guest component (built for wasm32-wasip2) with the given grants.
    ///
    /// Nothing is granted by default: a guest may create sockets, but every
    /// bind, connect, send-to, Unix path and name lookup must be granted.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
}

const RUN_EXAMPLES: &str = "\
Examples:
  wasock run --allow-bind 127.0.0.1/32:10000 tcp_echo_server.wasm 127.0.0.1 10000
  wasock run --allow-connect 127.0.0.1/32:10000 tcp_echo_client.wasm 127.0.0.1 10000
  wasock run --allow-unix . --dir . uds_echo_server.wasm ./uds_socket";

/// The arguments of `wasock run`; each grant flag is one [`PolicyBuilder`] call.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Grant connecting and sending datagrams to a network and port range,
    /// as CIDR:PORTS (PORTS is N, N-M or *). Repeatable.
    /// Example: --allow-connect 127.0.0.1/32:10000
    #[arg(long, value_name = "CIDR:PORTS")]
    pub allow_connect: Vec<AddrRule>,

    /// Grant binding and listening on a network and port range, as
    /// CIDR:PORTS; port 0 (an ephemeral port) must be in the range to bind
    /// it, and `listen` without `bind` needs 0.0.0.0/0:0 or [::]/0:0.
    /// Repeatable. Example: --allow-bind 127.0.0.1/32:8000-8999
    #[arg(long, value_name = "CIDR:PORTS")]
    pub allow_bind: Vec<AddrRule>,

    /// Grant binding and connecting Unix sockets beneath a directory; paths
    /// cannot leave it through `..` or symlinks. Repeatable.
    /// Example: --allow-unix /run/myapp
    #[arg(long, value_name = "DIR")]
    pub allow_unix: Vec<PathBuf>,

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

    /// Grant name lookups through the host's resolver (without it, only
    /// numeric hosts and `localhost` resolve). Example: --allow-dns
    #[arg(long)]
    pub allow_dns: bool,

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

    /// Set an environment variable for the guest. Repeatable.
    /// Example: --env RUST_LOG=debug
    #[arg(long, value_name = "NAME=VALUE", value_parser = parse_env)]
    pub env: Vec<(String, String)>,

    /// Preopen a host directory for the guest's file system, optionally
    /// under another name. Repeatable. Example: --dir ./data::/data
    #[arg(long, value_name = "HOST_DIR[::GUEST_DIR]")]
    pub dir: Vec<Preopen>,

    /// Where compiled components are cached (default: $WASOCK_CACHE_DIR,
    /// $XDG_CACHE_HOME/wasock or ~/.cache/wasock).
    /// Example: --cache-dir /tmp/wasock-cache
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,

    /// Compile the component without reading or writing the cache.
    /// Example: --no-cache
    #[arg(long)]
    pub no_cache: bool,

    /// The guest component.
    #[arg(value_name = "WASM")]
    pub wasm: PathBuf,

    /// Arguments passed to the guest.
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub args: Vec<String>,
}

fn parse_env(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .ok_or_else(|| format!("`{text}` is not NAME=VALUE"))
}

impl RunArgs {
    /// The policy the flags grant.
    pub fn policy(&self) -> Result<Policy> {
        let mut builder = PolicyBuilder::default();
        for rule in &self.allow_connect {
            builder.allow_connect(rule.clone());
        }
        for rule in &self.allow_bind {
            builder.allow_bind(rule.clone());
        }
        for dir in &self.allow_unix {
            builder.allow_unix_dir(dir);
        }
        for prefix in &self.allow_abstract {
            builder.allow_unix_abstract(prefix.as_bytes());
        }
        builder.allow_dns(self.allow_dns);
        builder.allow_multicast(self.allow_multicast);
        builder.allow_reverse_dns(self.allow_reverse_dns);
        if let Some(name) = &self.host_name {
            builder.host_name(name);
        }
        builder.allow_real_host_name(self.allow_host_name);
        builder.allow_interfaces(self.allow_interfaces);
        builder.allow_raw(self.allow_raw);
        builder.allow_icmp(self.allow_icmp);
        Ok(builder.build()?)
    }

    /// The cache directory in effect.
    fn cache_dir(&self) -> Option<PathBuf> {
        if self.no_cache {
            return None;
        }
        self.cache_dir.clone().or_else(Runner::default_cache_dir)
    }
}

/// Run the command line; return the process exit code.
pub fn main(cli: Cli) -> Result<i32> {
    let Command::Run(run) = cli.command;
    let policy = run.policy()?;
    let runner = Runner::new(run.cache_dir())?;
    let component = runner.load(&run.wasm)?;
    let program = run.wasm.file_name().map_or_else(
        || run.wasm.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let config = GuestConfig {
        args: std::iter::once(program)
            .chain(run.args.iter().cloned())
            .collect(),
        env: run.env.clone(),
        preopens: run.dir.clone(),
        policy,
        inherit_stdin: true,
        ..GuestConfig::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let code = runtime
        .block_on(runner.run(&component, config))
        .map_err(anyhow::Error::from);
    code.with_context(|| format!("guest `{}` failed", run.wasm.display()))
}
