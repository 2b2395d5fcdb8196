//! `wasock python [grants] script.py [args…]`: run an unchanged Python
//! script inside the prebuilt Python component (CPython with `_socket` and
//! `select` on `wasock:sockets`), with the grants of `wasock run`.
//!
//! The component is found at `$WASOCK_PYTHON_COMPONENT`, else as
//! `wasock-python.wasm` next to the `wasock` executable, where
//! `cargo build -p wasock-python` puts it. Like any component it is compiled
//! once and then loaded from the cache.
//!
//! wasock reads the script and hands its text and absolute path to the
//! interpreter in two environment variables (which the script does not
//! see); the script's directory is not opened for the guest. The guest's
//! `sys.argv` is the script path as given followed by the arguments.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{ArgMatches, Args, Command, FromArgMatches};

use crate::cli::RunArgs;
use crate::runner::{GuestConfig, Runner};

/// The environment variable naming the Python component.
pub const COMPONENT_VARIABLE: &str = "WASOCK_PYTHON_COMPONENT";

/// The file name of the Python component next to the `wasock` executable.
pub const COMPONENT_FILE: &str = "wasock-python.wasm";

/// The environment variable that carries the script's text to the guest.
pub const SOURCE_VARIABLE: &str = "WASOCK_PYTHON_SOURCE";

/// The environment variable that carries the script's absolute path (its
/// `__file__`) to the guest.
pub const FILE_VARIABLE: &str = "WASOCK_PYTHON_FILE";

/// Examples shown by `wasock python --help`.
pub const EXAMPLES: &str = "\
Examples:
  wasock python --allow-bind 127.0.0.1/32:10000 examples/python/socket_echo_server.py
  wasock python --allow-connect 127.0.0.1/32:10000 examples/python/socket_echo_client.py
  wasock python --allow-unix . --dir . examples/python/socket_echo_server_uds.py

The component is $WASOCK_PYTHON_COMPONENT, else wasock-python.wasm next to
the wasock executable (`cargo build -p wasock-python` writes it there).";

/// The arguments of `wasock python`: those of `wasock run`, the component
/// positional being the script.
#[derive(Debug)]
pub struct PythonArgs(pub RunArgs);

/// `RunArgs`' arguments with the first positional renamed. `mut_arg` moves
/// an argument to the end, so the trailing arguments are moved after it.
fn rename_positional(command: Command) -> Command {
    command
        .mut_arg("wasm", |arg| {
            arg.value_name("SCRIPT")
                .help("The Python script to run (its text is handed to the interpreter)")
        })
        .mut_arg("args", |arg| arg)
}

impl Args for PythonArgs {
    fn augment_args(command: Command) -> Command {
        rename_positional(RunArgs::augment_args(command))
    }

    fn augment_args_for_update(command: Command) -> Command {
        rename_positional(RunArgs::augment_args_for_update(command))
    }
}

impl FromArgMatches for PythonArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        RunArgs::from_arg_matches(matches).map(PythonArgs)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
}

/// Where the Python component is: `$WASOCK_PYTHON_COMPONENT`, else
/// [`COMPONENT_FILE`] next to the running executable.
pub fn component_path() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(COMPONENT_VARIABLE).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let executable = std::env::current_exe().context("cannot find the wasock executable")?;
    let beside = executable.with_file_name(COMPONENT_FILE);
    if !beside.is_file() {
        bail!(
            "no Python component at `{}`: build it with `cargo build -p wasock-python` \
             (it is written next to the wasock executable), or set {COMPONENT_VARIABLE}",
            beside.display()
        );
    }
    Ok(beside)
}

/// A Python script read from the host's file system.
#[derive(Debug, Clone)]
pub struct Script {
    /// The path as given, the guest's `sys.argv[0]`.
    given: String,
    /// The absolute path, the guest's `__file__`.
    absolute: PathBuf,
    /// The text of the script.
    source: String,
}

impl Script {
    /// Read the script at `path`.
    pub fn read(path: &Path) -> Result<Script> {
        let source = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the Python script `{}`", path.display()))?;
        let absolute = std::path::absolute(path)
            .with_context(|| format!("cannot resolve `{}`", path.display()))?;
        Ok(Script {
            given: path.display().to_string(),
            absolute,
            source,
        })
    }

    /// `config` with the script handed over: `argv` is the script path as
    /// given followed by `args`, and the environment carries the script.
    pub fn configure(&self, args: &[String], mut config: GuestConfig) -> GuestConfig {
        config.args = std::iter::once(self.given.clone())
            .chain(args.iter().cloned())
            .collect();
        config.env.extend([
            (SOURCE_VARIABLE.to_string(), self.source.clone()),
            (
                FILE_VARIABLE.to_string(),
                self.absolute.display().to_string(),
            ),
        ]);
        config
    }
}

/// Run `wasock python`: the positional argument of `run` is the script.
pub fn main(run: &RunArgs) -> Result<i32> {
    let script = Script::read(&run.wasm)?;
    let component_path = component_path()?;
    let runner = Runner::new(run.cache_dir())?;
    let component = runner
        .load(&component_path)
        .map_err(anyhow::Error::from)
        .with_context(|| {
            format!(
                "cannot load the Python component `{}`",
                component_path.display()
            )
        })?;
    let config = script.configure(&run.args, run.guest_config()?);
    crate::cli::run_guest(&runner, &component, config)
        .with_context(|| format!("Python script `{}` failed", run.wasm.display()))
}
