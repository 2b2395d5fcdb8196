//! The harness of the end-to-end tests: run a guest program from
//! `wasock-artifacts` in this process, capture its output, wait for what it
//! prints, and collect its exit code.
#![deny(missing_docs)]

pub mod measure;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use wasmtime::component::Component;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
pub use wasock_artifacts::TempDir;
use wasock_host::Policy;
use wasock_host::runner::{GuestConfig, Output, Preopen, Runner, WasmLimits};

/// How long any single wait of a test may take before it fails.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Most bytes a guest's captured stream keeps.
const CAPTURE_LIMIT: usize = 1 << 20;

/// The shared runner: one engine and one component cache for all tests.
pub fn runner() -> &'static Runner {
    static RUNNER: OnceLock<Runner> = OnceLock::new();
    RUNNER.get_or_init(|| {
        let cache = std::env::temp_dir().join("wasock-e2e-cache");
        Runner::new(Some(cache)).expect("the runner starts")
    })
}

/// A program's component, compiled (or loaded from the cache) once.
pub fn component(path: &str) -> Component {
    static COMPONENTS: OnceLock<Mutex<HashMap<String, Component>>> = OnceLock::new();
    let components = COMPONENTS.get_or_init(Default::default);
    if let Some(component) = components.lock().unwrap().get(path) {
        return component.clone();
    }
    let component = runner()
        .load(path.as_ref())
        .unwrap_or_else(|e| panic!("cannot load {path}: {e:?}"));
    components
        .lock()
        .unwrap()
        .insert(path.to_string(), component.clone());
    component
}

/// What a guest run needs besides the program.
#[derive(Clone, Default)]
pub struct Setup {
    /// Arguments after the program name.
    pub args: Vec<String>,
    /// The sockets policy.
    pub policy: Policy,
    /// Preopened directories.
    pub preopens: Vec<Preopen>,
    /// Environment variables.
    pub env: Vec<(String, String)>,
    /// The guest's sockets limits.
    pub limits: wasock_host::Limits,
    /// The guest's memory and table limits.
    pub wasm_limits: WasmLimits,
    /// Sockets handed to the guest (`take-inherited-sockets`).
    pub inherited_sockets: Vec<std::sync::Arc<std::os::fd::OwnedFd>>,
}

impl Setup {
    /// A setup with these arguments and policy.
    pub fn new(args: &[&str], policy: Policy) -> Setup {
        Setup {
            args: args.iter().map(|a| a.to_string()).collect(),
            policy,
            ..Setup::default()
        }
    }
}

/// A guest running on the current tokio runtime.
pub struct Guest {
    name: String,
    task: tokio::task::JoinHandle<wasmtime::Result<i32>>,
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
}

/// How a guest ended.
#[derive(Debug)]
pub struct Finished {
    /// The exit code; `None` if the guest trapped.
    pub code: Option<i32>,
    /// Everything it printed to standard output.
    pub stdout: String,
    /// Everything it printed to standard error, and the trap if any.
    pub stderr: String,
}

impl Finished {
    /// Panic with the guest's output unless it exited with 0.
    pub fn assert_success(&self) -> &Self {
        assert_eq!(
            self.code,
            Some(0),
            "guest failed\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// Start `program` (a path from `wasock_artifacts`) with `setup`.
pub fn spawn(program: &str, setup: Setup) -> Guest {
    let component = component(program);
    let stdout = MemoryOutputPipe::new(CAPTURE_LIMIT);
    let stderr = MemoryOutputPipe::new(CAPTURE_LIMIT);
    let name = PathBuf::from(program)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let config = GuestConfig {
        args: std::iter::once(name.clone()).chain(setup.args).collect(),
        env: setup.env,
        preopens: setup.preopens,
        policy: setup.policy,
        limits: setup.limits,
        wasm_limits: setup.wasm_limits,
        inherited_sockets: setup.inherited_sockets,
        stdout: Output::Capture(stdout.clone()),
        stderr: Output::Capture(stderr.clone()),
        ..GuestConfig::default()
    };
    let task = tokio::spawn(async move { runner().run(&component, config).await });
    Guest {
        name,
        task,
        stdout,
        stderr,
    }
}

/// Run `program` to completion.
pub async fn run(program: &str, setup: Setup) -> Finished {
    spawn(program, setup).finish().await
}

impl Guest {
    /// What the guest printed to standard output so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.contents()).into_owned()
    }

    /// Wait until the guest prints a line starting with `prefix`; return
    /// the rest of that line.
    pub async fn line_after(&self, prefix: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(line) = self
                .stdout()
                .lines()
                .find_map(|l| l.strip_prefix(prefix).map(str::to_string))
            {
                return line;
            }
            if self.task.is_finished() || start.elapsed() > PATIENCE {
                panic!(
                    "{} never printed `{prefix}`\n--- stdout\n{}\n--- stderr\n{}",
                    self.name,
                    self.stdout(),
                    String::from_utf8_lossy(&self.stderr.contents())
                );
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The port of a server that printed `starting up on HOST port N`.
    pub async fn port(&self) -> u16 {
        let line = self.line_after("starting up on ").await;
        line.rsplit(' ')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in `{line}`"))
    }

    /// Wait for the guest to end.
    pub async fn finish(self) -> Finished {
        let result = tokio::time::timeout(PATIENCE, self.task).await;
        let mut stderr = String::from_utf8_lossy(&self.stderr.contents()).into_owned();
        let code = match result {
            Err(_) => panic!(
                "{} did not finish within {PATIENCE:?}; stdout:\n{}",
                self.name,
                String::from_utf8_lossy(&self.stdout.contents())
            ),
            Ok(Err(join)) => panic!("{} panicked the host task: {join}", self.name),
            Ok(Ok(Ok(code))) => Some(code),
            Ok(Ok(Err(trap))) => {
                stderr.push_str(&format!("\ntrap: {trap:?}"));
                None
            }
        };
        Finished {
            code,
            stdout: String::from_utf8_lossy(&self.stdout.contents()).into_owned(),
            stderr,
        }
    }

    /// Stop the guest (dropping its store closes every socket it holds) and
    /// return what it printed.
    pub async fn stop(self) -> String {
        self.task.abort();
        let _ = self.task.await;
        String::from_utf8_lossy(&self.stdout.contents()).into_owned()
    }
}

/// A policy built from a builder closure.
pub fn policy(configure: impl FnOnce(&mut wasock_host::PolicyBuilder)) -> Policy {
    let mut builder = Policy::builder();
    configure(&mut builder);
    builder.build().expect("policy builds")
}

/// A rule, parsed.
pub fn rule(text: &str) -> wasock_host::AddrRule {
    text.parse().unwrap_or_else(|e| panic!("rule {text}: {e}"))
}
