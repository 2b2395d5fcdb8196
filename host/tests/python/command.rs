//! The `wasock python` command itself: the Unix echo pair in two
//! processes as the Python documentation shows it, how the component is
//! found, exit statuses, and what a denied guest is told.

use std::process::Command;

use crate::harness::{
    Finished, Process, Program, Side, TempDir, assert_same, component, example, native_available,
    wasock,
};

/// `wasock python` with `args`, in `dir`, started.
fn start(component: &str, dir: &TempDir, args: &[String]) -> Process {
    let mut command = wasock(component, false);
    command.current_dir(dir.path()).arg("python").args(args);
    Process::start_command(command)
}

/// `command` run to the end.
fn run(command: Command) -> Finished {
    Process::start_command(command).finish()
}

const SERVER_TRANSCRIPT: &str = "\
starting up on ./uds_socket
waiting for a connection
connection from 
received b'This is the mess'
sending data back to the client
received b'age.  It will be'
sending data back to the client
received b' repeated.'
sending data back to the client
received b''
no data from 
waiting for a connection
";

const CLIENT_TRANSCRIPT: &str = "\
connecting to ./uds_socket
sending b'This is the message.  It will be repeated.'
received b'This is the mess'
received b'age.  It will be'
received b' repeated.'
closing socket
";

/// The acceptance: the Unix-domain server and client as two `wasock
/// python` processes in one directory print the documented transcript; a
/// second server removes the socket file the first left behind.
#[test]
fn uds_echo_in_two_processes() {
    let Some(component) = component() else { return };
    let dir = TempDir::new("uds-acceptance");
    let args = |name: &str| -> Vec<String> {
        let script = example(name).display().to_string();
        [
            "--allow-unix",
            ".",
            "--dir",
            ".",
            "--env",
            "PYTHONUNBUFFERED=1",
            &script,
        ]
        .map(String::from)
        .to_vec()
    };
    for _ in 0..2 {
        let server = start(component, &dir, &args("socket_echo_server_uds.py"));
        server.wait_for("waiting for a connection", 1);
        let client = start(component, &dir, &args("socket_echo_client_uds.py")).finish();
        assert!(client.status.is_some_and(|s| s.success()), "{client:?}");
        assert_eq!(client.stdout, CLIENT_TRANSCRIPT);
        server.wait_for("waiting for a connection", 2);
        let server = server.stop();
        assert_eq!(server.stdout, SERVER_TRANSCRIPT, "{server:?}");
        assert!(dir.path().join("uds_socket").exists());
    }
}

/// Without a server the client prints the error and exits with status 1,
/// as natively.
#[test]
fn uds_client_without_server() {
    let Some(component) = component() else { return };
    let dir = TempDir::new("uds-no-server");
    let program = Program::new(
        example("socket_echo_client_uds.py"),
        &["./uds_socket"],
        &["--allow-unix", "."],
    );
    let wasm = program.run(Side::Wasm, component, dir.path());
    assert_eq!(
        wasm.stdout,
        "connecting to ./uds_socket\n[Errno 2] No such file or directory\n"
    );
    assert_eq!(wasm.status.and_then(|s| s.code()), Some(1));
    if native_available() {
        let native = program.run(Side::Native, component, dir.path());
        assert_same("socket_echo_client_uds.py", &wasm, &native);
    }
}

/// `wasock python` finds `wasock-python.wasm` next to the executable, where
/// the build puts it.
#[test]
fn component_beside_the_executable() {
    let Some(component) = component() else { return };
    let dir = TempDir::new("beside");
    let mut command = wasock(component, true);
    command.current_dir(dir.path()).args([
        "python",
        &example("socket_getprotobyname.py").display().to_string(),
    ]);
    let finished = run(command);
    assert!(finished.status.is_some_and(|s| s.success()), "{finished:?}");
    assert!(finished.stdout.starts_with("icmp ->  1"), "{finished:?}");
}

#[test]
fn missing_component_is_named() {
    let Some(component) = component() else { return };
    let dir = TempDir::new("missing-component");
    let mut command = wasock(component, false);
    command
        .env("WASOCK_PYTHON_COMPONENT", dir.path().join("nowhere.wasm"))
        .current_dir(dir.path())
        .args([
            "python",
            &example("socket_gethostname.py").display().to_string(),
        ]);
    let finished = run(command);
    assert!(!finished.status.unwrap().success());
    assert!(
        finished.stderr.contains("cannot load the Python component"),
        "{finished:?}"
    );
}

#[test]
fn missing_script_is_named() {
    let Some(component) = component() else { return };
    let dir = TempDir::new("missing-script");
    let mut command = wasock(component, false);
    command
        .current_dir(dir.path())
        .args(["python", "no_such_script.py"]);
    let finished = run(command);
    assert!(!finished.status.unwrap().success());
    assert!(
        finished
            .stderr
            .contains("cannot read the Python script `no_such_script.py`"),
        "{finished:?}"
    );
}

/// A failing script fails the command, with the traceback CPython prints
/// (the interpreter's own frames left out) and its output flushed.
#[test]
fn failing_script() {
    let Some(component) = component() else { return };
    let dir = TempDir::new("failing");
    let script = dir.path().join("failing.py");
    std::fs::write(&script, "print('before')\nraise ValueError('boom')\n").unwrap();
    let mut command = wasock(component, false);
    command.current_dir(dir.path()).arg("python").arg(&script);
    let finished = run(command);
    assert_eq!(finished.status.and_then(|s| s.code()), Some(1));
    assert_eq!(finished.stdout, "before\n");
    assert_eq!(
        finished.stderr,
        format!(
            "Traceback (most recent call last):\n  File \"{}\", line 2, in <module>\n    \
             raise ValueError('boom')\nValueError: boom\n",
            script.display()
        )
    );
    std::fs::write(&script, "import sys\nprint('leaving')\nsys.exit(0)\n").unwrap();
    let mut command = wasock(component, false);
    command.current_dir(dir.path()).arg("python").arg(&script);
    let finished = run(command);
    assert!(finished.status.is_some_and(|s| s.success()), "{finished:?}");
    assert_eq!(finished.stdout, "leaving\n");
}

/// Without grants a connect fails with the policy's explanation.
#[test]
fn denied_connect_is_explained() {
    let Some(component) = component() else { return };
    let dir = TempDir::new("denied");
    let mut command = wasock(component, false);
    command.current_dir(dir.path()).args([
        "python",
        &example("socket_echo_client.py").display().to_string(),
        "127.0.0.1",
    ]);
    let finished = run(command);
    assert_eq!(finished.status.and_then(|s| s.code()), Some(1));
    assert!(
        finished.stderr.ends_with(
            "PermissionError: [Errno 13] Permission denied: connect to 127.0.0.1:10000 \
             is not granted by the policy (grant it with --allow-connect)\n"
        ),
        "{finished:?}"
    );
}
