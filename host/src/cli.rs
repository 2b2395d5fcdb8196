//! The `wasock` command: `wasock run [grants] app.wasm [args…]` and
//! `wasock python [grants] script.py [args…]`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use wasmtime::component::Component;

use crate::policy::{Policy, PolicyArgs};
use crate::runner::{GuestConfig, Preopen, Runner};

mod limits;

pub use limits::LimitArgs;

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

    /// Run an unchanged Python script in the Python component, with the
    /// grants of `wasock run`.
    ///
    /// The script's text is handed to the interpreter; files it reads must
    /// be granted with --dir.
    #[command(after_help = crate::python::EXAMPLES)]
    Python(crate::python::PythonArgs),
}

const RUN_EXAMPLES: &str = "\
Examples:
  wasock run --allow-bind 127.0.0.1/32:10000 tcp_echo_server.wasm 127.0.0.1 10000
  wasock run --allow-connect 127.0.0.1/32:10000 tcp_echo_client.wasm 127.0.0.1 10000
  wasock run --allow-unix . --dir . uds_echo_server.wasm ./uds_socket
  wasock run --policy examples/policy.toml --audit tcp_echo_client.wasm 127.0.0.1 10000";

/// The arguments of `wasock run`; each grant flag is one
/// [`PolicyBuilder`](crate::policy::PolicyBuilder) call (see [`PolicyArgs`]).
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The grants: `--policy FILE` and one flag per builder call.
    #[command(flatten)]
    pub grants: PolicyArgs,

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

    /// The quotas: one flag per limit, listed under their own heading.
    #[command(flatten)]
    pub limits: LimitArgs,

    /// The guest component.
    #[arg(value_name = "WASM", help_heading = "Arguments", display_order = 0)]
    pub wasm: PathBuf,

    /// Arguments passed to the guest.
    #[arg(
        value_name = "ARGS",
        help_heading = "Arguments",
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
    /// What the flags give every guest: environment, preopened
    /// directories, the policy, the quotas, and the host's standard input.
    pub(crate) fn guest_config(&self) -> Result<GuestConfig> {
        let policy = self.policy()?;
        Ok(GuestConfig {
            env: self.env.clone(),
            preopens: self.dir.clone(),
            limits: self.limits.limits(&policy),
            policy,
            wasm_limits: self.limits.wasm_limits(),
            timeout: self.limits.timeout,
            inherit_stdin: true,
            ..GuestConfig::default()
        })
    }

    /// The policy the flags grant.
    pub fn policy(&self) -> Result<Policy> {
        Ok(self.grants.policy()?)
    }

    /// The cache directory in effect.
    pub(crate) fn cache_dir(&self) -> Option<PathBuf> {
        if self.no_cache {
            return None;
        }
        self.cache_dir.clone().or_else(Runner::default_cache_dir)
    }
}

/// Run the command line; return the process exit code.
pub fn main(cli: Cli) -> Result<i32> {
    let run = match cli.command {
        Command::Run(run) => run,
        Command::Python(python) => return crate::python::main(&python.0),
    };
    let config = run.guest_config()?;
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
        ..config
    };
    run_guest(&runner, &component, config)
        .with_context(|| format!("guest `{}` failed", run.wasm.display()))
}

/// Run a guest to its end on a current-thread tokio runtime, as `wasock run`
/// and `wasock python` do; return its exit code.
pub(crate) fn run_guest(
    runner: &Runner,
    component: &Component,
    config: GuestConfig,
) -> Result<i32> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(runner.run(component, config))?)
}
