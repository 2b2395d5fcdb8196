//! Name lookups: names the policy does not list, and the lookup quota.

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
