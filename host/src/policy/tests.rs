//! Unit tests of the policy model, its TOML front end and its flags.

use std::sync::{Arc, Mutex};

use clap::Parser;

use super::*;

fn rule(text: &str) -> AddrRule {
    text.parse().unwrap()
}

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

fn build(configure: impl FnOnce(&mut PolicyBuilder)) -> Policy {
    let mut builder = Policy::builder();
    configure(&mut builder);
    builder.build().unwrap()
}

#[test]
fn default_denies() {
    let policy = Policy::default();
    let err = policy
        .check_ip(AddrUse::Connect, addr("127.0.0.1:10000"))
        .unwrap_err();
    assert_eq!(err.raw_errno(), Some(libc::EACCES));
    assert!(
        err.to_string().contains("connect to 127.0.0.1:10000"),
        "{err}"
    );
    for used_as in [
        AddrUse::Bind,
        AddrUse::Listen,
        AddrUse::ListenImplicitBind,
        AddrUse::SendTo,
    ] {
        assert!(policy.check_ip(used_as, addr("127.0.0.1:0")).is_err());
    }
    assert!(!policy.allows_dns());
    assert!(!policy.allows_dns_name("example.com"));
    let err = policy
        .check_multicast("239.1.2.3".parse().unwrap())
        .unwrap_err();
    assert_eq!(err.raw_errno(), Some(libc::EACCES));
    let text = err.to_string();
    assert!(
        text.contains("239.1.2.3") && text.contains("--allow-multicast"),
        "{text}"
    );
    assert!(policy.check_broadcast().is_err());
    assert!(policy.check_raw().is_err());
    assert!(policy.check_icmp().is_err());
    assert!(policy.check_abstract(AddrUse::Bind, b"x").is_err());
    assert!(policy.check_autobind().is_err());
    assert!(
        policy
            .check_reverse_dns("127.0.0.1".parse().unwrap())
            .is_err()
    );
    assert!(policy.check_interfaces("listing").is_err());
    assert!(!policy.allows_reverse_dns());
    assert!(!policy.allows_real_host_name());
    assert!(!policy.allows_interfaces());
    assert_eq!(policy.host_name(), "localhost");
    // With no accept or recv-from rule, peers are not filtered.
    assert!(policy.allows_peer(AddrUse::Accept, addr("192.0.2.1:40000")));
    assert!(policy.allows_peer(AddrUse::RecvFrom, addr("192.0.2.1:53")));
    assert!(!policy.inspects_peers(AddrUse::Accept) || policy.auditing());
}

#[test]
fn bind_grants_bind_and_listen_and_connect_grants_send_to() {
    let policy = build(|p| {
        p.allow_bind(rule("127.0.0.1/32:8000-8999"))
            .allow_connect(rule("127.0.0.1/32:9000"));
    });
    assert!(
        policy
            .check_ip(AddrUse::Bind, addr("127.0.0.1:8080"))
            .is_ok()
    );
    assert!(
        policy
            .check_ip(AddrUse::Listen, addr("127.0.0.1:8080"))
            .is_ok()
    );
    assert!(
        policy
            .check_ip(AddrUse::Bind, addr("127.0.0.1:9000"))
            .is_err()
    );
    assert!(
        policy
            .check_ip(AddrUse::Connect, addr("127.0.0.1:9000"))
            .is_ok()
    );
    assert!(
        policy
            .check_ip(AddrUse::SendTo, addr("127.0.0.1:9000"))
            .is_ok()
    );
    assert!(
        policy
            .check_ip(AddrUse::Connect, addr("127.0.0.1:8080"))
            .is_err()
    );
}

#[test]
fn finer_uses_grant_only_themselves() {
    let policy = build(|p| {
        p.allow_listen(rule("0.0.0.0/0:0"))
            .allow_send_to(rule("127.0.0.1/32:53"));
    });
    assert!(
        policy
            .check_ip(AddrUse::ListenImplicitBind, addr("0.0.0.0:0"))
            .is_ok()
    );
    assert!(policy.check_ip(AddrUse::Bind, addr("0.0.0.0:0")).is_err());
    assert!(
        policy
            .check_ip(AddrUse::SendTo, addr("127.0.0.1:53"))
            .is_ok()
    );
    let err = policy
        .check_ip(AddrUse::Connect, addr("127.0.0.1:53"))
        .unwrap_err();
    assert!(err.to_string().contains("--allow-connect"), "{err}");
}

#[test]
fn accept_rules_drop_other_peers_once_configured() {
    let policy = build(|p| {
        p.allow_accept(rule("10.0.0.0/8:*"));
    });
    assert!(policy.inspects_peers(AddrUse::Accept));
    assert!(policy.allows_peer(AddrUse::Accept, addr("10.1.2.3:40000")));
    assert!(!policy.allows_peer(AddrUse::Accept, addr("192.0.2.1:40000")));
    assert!(
        policy.allows_peer(AddrUse::RecvFrom, addr("192.0.2.1:53")),
        "accept rules leave datagrams alone"
    );
}

#[test]
fn recv_from_rules_allow_replies_from_send_to_peers() {
    let policy = build(|p| {
        p.allow_recv_from(rule("127.0.0.1/32:*"))
            .allow_connect(rule("192.0.2.53/32:53"));
    });
    assert!(policy.allows_peer(AddrUse::RecvFrom, addr("127.0.0.1:5000")));
    assert!(policy.allows_peer(AddrUse::RecvFrom, addr("192.0.2.53:53")));
    assert!(!policy.allows_peer(AddrUse::RecvFrom, addr("192.0.2.53:54")));
    assert!(!policy.allows_peer(AddrUse::RecvFrom, addr("192.0.2.1:53")));
    assert!(
        policy.allows_peer(AddrUse::Accept, addr("192.0.2.1:53")),
        "recv-from rules leave connections alone"
    );
}

#[test]
fn privileged_ports_need_their_grant_even_when_a_rule_matches() {
    let open = build(|p| {
        p.allow_bind(rule("0.0.0.0/0:*"))
            .allow_connect(rule("0.0.0.0/0:*"));
    });
    let err = open
        .check_ip(AddrUse::Bind, addr("127.0.0.1:80"))
        .unwrap_err();
    assert!(
        err.to_string().contains("--allow-privileged-ports"),
        "{err}"
    );
    assert!(
        open.check_ip(AddrUse::Listen, addr("127.0.0.1:1023"))
            .is_err()
    );
    assert!(
        open.check_ip(AddrUse::Bind, addr("127.0.0.1:0")).is_ok(),
        "ephemeral"
    );
    assert!(open.check_ip(AddrUse::Bind, addr("127.0.0.1:1024")).is_ok());
    assert!(
        open.check_ip(AddrUse::Connect, addr("192.0.2.1:443"))
            .is_ok(),
        "connecting to a low remote port is a connect rule's business"
    );
    let privileged = build(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_privileged_ports(true);
    });
    assert!(
        privileged
            .check_ip(AddrUse::Bind, addr("127.0.0.1:80"))
            .is_ok()
    );
    assert!(
        privileged
            .check_ip(AddrUse::Bind, addr("127.0.0.2:80"))
            .is_err(),
        "the grant does not widen the rules"
    );
}

#[test]
fn broadcast_needs_its_grant() {
    let open = build(|p| {
        p.allow_connect(rule("0.0.0.0/0:*"));
    });
    let err = open
        .check_ip(AddrUse::SendTo, addr("255.255.255.255:9"))
        .unwrap_err();
    assert!(err.to_string().contains("--allow-broadcast"), "{err}");
    assert!(
        open.check_ip(AddrUse::Connect, addr("255.255.255.255:9"))
            .is_err()
    );
    assert!(open.check_broadcast().is_err());
    let granted = build(|p| {
        p.allow_connect(rule("0.0.0.0/0:*")).allow_broadcast(true);
    });
    assert!(granted.check_broadcast().is_ok());
    assert!(
        granted
            .check_ip(AddrUse::SendTo, addr("255.255.255.255:9"))
            .is_ok()
    );
    let only_flag = build(|p| {
        p.allow_broadcast(true);
    });
    assert!(
        only_flag
            .check_ip(AddrUse::SendTo, addr("255.255.255.255:9"))
            .is_err(),
        "a rule must still grant the address"
    );
}

#[test]
fn loopback_only_grants_loopback_and_filters_peers() {
    let policy = build(|p| {
        p.loopback_only(true);
    });
    for used_as in [
        AddrUse::Bind,
        AddrUse::Listen,
        AddrUse::Connect,
        AddrUse::SendTo,
    ] {
        assert!(policy.check_ip(used_as, addr("127.0.0.1:5000")).is_ok());
        assert!(policy.check_ip(used_as, addr("127.9.9.9:5000")).is_ok());
        assert!(policy.check_ip(used_as, addr("[::1]:5000")).is_ok());
        assert!(policy.check_ip(used_as, addr("192.0.2.1:5000")).is_err());
        assert!(policy.check_ip(used_as, addr("[::2]:5000")).is_err());
    }
    assert!(
        policy
            .check_ip(AddrUse::Bind, addr("127.0.0.1:80"))
            .is_err()
    );
    assert!(policy.allows_peer(AddrUse::Accept, addr("127.0.0.1:40000")));
    assert!(!policy.allows_peer(AddrUse::Accept, addr("192.0.2.1:40000")));
    assert!(!policy.allows_peer(AddrUse::RecvFrom, addr("192.0.2.1:53")));
    assert!(
        policy.check_ip(AddrUse::Bind, addr("0.0.0.0:0")).is_err(),
        "the wildcard address is not loopback"
    );
}

#[test]
fn unprivileged_ports_grant_any_address_above_1023() {
    let policy = build(|p| {
        p.unprivileged_ports(true);
    });
    for used_as in [
        AddrUse::Bind,
        AddrUse::Listen,
        AddrUse::Connect,
        AddrUse::SendTo,
    ] {
        assert!(policy.check_ip(used_as, addr("192.0.2.1:1024")).is_ok());
        assert!(
            policy
                .check_ip(used_as, addr("[2001:db8::1]:65535"))
                .is_ok()
        );
        assert!(policy.check_ip(used_as, addr("192.0.2.1:1023")).is_err());
    }
    assert!(policy.check_ip(AddrUse::Bind, addr("0.0.0.0:0")).is_ok());
    assert!(
        policy
            .check_ip(AddrUse::ListenImplicitBind, addr("[::]:0"))
            .is_ok()
    );
    assert!(
        policy
            .check_ip(AddrUse::Connect, addr("192.0.2.1:0"))
            .is_err()
    );
    assert!(
        policy.allows_peer(AddrUse::Accept, addr("192.0.2.1:80")),
        "peers are not filtered"
    );
}

#[test]
fn host_name_rules_grant_their_addresses_and_lookups() {
    let policy = build(|p| {
        p.allow_connect(rule("localhost:8080"));
    });
    assert!(
        policy
            .check_ip(AddrUse::Connect, addr("127.0.0.1:8080"))
            .is_ok()
    );
    assert!(
        policy
            .check_ip(AddrUse::Connect, addr("127.0.0.1:8081"))
            .is_err(),
        "a granted name grants its port only"
    );
    assert!(
        policy
            .check_ip(AddrUse::Connect, addr("192.0.2.1:8080"))
            .is_err()
    );
    assert!(policy.allows_dns_name("LOCALHOST."));
    assert!(!policy.allows_dns_name("example.com"));
}

#[test]
fn dns_names_by_pattern() {
    let policy = build(|p| {
        p.allow_dns_name("*.example.com".parse().unwrap());
    });
    assert!(!policy.allows_dns());
    assert!(policy.allows_dns_name("api.example.com"));
    assert!(!policy.allows_dns_name("example.org"));
    let all = build(|p| {
        p.allow_dns(true);
    });
    assert!(all.allows_dns_name("example.org"));
}

#[test]
fn abstract_prefixes() {
    let policy = build(|p| {
        p.allow_unix_abstract("app-");
    });
    assert!(policy.check_abstract(AddrUse::Connect, b"app-1").is_ok());
    assert!(policy.check_abstract(AddrUse::Connect, b"other").is_err());
    assert!(policy.check_autobind().is_err());
    let all = build(|p| {
        p.allow_unix_abstract("");
    });
    assert!(all.check_autobind().is_ok());
}

#[test]
fn unix_dirs_map_guest_paths_to_host_directories() {
    let host = std::env::temp_dir().join(format!("wasock-policy-map-{}", std::process::id()));
    std::fs::create_dir_all(&host).unwrap();
    let policy = build(|p| {
        p.allow_unix(UnixDir::mapped(&host, "/run/app"));
    });
    let (grant, rest) = policy
        .unix_grant_for(Action::Connect, "/run/app/sub/x.sock")
        .unwrap();
    assert_eq!(grant.host, host);
    assert_eq!(rest, PathBuf::from("sub/x.sock"));
    assert!(
        policy
            .unix_grant_for(Action::Connect, &host.join("x.sock").display().to_string())
            .is_err(),
        "the host path is not the guest's"
    );
    assert_eq!(
        policy.guest_view(&host.join("peer.sock")).as_deref(),
        Some("/run/app/peer.sock")
    );
    assert_eq!(policy.guest_view(Path::new("/elsewhere/peer.sock")), None);
    std::fs::remove_dir_all(&host).unwrap();
}

#[test]
fn audit_hook_sees_every_decision() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let policy = build(|p| {
        p.allow_connect(rule("127.0.0.1/32:80"));
    })
    .with_audit(Arc::new(move |event: &AuditEvent| {
        sink.lock().unwrap().push(event.to_string())
    }));
    assert!(policy.auditing());
    let _ = policy.check_ip(AddrUse::Connect, addr("127.0.0.1:80"));
    let _ = policy.check_ip(AddrUse::Bind, addr("127.0.0.1:80"));
    let _ = policy.allows_peer(AddrUse::Accept, addr("127.0.0.1:5000"));
    let _ = policy.check_raw();
    let _ = policy.check_abstract(AddrUse::Bind, b"x");
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "socket.connect 127.0.0.1:80 allowed",
            "socket.bind 127.0.0.1:80 denied",
            "socket.accept 127.0.0.1:5000 allowed",
            "socket.__new__(SOCK_RAW) - denied",
            "socket.bind unix:@x denied",
        ]
    );
}

#[test]
fn lexical_suffix_is_by_component() {
    assert_eq!(
        lexical_suffix(Path::new("/a/b/./c"), Path::new("/a/b")),
        Some(PathBuf::from("c"))
    );
    assert_eq!(lexical_suffix(Path::new("/a/bc"), Path::new("/a/b")), None);
    assert_eq!(
        lexical_suffix(Path::new("/a/b/../x"), Path::new("/a/b")),
        Some(PathBuf::from("../x"))
    );
}

/// A policy file with every key.
const FULL: &str = r#"
[net]
bind = ["127.0.0.1/32:8000-8999"]
listen = ["0.0.0.0/0:0"]
connect = ["127.0.0.1/32:*", "localhost:8080"]
accept = ["127.0.0.0/8:*"]
send-to = ["[::1]/128:53"]
recv-from = ["ipv6:*"]
loopback-only = true
unprivileged-ports = true
privileged-ports = true
broadcast = true
multicast = true
raw = true
icmp = true

[unix]
dirs = ["/tmp", "/tmp::/run/app"]
abstract = ["app-", ""]

[names]
dns = true
dns-names = ["*.example.com"]
reverse-dns = true
host-name = "sandbox"
interfaces = true
"#;

/// The same grants as flags.
const FULL_FLAGS: &[&str] = &[
    "--allow-bind",
    "127.0.0.1/32:8000-8999",
    "--allow-listen",
    "0.0.0.0/0:0",
    "--allow-connect",
    "127.0.0.1/32:*",
    "--allow-connect",
    "localhost:8080",
    "--allow-accept",
    "127.0.0.0/8:*",
    "--allow-send-to",
    "[::1]/128:53",
    "--allow-recv-from",
    "ipv6:*",
    "--loopback-only",
    "--unprivileged-ports",
    "--allow-privileged-ports",
    "--allow-broadcast",
    "--allow-multicast",
    "--allow-raw",
    "--allow-icmp",
    "--allow-unix",
    "/tmp",
    "--allow-unix",
    "/tmp::/run/app",
    "--allow-abstract",
    "app-",
    "--allow-abstract",
    "",
    "--allow-dns",
    "--allow-dns-name",
    "*.example.com",
    "--allow-reverse-dns",
    "--host-name",
    "sandbox",
    "--allow-interfaces",
];

/// The grant flags alone, as `wasock run` flattens them into its own.
#[derive(Debug, Parser)]
struct Flags {
    #[command(flatten)]
    grants: PolicyArgs,
}

/// Parse grant flags.
fn flags(flags: &[&str]) -> PolicyArgs {
    let args = ["wasock"].iter().chain(flags).copied();
    Flags::try_parse_from(args).unwrap().grants
}

#[test]
fn a_policy_file_and_the_equivalent_flags_give_the_same_policy() {
    let from_file = PolicyBuilder::from_toml_str(FULL).unwrap();
    let from_flags = flags(FULL_FLAGS).builder().unwrap();
    assert_eq!(from_file, from_flags);
    assert_ne!(from_file, PolicyBuilder::default());
    // And the built policies decide alike.
    assert_eq!(from_file.build().unwrap(), from_flags.build().unwrap());
}

#[test]
fn every_flag_is_one_builder_call() {
    let one = |flag: &[&str], expected: &dyn Fn(&mut PolicyBuilder)| {
        let mut builder = PolicyBuilder::default();
        expected(&mut builder);
        assert_eq!(flags(flag).builder().unwrap(), builder, "{flag:?}");
    };
    one(&["--allow-connect", "127.0.0.1:1"], &|p| {
        p.allow_connect(rule("127.0.0.1:1"));
    });
    one(&["--allow-bind", "127.0.0.1:1"], &|p| {
        p.allow_bind(rule("127.0.0.1:1"));
    });
    one(&["--allow-listen", "127.0.0.1:1"], &|p| {
        p.allow_listen(rule("127.0.0.1:1"));
    });
    one(&["--allow-accept", "127.0.0.1:1"], &|p| {
        p.allow_accept(rule("127.0.0.1:1"));
    });
    one(&["--allow-send-to", "127.0.0.1:1"], &|p| {
        p.allow_send_to(rule("127.0.0.1:1"));
    });
    one(&["--allow-recv-from", "127.0.0.1:1"], &|p| {
        p.allow_recv_from(rule("127.0.0.1:1"));
    });
    one(&["--loopback-only"], &|p| {
        p.loopback_only(true);
    });
    one(&["--unprivileged-ports"], &|p| {
        p.unprivileged_ports(true);
    });
    one(&["--allow-privileged-ports"], &|p| {
        p.allow_privileged_ports(true);
    });
    one(&["--allow-broadcast"], &|p| {
        p.allow_broadcast(true);
    });
    one(&["--allow-unix", "a::/b"], &|p| {
        p.allow_unix(UnixDir::mapped("a", "/b"));
    });
    one(&["--allow-abstract", "x"], &|p| {
        p.allow_unix_abstract("x");
    });
    one(&["--allow-raw"], &|p| {
        p.allow_raw(true);
    });
    one(&["--allow-icmp"], &|p| {
        p.allow_icmp(true);
    });
    one(&["--allow-multicast"], &|p| {
        p.allow_multicast(true);
    });
    one(&["--allow-dns"], &|p| {
        p.allow_dns(true);
    });
    one(&["--allow-dns-name", "*.x"], &|p| {
        p.allow_dns_name("*.x".parse().unwrap());
    });
    one(&["--allow-reverse-dns"], &|p| {
        p.allow_reverse_dns(true);
    });
    one(&["--host-name", "h"], &|p| {
        p.host_name("h");
    });
    one(&["--allow-host-name"], &|p| {
        p.allow_real_host_name(true);
    });
    one(&["--allow-interfaces"], &|p| {
        p.allow_interfaces(true);
    });
    one(&[], &|_| {});
}

#[test]
fn flags_add_to_a_policy_file() {
    let dir = std::env::temp_dir().join(format!("wasock-policy-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("policy.toml");
    std::fs::write(
        &file,
        "[names]\ndns = true\n[net]\nconnect = [\"127.0.0.1:1\"]\n",
    )
    .unwrap();
    let file = file.display().to_string();
    let grants = flags(&["--policy", &file, "--allow-connect", "127.0.0.1:2"])
        .builder()
        .unwrap();
    let mut expected = PolicyBuilder::default();
    expected
        .allow_connect(rule("127.0.0.1:1"))
        .allow_dns(true)
        .allow_connect(rule("127.0.0.1:2"));
    assert_eq!(grants, expected, "an absent flag leaves the file's grant");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_example_policy_file_parses_and_builds() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/policy.toml");
    let builder = PolicyBuilder::from_toml_file(&path).unwrap();
    assert_ne!(builder, PolicyBuilder::default());
    builder.build().unwrap();
}

#[test]
fn an_empty_policy_file_denies_everything() {
    assert_eq!(
        PolicyBuilder::from_toml_str("").unwrap(),
        PolicyBuilder::default()
    );
    assert_eq!(
        PolicyBuilder::from_toml_str("[net]\n[unix]\n[names]\n").unwrap(),
        PolicyBuilder::default()
    );
}

fn toml_error(text: &str) -> String {
    PolicyBuilder::from_toml_str(text).unwrap_err().to_string()
}

#[test]
fn unknown_keys_are_errors_with_line_numbers() {
    let error = toml_error("[net]\nbind = []\nconect = [\"127.0.0.1:1\"]\n");
    assert!(error.contains("line 3"), "{error}");
    assert!(error.contains("conect"), "{error}");
    let error = toml_error("[net]\n\n[dns]\nenabled = true\n");
    assert!(error.contains("line 3") && error.contains("dns"), "{error}");
    let error = toml_error("allow-dns = true\n");
    assert!(
        error.contains("line 1") && error.contains("allow-dns"),
        "{error}"
    );
}

#[test]
fn bad_rules_in_a_file_are_errors_with_line_numbers() {
    let error =
        toml_error("[net]\nconnect = [\n  \"127.0.0.1/32:80\",\n  \"10.0.0.0/33:80\",\n]\n");
    assert!(
        error.contains("line 4") && error.contains("10.0.0.0/33"),
        "{error}"
    );
    let error = toml_error("[net]\nbind = [\"127.0.0.1:80-70\"]\n");
    assert!(
        error.contains("line 2") && error.contains("80-70"),
        "{error}"
    );
    let error = toml_error("[unix]\ndirs = [\"::/guest\"]\n");
    assert!(error.contains("line 2"), "{error}");
    let error = toml_error("[names]\ndns-names = [\"a b\"]\n");
    assert!(error.contains("line 2"), "{error}");
    let error = toml_error("[net]\nraw = \"yes\"\n");
    assert!(error.contains("line 2"), "{error}");
    let error = toml_error("[net\n");
    assert!(error.contains("line 1"), "{error}");
}

#[test]
fn a_configured_and_the_real_host_name_conflict_from_any_front_end() {
    let from_toml = Policy::from_toml_str("[names]\nhost-name = \"x\"\nreal-host-name = true\n")
        .unwrap_err()
        .to_string();
    assert!(from_toml.contains("choose one"), "{from_toml}");
    let mut mixed = PolicyBuilder::from_toml_str("[names]\nhost-name = \"x\"\n").unwrap();
    let error = mixed
        .allow_real_host_name(true)
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("`x`") && error.contains("choose one"),
        "{error}"
    );
    assert_eq!(
        mixed
            .allow_real_host_name(false)
            .build()
            .unwrap()
            .host_name(),
        "x"
    );
}

#[test]
fn policy_from_toml_str_builds() {
    let policy = Policy::from_toml_str("[net]\nconnect = [\"127.0.0.1/32:80\"]\n").unwrap();
    assert!(
        policy
            .check_ip(AddrUse::Connect, addr("127.0.0.1:80"))
            .is_ok()
    );
    assert!(
        policy
            .check_ip(AddrUse::Connect, addr("127.0.0.1:81"))
            .is_err()
    );
    assert!(matches!(
        Policy::from_toml_str("[unix]\ndirs = [\"/no/such/dir/anywhere\"]\n"),
        Err(PolicyError::UnixDir { .. })
    ));
}

#[test]
fn an_unspecified_destination_is_checked_as_the_local_host_it_reaches() {
    let unspecified_only = build(|p| {
        p.allow_connect(rule("0.0.0.0/32:*"))
            .allow_connect(rule("[::]/128:*"));
    });
    for destination in ["0.0.0.0:9", "[::]:9", "[::ffff:0.0.0.0]:9"] {
        for used_as in [AddrUse::Connect, AddrUse::SendTo] {
            let err = unspecified_only
                .check_ip(used_as, addr(destination))
                .unwrap_err();
            assert_eq!(err.raw_errno(), Some(libc::EACCES));
            assert!(err.to_string().contains("reaches"), "{err}");
        }
    }
    let loopback = build(|p| {
        p.loopback_only(true);
    });
    for destination in ["0.0.0.0:9", "[::]:9", "[::ffff:0.0.0.0]:9"] {
        loopback
            .check_ip(AddrUse::Connect, addr(destination))
            .unwrap();
    }
    // Bound to an IPv4 address, a socket reaches that address instead.
    let own = || Some(addr("192.0.2.7:4000"));
    assert!(
        loopback
            .check_destination(AddrUse::Connect, addr("0.0.0.0:9"), own)
            .is_err()
    );
    let own_granted = build(|p| {
        p.allow_connect(rule("192.0.2.7/32:9"));
    });
    own_granted
        .check_destination(AddrUse::Connect, addr("0.0.0.0:9"), own)
        .unwrap();
    // IPv6 always reaches ::1, and a socket bound to an IPv4-mapped
    // address 127.0.0.1.
    assert!(
        own_granted
            .check_destination(AddrUse::Connect, addr("[::]:9"), own)
            .is_err()
    );
    loopback
        .check_destination(AddrUse::SendTo, addr("[::]:9"), || {
            Some(addr("[::ffff:192.0.2.7]:4000"))
        })
        .unwrap();
}

#[test]
fn the_ipv6_wildcard_of_a_dual_stack_socket_needs_the_ipv4_wildcard_too() {
    let ipv6_only = build(|p| {
        p.allow_bind(rule("[::]/128:*"));
    });
    let wildcard = addr("[::]:8080");
    for used_as in [AddrUse::Bind, AddrUse::Listen, AddrUse::ListenImplicitBind] {
        ipv6_only.check_local(used_as, wildcard, || false).unwrap();
        let err = ipv6_only
            .check_local(used_as, wildcard, || true)
            .unwrap_err();
        assert_eq!(err.raw_errno(), Some(libc::EACCES));
        assert!(err.to_string().contains("reaches 0.0.0.0:8080"), "{err}");
    }
    // Only `::` is both: other IPv6 addresses never ask.
    ipv6_only
        .check_local(AddrUse::Bind, addr("[::1]:8080"), || {
            panic!("asked for an address that carries no IPv4")
        })
        .unwrap_err();
    let both = build(|p| {
        p.allow_bind(rule("[::]/128:*"))
            .allow_bind(rule("0.0.0.0/32:8080"));
    });
    both.check_local(AddrUse::Bind, wildcard, || true).unwrap();
    assert!(
        both.check_local(AddrUse::Bind, addr("[::]:8081"), || true)
            .is_err(),
        "the same port"
    );
}

#[test]
fn only_protocols_the_policy_understands_make_sockets() {
    use crate::core::{Family, SockType};
    let policy = Policy::default();
    policy
        .check_socket(Family::Inet, SockType::Stream, libc::IPPROTO_TCP)
        .unwrap();
    policy
        .check_socket(Family::Inet6, SockType::Dgram, libc::IPPROTO_UDPLITE)
        .unwrap();
    let mptcp = policy
        .check_socket(Family::Inet, SockType::Stream, libc::IPPROTO_MPTCP)
        .unwrap_err();
    assert_eq!(mptcp.raw_errno(), Some(libc::EPROTONOSUPPORT), "{mptcp}");
    let sctp = policy
        .check_socket(Family::Inet6, SockType::SeqPacket, 0)
        .unwrap_err();
    assert_eq!(sctp.raw_errno(), Some(libc::ESOCKTNOSUPPORT), "{sctp}");
    for (family, sock_type, protocol) in [
        (Family::Inet, SockType::Raw, libc::IPPROTO_UDP),
        (Family::Unix, SockType::Raw, 0),
        (Family::Inet, SockType::Dgram, libc::IPPROTO_ICMP),
    ] {
        let err = policy
            .check_socket(family, sock_type, protocol)
            .unwrap_err();
        assert_eq!(err.raw_errno(), Some(libc::EACCES), "{err}");
    }
    let granted = build(|p| {
        p.allow_raw(true).allow_icmp(true);
    });
    granted
        .check_socket(Family::Inet6, SockType::Dgram, libc::IPPROTO_ICMPV6)
        .unwrap();
    assert!(
        granted
            .check_socket(Family::Inet, SockType::Stream, libc::IPPROTO_MPTCP)
            .is_err(),
        "no grant opens a protocol the policy does not understand"
    );
}

#[test]
fn a_policy_file_sets_the_socket_buffer_budget() {
    let builder = PolicyBuilder::from_toml_str("[quotas]\nsocket-buffers = \"64M\"\n").unwrap();
    let policy = builder.build().unwrap();
    assert_eq!(policy.max_socket_buffers(), Some(64 << 20));
    assert_eq!(
        crate::SocketsCtx::new(policy).limits().max_buffer_bytes,
        64 << 20,
        "a context applies it"
    );
    assert_eq!(Policy::default().max_socket_buffers(), None);
    let error = toml_error("[quotas]\nsocket-buffers = \"lots\"\n");
    assert!(error.contains("socket-buffers"), "{error}");
    assert!(toml_error("[quotas]\nsockets = 3\n").contains("sockets"));
}
