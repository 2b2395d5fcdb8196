//! `cargo run -p wasock-demo`: the echo examples run as WebAssembly guests under
//! `wasock run` and talk over TCP, UDP and a Unix socket. Each exchange is printed with
//! the command lines that started it.
//!
//! The demo builds the `wasock` command first, in the demo's own profile, then runs each
//! server in the background, runs its client to the end, and stops the server. It exits
//! with 1 when a client fails or does not print the echoed message.

use std::env;
use std::io::{self, BufRead, BufReader, Read};
use std::net::{Ipv4Addr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use wasock_artifacts::TempDir;

/// The workspace root, where `cargo build` finds the `wasock-host` package.
const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// How long a server may take to start up, and a client to finish its exchange.
const TIMEOUT: Duration = Duration::from_secs(20);

/// How a server's output line begins once its socket is bound: `waiting for a
/// connection` or `waiting to receive message`, right after `starting up on …`.
const READY: &str = "waiting";

/// The Unix socket's path, relative to the working directory.
const UNIX_SOCKET: &str = "./uds_socket";

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Builds `wasock` and runs the three exchanges; returns whether all of them echoed.
fn run() -> io::Result<bool> {
    let wasock = build_wasock()?;
    let dir = TempDir::new("demo");
    let mut all_echoed = true;
    all_echoed &= demonstrate(&wasock, dir.path(), &tcp_echo()?);
    all_echoed &= demonstrate(&wasock, dir.path(), &udp_echo()?);
    all_echoed &= demonstrate(&wasock, dir.path(), &unix_echo());
    Ok(all_echoed)
}

/// Runs `cargo build -p wasock-host --bin wasock` in this demo's profile and target
/// directory, and returns the path of the `wasock` command.
fn build_wasock() -> io::Result<PathBuf> {
    let exe = env::current_exe()?;
    // The demo runs from `<target dir>/<profile>/`.
    let target_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| io::Error::other("cannot find the target directory"))?;
    let release = !cfg!(debug_assertions);
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(WORKSPACE)
        .args(["build", "-p", "wasock-host", "--bin", "wasock"])
        .arg("--target-dir")
        .arg(target_dir);
    if release {
        command.arg("--release");
    }
    eprintln!("Building the wasock command…");
    let status = command.status()?;
    if !status.success() {
        return Err(io::Error::other(format!(
            "building the wasock command (cargo build -p wasock-host --bin wasock) failed: {status}"
        )));
    }
    let profile = if release { "release" } else { "debug" };
    let file = format!("wasock{}", env::consts::EXE_SUFFIX);
    Ok(target_dir.join(profile).join(file))
}

/// One echo exchange: a server, a client, and the line the client prints when the echo
/// came back.
struct Echo {
    /// The heading, such as `TCP echo over 127.0.0.1`.
    title: &'static str,
    /// The server, run in the background.
    server: Guest,
    /// The client, run to the end while the server runs.
    client: Guest,
    /// What the client's output must contain.
    expected: &'static str,
}

/// The TCP exchange, on a free port of 127.0.0.1.
fn tcp_echo() -> io::Result<Echo> {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port();
    let args = vec!["127.0.0.1".to_owned(), port.to_string()];
    Ok(Echo {
        title: "TCP echo over 127.0.0.1",
        server: Guest {
            wasm: wasock_artifacts::TCP_ECHO_SERVER,
            grants: grant("--allow-bind", &format!("127.0.0.1/32:{port}")),
            args: args.clone(),
        },
        client: Guest {
            wasm: wasock_artifacts::TCP_ECHO_CLIENT,
            grants: grant("--allow-connect", &format!("127.0.0.1/32:{port}")),
            args,
        },
        expected: "received b' repeated.'",
    })
}

/// The UDP exchange, on a free port of 127.0.0.1.
fn udp_echo() -> io::Result<Echo> {
    let port = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port();
    let args = vec!["127.0.0.1".to_owned(), port.to_string()];
    Ok(Echo {
        title: "UDP echo over 127.0.0.1",
        server: Guest {
            wasm: wasock_artifacts::UDP_ECHO_SERVER,
            // The server replies to whichever client wrote, on any port.
            grants: [
                grant("--allow-bind", &format!("127.0.0.1/32:{port}")),
                grant("--allow-connect", "127.0.0.1/32:*"),
            ]
            .concat(),
            args: args.clone(),
        },
        client: Guest {
            wasm: wasock_artifacts::UDP_ECHO_CLIENT,
            // Sending to an address is a connect-class use.
            grants: grant("--allow-connect", &format!("127.0.0.1/32:{port}")),
            args,
        },
        expected: "received b'This is the message.  It will be repeated.'",
    })
}

/// The Unix-domain exchange, at `./uds_socket` in the working directory.
fn unix_echo() -> Echo {
    // The server removes a stale socket file through the WASI file system, so it also
    // gets the working directory as a preopen.
    let mut server_grants = grant("--allow-unix", ".");
    server_grants.extend(grant("--dir", "."));
    Echo {
        title: "Unix echo over ./uds_socket",
        server: Guest {
            wasm: wasock_artifacts::UDS_ECHO_SERVER,
            grants: server_grants,
            args: vec![UNIX_SOCKET.to_owned()],
        },
        client: Guest {
            wasm: wasock_artifacts::UDS_ECHO_CLIENT,
            grants: grant("--allow-unix", "."),
            args: vec![UNIX_SOCKET.to_owned()],
        },
        expected: "received b' repeated.'",
    }
}

/// A `wasock run` flag and its value.
fn grant(flag: &str, value: &str) -> Vec<String> {
    vec![flag.to_owned(), value.to_owned()]
}

/// Runs one exchange in `dir` and prints it; returns whether the client got its echo.
fn demonstrate(wasock: &Path, dir: &Path, echo: &Echo) -> bool {
    println!("== {} ==", echo.title);
    let verdict = exchange(wasock, dir, echo);
    if let Err(error) = &verdict {
        println!("FAILED: {error}");
    }
    println!();
    verdict.is_ok()
}

/// Starts the server, runs the client once the server is ready, stops the server, and
/// prints both transcripts; fails when the client fails or misses the echo.
fn exchange(wasock: &Path, dir: &Path, echo: &Echo) -> io::Result<()> {
    let mut server = Server::start(echo.server.command(wasock, dir))?;
    let client = server
        .wait_ready()
        .and_then(|()| run_to_end(echo.client.command(wasock, dir)));
    println!("{}", echo.server.shown());
    print!("{}", server.stop());
    let client = client?;
    println!("{}", echo.client.shown());
    print!("{}", String::from_utf8_lossy(&client.stdout));
    print!("{}", String::from_utf8_lossy(&client.stderr));
    check(&client, echo.expected)
}

/// Checks that the client succeeded and printed `expected`.
fn check(client: &Output, expected: &str) -> io::Result<()> {
    if !client.status.success() {
        return Err(io::Error::other(format!(
            "the client exited with {}",
            client.status
        )));
    }
    if !String::from_utf8_lossy(&client.stdout).contains(expected) {
        return Err(io::Error::other(format!(
            "the client did not print `{expected}`"
        )));
    }
    Ok(())
}

/// Runs `command` to the end, stopping it after [`TIMEOUT`], and returns its output
/// (a client prints little, so the pipes never fill up while it runs).
fn run_to_end(mut command: Command) -> io::Result<Output> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let deadline = Instant::now() + TIMEOUT;
    while child.try_wait()?.is_none() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    if child.try_wait()?.is_none() {
        println!("(the client did not finish within {TIMEOUT:?} and was stopped)");
        child.kill()?;
    }
    child.wait_with_output()
}

/// One guest run: `wasock run <grants> <wasm> <args>`.
struct Guest {
    /// The path of the component.
    wasm: &'static str,
    /// The `wasock run` flags that grant the guest what it needs.
    grants: Vec<String>,
    /// The guest's own arguments.
    args: Vec<String>,
}

impl Guest {
    /// The `wasock run` command for this guest, working in `dir`.
    fn command(&self, wasock: &Path, dir: &Path) -> Command {
        let mut command = Command::new(wasock);
        command
            .arg("run")
            .args(&self.grants)
            .arg(self.wasm)
            .args(&self.args)
            .current_dir(dir)
            .stdin(Stdio::null());
        command
    }

    /// The command line as shown to the reader, naming the component by its file name.
    fn shown(&self) -> String {
        let file = Path::new(self.wasm)
            .file_name()
            .map_or(self.wasm.into(), |name| name.to_string_lossy());
        let mut words = vec!["$ wasock run".to_owned()];
        words.extend(self.grants.iter().cloned());
        words.push(file.into_owned());
        words.extend(self.args.iter().cloned());
        words.join(" ")
    }
}

/// A server guest running in the background; threads forward its output lines.
struct Server {
    /// The `wasock run` process.
    child: Child,
    /// Lines of its standard output and error, as the threads read them.
    lines: Receiver<String>,
    /// The lines received so far.
    transcript: String,
}

impl Server {
    /// Spawns `command` with its standard output and error forwarded, line by line, by
    /// two threads.
    fn start(mut command: Command) -> io::Result<Server> {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (sender, lines) = mpsc::channel();
        let stderr_sender = sender.clone();
        thread::spawn(move || forward_lines(stdout, &sender));
        thread::spawn(move || forward_lines(stderr, &stderr_sender));
        Ok(Server {
            child,
            lines,
            transcript: String::new(),
        })
    }

    /// Collects output until a line begins with [`READY`]; fails when the server exits
    /// first or prints no such line within [`TIMEOUT`].
    fn wait_ready(&mut self) -> io::Result<()> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let line = match self
                .lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(line) => line,
                Err(RecvTimeoutError::Timeout) => {
                    return Err(io::Error::other(format!(
                        "the server was not ready within {TIMEOUT:?}"
                    )));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(io::Error::other("the server exited before it was ready"));
                }
            };
            let ready = line.starts_with(READY);
            self.transcript += &line;
            self.transcript += "\n";
            if ready {
                return Ok(());
            }
        }
    }

    /// Kills the server and returns everything it printed.
    fn stop(mut self) -> String {
        // Errors here mean the server has already exited, which is fine.
        let _ = self.child.kill();
        let _ = self.child.wait();
        for line in self.lines {
            self.transcript += &line;
            self.transcript += "\n";
        }
        self.transcript
    }
}

/// Sends each line read from `output` to `sender`, until the end of the output.
fn forward_lines(output: impl Read, sender: &Sender<String>) {
    for line in BufReader::new(output).lines().map_while(Result::ok) {
        if sender.send(line).is_err() {
            return;
        }
    }
}
