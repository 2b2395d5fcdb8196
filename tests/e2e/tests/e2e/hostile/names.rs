//! Name lookups: names the policy does not list, and the lookup quota.

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wasock_artifacts as programs;
use wasock_e2e::{Setup, policy, run};

/// A name `/etc/hosts` maps to a loopback address, other than `localhost`:
/// it resolves without a query leaving the machine.
fn local_name() -> Option<String> {
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    hosts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('#').next()?.split_whitespace();
            let address: std::net::IpAddr = fields.next()?.parse().ok()?;
            address.is_loopback().then(|| fields.collect::<Vec<_>>())
        })
        .flatten()
        .find(|name| !name.contains("localhost") && name.parse::<std::net::IpAddr>().is_err())
        .map(String::from)
}

/// Names off the list are denied before the resolver is asked; a listed
/// name resolves; with a lookup quota of 0, every lookup fails at once.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_dns_unlisted() {
    let listed = local_name();
    let grant = policy(|p| {
        if let Some(name) = &listed {
            p.allow_dns_name(name.parse().unwrap());
        }
    });
    let listed = listed.unwrap_or_else(|| {
        println!(
            "skipped: the lookup of a listed name; /etc/hosts maps no name other than localhost to loopback"
        );
        "-".to_string()
    });
    let guest = run(
        programs::HOSTILE_DNS_UNLISTED,
        Setup::new(&["names", &listed], grant),
    )
    .await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("names confined\n"),
        "{}",
        guest.stdout
    );

    let setup = Setup {
        limits: wasock_host::Limits {
            max_dns_lookups: 0,
            ..Default::default()
        },
        ..Setup::new(&["quota"], wasock_host::Policy::default())
    };
    let guest = run(programs::HOSTILE_DNS_UNLISTED, setup).await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("lookups bounded\n"),
        "{}",
        guest.stdout
    );
}

/// The search domain of the private resolver configuration: a granted name
/// with it appended is a name outside the grant.
const SEARCH_DOMAIN: &str = "wasock-search.test";

/// The environment variable that tells a test it runs with the private
/// resolver configuration.
const PRIVATE_RESOLVER: &str = "WASOCK_PRIVATE_RESOLVER";

/// A miss on a granted name is never retried with the resolver's search
/// domains. Run in a private network and mount namespace whose
/// `/etc/resolv.conf` names a search domain and a name server on loopback
/// that records every query and answers it with NXDOMAIN; the guest is
/// granted `*.granted.example` and `wasock-single`, and looks up names
/// under them with `getaddrinfo` and the host database.
#[test]
fn hostile_dns_search() {
    if !with_private_resolver("hostile::names::hostile_dns_search") {
        return;
    }
    let server = RecordingNameServer::start();
    let grant = policy(|p| {
        p.allow_dns_name("*.granted.example".parse().unwrap())
            .allow_dns_name("wasock-single".parse().unwrap());
    });
    let setup = Setup::new(&["search", "miss.granted.example", "wasock-single"], grant);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let guest = runtime.block_on(run(programs::HOSTILE_DNS_UNLISTED, setup));
    guest.assert_success();
    assert!(guest.stdout.ends_with("searched\n"), "{}", guest.stdout);
    let asked = server.stop();
    println!("the name server was asked for {asked:?}");
    for name in ["miss.granted.example", "wasock-single"] {
        assert!(asked.iter().any(|asked| asked == name), "{name}: {asked:?}");
    }
    assert!(
        asked.iter().all(|name| !name.ends_with(SEARCH_DOMAIN)),
        "a name outside the grant reached the server: {asked:?}"
    );
}

/// Run `test` again in a private network and mount namespace in which
/// `/etc/resolv.conf` searches [`SEARCH_DOMAIN`] and asks 127.0.0.1, and
/// return false; return true when this is that run. Without the
/// privilege to make the namespaces, say so and return false.
fn with_private_resolver(test: &str) -> bool {
    if std::env::var_os(PRIVATE_RESOLVER).is_some_and(|name| name == test) {
        return true;
    }
    let dir = wasock_e2e::TempDir::new("resolver");
    let conf = dir.path().join("resolv.conf");
    std::fs::write(
        &conf,
        format!("search {SEARCH_DOMAIN}\nnameserver 127.0.0.1\noptions timeout:1 attempts:1\n"),
    )
    .unwrap();
    let output = std::process::Command::new("unshare")
        .args(["--net", "--mount", "--", "sh", "-c"])
        .arg(r#"mount --bind "$0" /etc/resolv.conf && ip link set lo up && exec "$@""#)
        .arg(&conf)
        .arg(std::env::current_exe().expect("the test binary"))
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(PRIVATE_RESOLVER, test)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(error) => {
            println!("skipped: {test} needs unshare(1): {error}");
            return false;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    if stderr.starts_with("unshare: ") {
        println!("skipped: {test} needs private namespaces: {stderr}");
        return false;
    }
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{test} failed in its namespaces ({})\n--- stderr\n{stderr}",
        output.status
    );
    false
}

/// A name server on 127.0.0.1:53 that answers every query with NXDOMAIN
/// and records the names asked for.
struct RecordingNameServer {
    asked: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl RecordingNameServer {
    fn start() -> RecordingNameServer {
        let socket = UdpSocket::bind("127.0.0.1:53").expect("port 53 in a private namespace");
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let (asked, stop) = (
            Arc::new(Mutex::new(Vec::new())),
            Arc::new(AtomicBool::new(false)),
        );
        let (record, stopped) = (asked.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut query = [0; 512];
            while !stopped.load(Ordering::Relaxed) {
                let Ok((len, from)) = socket.recv_from(&mut query) else {
                    continue;
                };
                if let Some((name, end)) = question(&query[..len]) {
                    record.lock().unwrap().push(name);
                    socket.send_to(&no_such_name(&query[..end]), from).unwrap();
                }
            }
        });
        RecordingNameServer {
            asked,
            stop,
            thread,
        }
    }

    /// Stop serving; the names asked for, in order.
    fn stop(self) -> Vec<String> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap();
        self.asked.lock().unwrap().clone()
    }
}

/// The name of a query's question (RFC 1035, 4.1.2) and where the
/// question ends.
fn question(query: &[u8]) -> Option<(String, usize)> {
    let mut at = 12;
    let mut labels = Vec::new();
    loop {
        let len = usize::from(*query.get(at)?);
        at += 1;
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(query.get(at..at + len)?).into_owned());
        at += len;
    }
    let end = at + 4;
    (end <= query.len()).then(|| (labels.join("."), end))
}

/// The NXDOMAIN answer to `query`, a header and its question.
fn no_such_name(query: &[u8]) -> Vec<u8> {
    let mut answer = query.to_vec();
    answer[2] = 0x81; // a response, recursion desired
    answer[3] = 0x83; // recursion available, NXDOMAIN
    answer[6..12].fill(0); // no answer, authority or additional records
    answer
}
