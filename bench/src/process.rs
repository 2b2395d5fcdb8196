//! The benchmark's side of a server process (`wasock-bench serve …`, see
//! `server`): start it, read where it listens, ask for its usage, stop it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::server::{Contender, Service};
use crate::usage::Usage;

/// How long a server may take to start (a first run compiles the guest).
const START_PATIENCE: Duration = Duration::from_secs(300);

/// A running server process. Dropping it kills the process.
pub struct ServerProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    replies: mpsc::Receiver<String>,
    /// Where it listens, one address per server.
    pub addresses: Vec<String>,
    /// How long it took from spawning to `ready`.
    pub start_time: Duration,
}

impl ServerProcess {
    /// Start `contender` serving `service`. The process inherits this
    /// thread's CPU affinity. `wrapper`, when not empty, is a command that
    /// runs the server (e.g. `valgrind --tool=callgrind`).
    pub fn start(contender: Contender, service: &Service, wrapper: &[String]) -> Result<Self> {
        let exe = std::env::current_exe()?;
        let mut command = match wrapper.split_first() {
            Some((program, args)) => {
                let mut command = Command::new(program);
                command.args(args).arg(exe);
                command
            }
            None => Command::new(exe),
        };
        command
            .arg("serve")
            .arg(contender.name())
            .args(service.args())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let start = Instant::now();
        let mut child = command.spawn().context("cannot start a server process")?;
        let stdin = child.stdin.take();
        let replies = read_lines(child.stdout.take().context("piped stdout")?);
        let mut server = ServerProcess {
            child,
            stdin,
            replies,
            addresses: Vec::new(),
            start_time: Duration::ZERO,
        };
        let ready = server.reply(START_PATIENCE).with_context(|| {
            format!(
                "the {} server for {service:?} did not start",
                contender.name()
            )
        })?;
        server.start_time = start.elapsed();
        server.addresses = ready
            .strip_prefix("ready ")
            .with_context(|| format!("unexpected first line `{ready}`"))?
            .split(',')
            .map(String::from)
            .collect();
        Ok(server)
    }

    /// The first address.
    pub fn address(&self) -> &str {
        &self.addresses[0]
    }

    /// The process's usage now.
    pub fn usage(&mut self) -> Result<Usage> {
        let stdin = self.stdin.as_mut().context("the server was stopped")?;
        stdin.write_all(b"usage\n")?;
        stdin.flush()?;
        Usage::parse(&self.reply(Duration::from_secs(30))?)
    }

    /// Close its standard input, which ends it, and wait for it to exit
    /// (a profiler wrapping it writes its results then).
    pub fn stop(mut self, patience: Duration) -> Result<()> {
        self.stdin = None;
        let deadline = Instant::now() + patience;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                if !status.success() {
                    bail!("the server exited with {status}");
                }
                return Ok(());
            }
            thread::sleep(Duration::from_millis(10));
        }
        bail!("the server did not exit within {patience:?}")
    }

    fn reply(&self, patience: Duration) -> Result<String> {
        self.replies
            .recv_timeout(patience)
            .context("no answer from the server process")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The lines of `stdout`, read on a thread of their own so that waits can
/// time out.
fn read_lines(stdout: ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}
