//! Running a Python file inside wasm (`wasock python`) and with the
//! machine's CPython, and comparing what the two print.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use wasock_artifacts::TempDir;

/// How long a program may take to print a line or to end.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// How long the first run may take: it compiles the component.
const FIRST_RUN_PATIENCE: Duration = Duration::from_secs(600);

/// Where a program runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Inside the Python component, through `wasock python`.
    Wasm,
    /// With the machine's `python3`.
    Native,
}

/// The Python component, or `None` (with a printed reason) when it could
/// not be built on this machine.
pub fn component() -> Option<&'static str> {
    if wasock_python::COMPONENT.is_none() {
        println!(
            "skipped: the Python component is not built ({})",
            wasock_python::UNAVAILABLE
        );
    }
    wasock_python::COMPONENT
}

/// Whether the machine has `python3` to compare with; prints why not.
pub fn native_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    let available = *AVAILABLE.get_or_init(|| {
        Command::new("python3")
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success())
    });
    if !available {
        println!("skipped the comparison with CPython: no python3 on this machine");
    }
    available
}

/// A file of `examples/python`.
pub fn example(name: &str) -> PathBuf {
    workspace().join("examples/python").join(name)
}

/// A file of `guest/python/tests`.
pub fn surface_script(name: &str) -> PathBuf {
    workspace().join("guest/python/tests").join(name)
}

/// The workspace root, without `..`, so that paths look as CPython shows
/// them.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// The `wasock` command with the test cache, the component compiled into
/// it already; `WASOCK_PYTHON_COMPONENT` names the component unless
/// `beside` (then it is found next to the executable).
pub fn wasock(component: &str, beside: bool) -> Command {
    warm_up(component);
    cached_wasock(component, beside)
}

fn cached_wasock(component: &str, beside: bool) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wasock"));
    command.env(
        "WASOCK_CACHE_DIR",
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-cache"),
    );
    if beside {
        command.env_remove("WASOCK_PYTHON_COMPONENT");
    } else {
        command.env("WASOCK_PYTHON_COMPONENT", component);
    }
    command
}

/// Compile the component into the test cache once, before any test starts
/// a guest, so that they do not all compile it at the same time.
pub fn warm_up(component: &str) {
    static WARM: OnceLock<()> = OnceLock::new();
    WARM.get_or_init(|| {
        let dir = TempDir::new("warm-up");
        let script = dir.path().join("warm_up.py");
        std::fs::write(&script, "print('ready')\n").unwrap();
        let mut command = cached_wasock(component, false);
        command.arg("python").arg(&script);
        let process = Process::start_command(command);
        let finished = process.finish_within(FIRST_RUN_PATIENCE);
        assert_eq!(finished.stdout, "ready\n", "{finished:?}");
    });
}

/// A program to run on either side: a script, its arguments, and the
/// grants it needs inside wasm.
#[derive(Clone)]
pub struct Program {
    script: PathBuf,
    args: Vec<String>,
    grants: Vec<String>,
}

impl Program {
    /// `script` with `args`, granted `grants` (`wasock python` flags).
    pub fn new(script: PathBuf, args: &[&str], grants: &[&str]) -> Program {
        Program {
            script,
            args: args.iter().map(|a| a.to_string()).collect(),
            grants: grants.iter().map(|g| g.to_string()).collect(),
        }
    }

    /// Start it on `side`, unbuffered, in `cwd`.
    pub fn start(&self, side: Side, component: &str, cwd: &Path) -> Process {
        let mut command = match side {
            Side::Wasm => {
                let mut command = wasock(component, false);
                command
                    .arg("python")
                    .args(&self.grants)
                    .args(["--env", "PYTHONUNBUFFERED=1"]);
                command
            }
            Side::Native => {
                let mut command = Command::new("python3");
                command.arg("-u");
                command
            }
        };
        command.arg(&self.script).args(&self.args).current_dir(cwd);
        Process::start_command(command)
    }

    /// Run it to the end on `side`.
    pub fn run(&self, side: Side, component: &str, cwd: &Path) -> Finished {
        self.start(side, component, cwd).finish()
    }
}

/// What a program printed so far, and a signal for each new piece.
#[derive(Default)]
struct Captured {
    text: Mutex<String>,
    grew: Condvar,
}

/// A running program whose output is collected as it comes.
pub struct Process {
    child: Child,
    stdout: Arc<Captured>,
    stderr: Arc<Captured>,
    readers: Vec<JoinHandle<()>>,
}

/// How a program ended.
#[derive(Debug)]
pub struct Finished {
    /// Its exit status; `None` when it was stopped.
    pub status: Option<ExitStatus>,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
}

impl Process {
    /// Start `command` with its output collected.
    pub fn start_command(mut command: Command) -> Process {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        let stdout = Arc::new(Captured::default());
        let stderr = Arc::new(Captured::default());
        let readers = vec![
            collect(child.stdout.take().unwrap(), stdout.clone()),
            collect(child.stderr.take().unwrap(), stderr.clone()),
        ];
        Process {
            child,
            stdout,
            stderr,
            readers,
        }
    }

    /// Wait until standard output has `count` lines containing `needle`;
    /// return the first such line.
    pub fn wait_for(&self, needle: &str, count: usize) -> String {
        self.try_wait_for(needle, count)
            .unwrap_or_else(|problem| panic!("{problem}"))
    }

    /// [`wait_for`](Self::wait_for), or what the program printed when the
    /// lines did not come in time.
    pub fn try_wait_for(&self, needle: &str, count: usize) -> Result<String, String> {
        let deadline = Instant::now() + PATIENCE;
        let mut text = self.stdout.text.lock().unwrap();
        loop {
            let lines: Vec<&str> = text.lines().filter(|l| l.contains(needle)).collect();
            if lines.len() >= count {
                return Ok(lines[0].to_string());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!(
                    "no {count} lines with `{needle}` in time; stdout:\n{text}\nstderr:\n{}",
                    self.stderr.text.lock().unwrap()
                ));
            }
            text = self.stdout.grew.wait_timeout(text, left).unwrap().0;
        }
    }

    /// Stop the program (a server) and return what it printed.
    pub fn stop(mut self) -> Finished {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.collected(None)
    }

    /// Wait for the program to end.
    pub fn finish(self) -> Finished {
        self.finish_within(PATIENCE)
    }

    fn finish_within(mut self, patience: Duration) -> Finished {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return self.collected(Some(status));
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let finished = self.collected(None);
                panic!("the program did not end in time: {finished:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn collected(mut self, status: Option<ExitStatus>) -> Finished {
        for reader in std::mem::take(&mut self.readers) {
            reader.join().unwrap();
        }
        Finished {
            status,
            stdout: self.stdout.text.lock().unwrap().clone(),
            stderr: self.stderr.text.lock().unwrap().clone(),
        }
    }
}

/// A program still running when its test ends (a failed assertion, say) is
/// stopped.
impl Drop for Process {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Read `stream` into `captured` until it ends.
fn collect(mut stream: impl Read + Send + 'static, captured: Arc<Captured>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buffer = [0; 4096];
        while let Ok(n @ 1..) = stream.read(&mut buffer) {
            captured
                .text
                .lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
            captured.grew.notify_all();
        }
    })
}

/// `text` with every port number (a stand-alone number of 4 or 5 digits
/// from 1024 up) replaced by `<port>`, so that runs with different
/// ephemeral ports compare equal.
pub fn normalise_ports(text: &str) -> String {
    let mut result = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let digits = rest[start..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len() - start, |n| n);
        let number = &rest[start..start + digits];
        let before = rest[..start].chars().next_back();
        let after = rest[start + digits..].chars().next();
        let alone = !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric());
        let is_port = alone
            && (4..=5).contains(&number.len())
            && number
                .parse::<u32>()
                .is_ok_and(|n| (1024..=65535).contains(&n));
        result.push_str(&rest[..start]);
        result.push_str(if is_port { "<port>" } else { number });
        rest = &rest[start + digits..];
    }
    result + rest
}

/// Assert that the wasm run and the native run of `what` printed the same
/// (ports normalised) and ended the same way.
pub fn assert_same(what: &str, wasm: &Finished, native: &Finished) {
    let success = |f: &Finished| f.status.map(|s| s.success());
    assert_eq!(
        (
            normalise_ports(&wasm.stdout),
            normalise_ports(&wasm.stderr),
            success(wasm)
        ),
        (
            normalise_ports(&native.stdout),
            normalise_ports(&native.stderr),
            success(native)
        ),
        "{what}: the wasm run (left) and the CPython run (right) differ"
    );
}

#[test]
fn ports_are_normalised() {
    assert_eq!(
        normalise_ports(
            "connection from ('127.0.0.1', 53412)\nport 8888, 42 bytes, b'c0a80101', 99999"
        ),
        "connection from ('127.0.0.1', <port>)\nport <port>, 42 bytes, b'c0a80101', 99999"
    );
}
