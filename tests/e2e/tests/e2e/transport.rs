//! Transport behaviour checked by guest programs: IPv6 addresses and
//! dual-stack sockets, and TCP semantics beyond the echo.

use wasock_artifacts as programs;
use wasock_e2e::{Setup, policy, rule, run};

use crate::assert_test_exists;

wasock_artifacts::foreach_udp!(assert_test_exists);

#[tokio::test(flavor = "current_thread")]
async fn udp_ipv6() {
    if std::net::UdpSocket::bind("[::1]:0").is_err() {
        println!("skipped: this machine has no IPv6 loopback");
        return;
    }
    // The dual-stack socket bound to `::` is bound to `0.0.0.0` as well,
    // which needs its own grant.
    let grants = policy(|p| {
        for network in [
            "127.0.0.1/32",
            "[::1]/128",
            "[::]/128",
            "0.0.0.0/32",
            "[fe80::]/10",
        ] {
            p.allow_bind(rule(&format!("{network}:*")));
        }
        p.allow_connect(rule("127.0.0.1/32:*"))
            .allow_connect(rule("[::1]/128:*"));
    });
    let guest = run(programs::UDP_IPV6, Setup::new(&[], grants)).await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("ipv6 ok\n"), "{}", guest.stdout);
}
