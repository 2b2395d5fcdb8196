//! The examples that come as a server and a client: each pair runs inside
//! wasm and natively, on an ephemeral port, and both transcripts compare.

use crate::harness::{
    Finished, Program, Side, TempDir, assert_same, component, example, native_available,
};

/// Loopback, any port, IPv4 and IPv6.
const LOOPBACK: &[&str] = &[
    "--allow-bind",
    "127.0.0.1/32:*",
    "--allow-connect",
    "127.0.0.1/32:*",
    "--allow-bind",
    "[::1]/128:*",
    "--allow-connect",
    "[::1]/128:*",
];

/// A server and a client run against each other.
struct Pair<'a> {
    /// The server example and its arguments.
    server: (&'a str, Vec<String>),
    /// The line the server prints when it is ready, ending in `port N`
    /// for IP servers.
    ready: &'a str,
    /// The client example; `{port}` in its arguments is the server's port.
    client: (&'a str, Vec<String>),
    /// The line, and how often, the server prints once it is done with the
    /// client.
    settled: (&'a str, usize),
    /// The grants of both inside wasm.
    grants: Vec<String>,
}

impl Pair<'_> {
    /// Run the pair on `side`: the server's and the client's transcripts.
    fn run(&self, side: Side, component: &str, dir: &TempDir) -> (Finished, Finished) {
        let grants: Vec<&str> = self.grants.iter().map(String::as_str).collect();
        let server_args: Vec<&str> = self.server.1.iter().map(String::as_str).collect();
        let server = Program::new(example(self.server.0), &server_args, &grants).start(
            side,
            component,
            dir.path(),
        );
        let ready = server.wait_for(self.ready, 1);
        let port = ready
            .rsplit_once("port ")
            .map_or("", |(_, port)| port.trim());
        let client_args: Vec<String> = self
            .client
            .1
            .iter()
            .map(|a| a.replace("{port}", port))
            .collect();
        let client_args: Vec<&str> = client_args.iter().map(String::as_str).collect();
        let client = Program::new(example(self.client.0), &client_args, &grants).run(
            side,
            component,
            dir.path(),
        );
        if let Err(problem) = server.try_wait_for(self.settled.0, self.settled.1) {
            panic!("{side:?} server: {problem}\n{side:?} client: {client:?}");
        }
        (server.stop(), client)
    }

    /// Run the pair inside wasm and natively and compare.
    fn compare(&self) {
        let Some(component) = component() else { return };
        let dir = TempDir::new(self.server.0.trim_end_matches(".py"));
        let (server, client) = self.run(Side::Wasm, component, &dir);
        assert!(
            client.status.is_some_and(|s| s.success()),
            "{} failed inside wasm: {client:?}\nserver: {server:?}",
            self.client.0
        );
        if native_available() {
            let (native_server, native_client) = self.run(Side::Native, component, &dir);
            assert_same(self.server.0, &server, &native_server);
            assert_same(self.client.0, &client, &native_client);
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn socket_echo_server_and_client() {
    Pair {
        server: ("socket_echo_server.py", strings(&["localhost", "0"])),
        ready: "starting up on",
        client: ("socket_echo_client.py", strings(&["localhost", "{port}"])),
        settled: ("waiting for a connection", 2),
        grants: strings(LOOPBACK),
    }
    .compare();
}

#[test]
fn socket_echo_client_easy() {
    Pair {
        server: ("socket_echo_server.py", strings(&["localhost", "0"])),
        ready: "starting up on",
        client: (
            "socket_echo_client_easy.py",
            strings(&["localhost", "{port}"]),
        ),
        settled: ("waiting for a connection", 2),
        grants: strings(LOOPBACK),
    }
    .compare();
}

#[test]
fn socket_echo_server_and_client_explicit() {
    Pair {
        server: (
            "socket_echo_server_explicit.py",
            strings(&["127.0.0.1", "0"]),
        ),
        ready: "starting up on",
        client: (
            "socket_echo_client_explicit.py",
            strings(&["127.0.0.1", "{port}"]),
        ),
        settled: ("waiting for a connection", 2),
        grants: strings(LOOPBACK),
    }
    .compare();
}

#[test]
fn socket_echo_server_any() {
    let mut grants = strings(LOOPBACK);
    grants.extend(strings(&["--allow-bind", "0.0.0.0/32:*"]));
    Pair {
        server: ("socket_echo_server_any.py", strings(&["0"])),
        ready: "starting up on",
        client: ("socket_echo_client.py", strings(&["127.0.0.1", "{port}"])),
        settled: ("waiting for a connection", 2),
        grants,
    }
    .compare();
}

#[test]
fn socket_echo_server_and_client_dgram() {
    Pair {
        server: ("socket_echo_server_dgram.py", strings(&["localhost", "0"])),
        ready: "starting up on",
        client: (
            "socket_echo_client_dgram.py",
            strings(&["localhost", "{port}"]),
        ),
        settled: ("waiting to receive message", 2),
        grants: strings(LOOPBACK),
    }
    .compare();
}

#[test]
fn socket_echo_server_and_client_uds() {
    let dir = TempDir::new("uds-pair");
    let path = dir.path().join("uds_socket").display().to_string();
    Pair {
        server: ("socket_echo_server_uds.py", vec![path.clone()]),
        ready: "waiting for a connection",
        client: ("socket_echo_client_uds.py", vec![path]),
        settled: ("waiting for a connection", 2),
        grants: strings(&["--allow-unix", &dir.text(), "--dir", &dir.text()]),
    }
    .compare();
}

#[test]
fn socketserver_echo() {
    Pair {
        server: ("socketserver_echo.py", strings(&["localhost", "0"])),
        ready: "serving on",
        client: ("socket_echo_client.py", strings(&["localhost", "{port}"])),
        settled: ("done with", 1),
        grants: strings(LOOPBACK),
    }
    .compare();
}

/// Host names in asyncio go through its executor; with the DNS grant the
/// host resolves `localhost` as the machine does.
#[test]
fn asyncio_echo_server_and_client() {
    let mut grants = strings(LOOPBACK);
    grants.push("--allow-dns".into());
    Pair {
        server: ("asyncio_echo_server.py", strings(&["localhost", "0"])),
        ready: "serving on",
        client: ("asyncio_echo_client.py", strings(&["localhost", "{port}"])),
        settled: ("closing the connection from", 1),
        grants,
    }
    .compare();
}
