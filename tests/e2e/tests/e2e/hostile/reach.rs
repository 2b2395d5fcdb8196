//! Ways around the rules rather than through them: protocols the policy
//! does not understand, unspecified addresses that reach more than they
//! name, what the host's interfaces are, and forged audit lines.

use std::net::{Ipv4Addr, TcpListener, UdpSocket};
use std::sync::{Arc, Mutex};

use wasock_artifacts as programs;
use wasock_e2e::{Setup, policy, rule, run};
use wasock_host::AuditEvent;

use super::nothing_arrived;
use crate::{ipv6_available, loopback};

/// A native TCP listener that must see nothing, and its port.
fn listener(address: &str) -> (TcpListener, String) {
    let listener = TcpListener::bind(address).unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    (listener, port)
}

/// MPTCP, SCTP and other protocols the policy does not govern cannot be
/// made; TCP still connects.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_protocols() {
    let (native, port) = listener("127.0.0.1:0");
    let guest = run(
        programs::HOSTILE_PROTOCOLS,
        Setup::new(&[&port], loopback()),
    )
    .await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("protocols confined\n"),
        "{}",
        guest.stdout
    );
    native.accept().expect("the TCP connection arrived");
    nothing_arrived("the listener, after TCP", native.accept());
}

/// A policy that grants only unspecified addresses grants no loopback
/// peer, and a grant of `::` does not open `0.0.0.0`.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_wildcards() {
    let (native, port) = listener("127.0.0.1:0");
    let (own, own_port) = listener("127.0.0.2:0");
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_nonblocking(true).unwrap();
    let udp_port = udp.local_addr().unwrap().port().to_string();
    let native6 = ipv6_available().then(|| listener("[::1]:0"));
    let port6 = native6
        .as_ref()
        .map_or("-".to_string(), |(_, port)| port.clone());
    let grant = policy(|p| {
        p.allow_bind(rule("[::]/128:*"))
            .allow_bind(rule("127.0.0.2/32:*"))
            .allow_connect(rule("0.0.0.0/32:*"))
            .allow_connect(rule("[::]/128:*"));
    });
    let guest = run(
        programs::HOSTILE_WILDCARDS,
        Setup::new(&[&port, &udp_port, &own_port, &port6], grant),
    )
    .await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("wildcards confined\n"),
        "{}",
        guest.stdout
    );
    nothing_arrived("the loopback listener", native.accept());
    nothing_arrived("the listener on 127.0.0.2", own.accept());
    nothing_arrived("the datagram socket", udp.recv(&mut [0; 16]));
    if let Some((native6, _)) = native6 {
        nothing_arrived("the IPv6 loopback listener", native6.accept());
    }
}

/// An IPv4 address of this host other than loopback's: the source of a
/// route to a documentation address, if there is a route.
fn host_address() -> String {
    let probe = UdpSocket::bind("0.0.0.0:0").unwrap();
    probe
        .connect((Ipv4Addr::new(192, 0, 2, 1), 9))
        .and_then(|()| probe.local_addr())
        .ok()
        .map(|local| local.ip())
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
        .map_or("-".to_string(), |ip| ip.to_string())
}

/// The index of an interface of this host other than loopback, if any.
fn other_interface_index() -> String {
    std::fs::read_dir("/sys/class/net")
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.file_name() != "lo")
        .find_map(|entry| std::fs::read_to_string(entry.path().join("ifindex")).ok())
        .map_or("-".to_string(), |index| index.trim().to_string())
}

/// Without the interfaces grant, an address or index the host has and
/// one it has not are denied alike, and so are interface names in scope
/// ids.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_host_info() {
    let (address, index) = (host_address(), other_interface_index());
    let ipv6 = if ipv6_available() { "ipv6" } else { "no-ipv6" };
    println!("host address {address}, interface index {index}");
    let guest = run(
        programs::HOSTILE_HOST_INFO,
        Setup::new(&[&address, &index, ipv6], wasock_host::Policy::default()),
    )
    .await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("host information confined\n"),
        "{}",
        guest.stdout
    );
}

/// Every audit line a guest's paths and names produce is one line, with
/// no control character.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_audit_forgery() {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let audited = wasock_host::Policy::default().with_audit(Arc::new(move |event: &AuditEvent| {
        sink.lock().unwrap().push(event.to_string())
    }));
    let guest = run(programs::HOSTILE_AUDIT_FORGERY, Setup::new(&[], audited)).await;
    guest.assert_success();
    assert!(
        guest.stdout.ends_with("audit lines escaped\n"),
        "{}",
        guest.stdout
    );
    let lines = lines.lock().unwrap();
    let forged: Vec<&String> = lines
        .iter()
        .filter(|line| line.contains("forged"))
        .collect();
    assert!(forged.len() >= 5, "each forged use was audited: {lines:#?}");
    for line in lines.iter() {
        assert!(
            !line.chars().any(char::is_control) && !line.contains('\u{202e}'),
            "an audit line holds a control character: {line:?}"
        );
    }
    assert!(
        forged.iter().all(|line| line.ends_with(" denied")
            && line.contains("\\nwasock audit: socket.connect 10.0.0.1:22 allowed")),
        "{forged:#?}"
    );
}
