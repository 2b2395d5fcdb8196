//! Name services: the classic name-service programs and the `resolve_*`
//! programs, compared with what glibc answers natively on this machine, and
//! the grants they need. Only `localhost`, loopback addresses, the host's
//! name and names that do not exist are looked up.

mod native;

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv6Addr, SocketAddr, SocketAddrV6, TcpListener, TcpStream};

use wasock_artifacts as programs;
use wasock_e2e::{Finished, Setup, policy, rule, run, spawn};
use wasock_host::Policy;

use crate::assert_test_exists;

wasock_artifacts::foreach_resolve!(assert_test_exists);

const MESSAGE: &[u8] = b"This is the message.  It will be repeated.";

/// The names every `gethostbyname*` program looks up, with the host's name
/// in the middle.
const UNKNOWN: &str = "wasock-unknown.invalid";

/// Forward and reverse lookups granted.
fn lookups() -> Policy {
    policy(|p| {
        p.allow_dns(true).allow_reverse_dns(true);
    })
}

/// Run `program` to success; return its standard output.
async fn stdout_of(program: &str, args: &[&str], policy: Policy) -> String {
    let guest = run(program, Setup::new(args, policy)).await;
    guest.assert_success();
    guest.stdout
}

/// Assert that a guest failed as an uncaught Python exception does: exit
/// status 1 and `message` on standard error.
fn assert_failed_with(guest: &Finished, message: &str) {
    assert_eq!(guest.code, Some(1), "{guest:?}");
    assert!(guest.stderr.contains(message), "{message} in {guest:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn gethostname_shows_the_name_the_policy_gives() {
    let default = stdout_of(programs::GETHOSTNAME, &[], Policy::default()).await;
    assert_eq!(default, "localhost\n");
    let configured = policy(|p| {
        p.host_name("wasock-sandbox");
    });
    let named = stdout_of(programs::GETHOSTNAME, &[], configured).await;
    assert_eq!(named, "wasock-sandbox\n");
    let real = policy(|p| {
        p.allow_real_host_name(true);
    });
    let real = stdout_of(programs::GETHOSTNAME, &[], real).await;
    assert_eq!(real, format!("{}\n", native::hostname()));
}

#[tokio::test(flavor = "current_thread")]
async fn gethostbyname_matches_native() {
    let hostname = native::hostname();
    let printed = stdout_of(programs::GETHOSTBYNAME, &[&hostname], lookups()).await;
    let mut expected = String::new();
    for host in ["localhost", &hostname, UNKNOWN] {
        let answer = native::py_gethostbyname(host).unwrap_or_else(|err| err);
        expected += &format!("{host} : {answer}\n");
    }
    assert_eq!(printed, expected);

    let denied = stdout_of(programs::GETHOSTBYNAME, &[], Policy::default()).await;
    assert!(
        denied.starts_with("localhost : 127.0.0.1\nlocalhost : 127.0.0.1\n"),
        "{denied}"
    );
    assert!(
        denied.contains(&format!("{UNKNOWN} : [Errno 13] Permission denied: name lookup of `{UNKNOWN}` is not granted by the policy (grant it with --allow-dns or --allow-dns-name)\n")),
        "{denied}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn gethostbyname_ex_matches_native() {
    let hostname = native::hostname();
    let printed = stdout_of(programs::GETHOSTBYNAME_EX, &[&hostname], lookups()).await;
    let mut expected = String::new();
    for host in ["localhost", &hostname, UNKNOWN] {
        expected += &format!("{host}\n");
        match native::py_gethostbyname_ex(host) {
            Ok(entry) => {
                expected += &format!(
                    "  Hostname: {}\n  Aliases : {}\n Addresses: {}\n",
                    entry.name,
                    native::py_list(&entry.aliases),
                    native::py_list(&entry.addresses)
                );
            }
            Err(err) => expected += &format!("ERROR: {err}\n"),
        }
        expected += "\n";
    }
    assert_eq!(printed, expected);
}

#[tokio::test(flavor = "current_thread")]
async fn getfqdn_matches_native() {
    let hostname = native::hostname();
    let hosts = [hostname.as_str(), "localhost", "127.0.0.1", UNKNOWN];
    let printed = stdout_of(programs::GETFQDN, &hosts, lookups()).await;
    let expected: String = hosts
        .iter()
        .map(|host| format!("{host:>10} : {}\n", native::py_getfqdn(host, &hostname)))
        .collect();
    assert_eq!(printed, expected);

    let denied = stdout_of(programs::GETFQDN, &[], Policy::default()).await;
    assert_eq!(
        denied, " localhost : localhost\n localhost : localhost\n",
        "without the reverse-DNS grant a name stays as it is"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn gethostbyaddr_matches_native() {
    for address in ["127.0.0.1", "::1"] {
        let guest = run(programs::GETHOSTBYADDR, Setup::new(&[address], lookups())).await;
        match native::py_gethostbyaddr(address) {
            Ok(entry) => {
                guest.assert_success();
                assert_eq!(
                    guest.stdout,
                    format!(
                        "Hostname : {}\nAliases  : {}\nAddresses: {}\n",
                        entry.name,
                        native::py_list(&entry.aliases),
                        native::py_list(&entry.addresses)
                    )
                );
            }
            Err(err) => assert_failed_with(&guest, &err),
        }
    }
    let denied = run(
        programs::GETHOSTBYADDR,
        Setup::new(&["127.0.0.1"], Policy::default()),
    )
    .await;
    assert_failed_with(
        &denied,
        "[Errno 13] Permission denied: reverse lookup of 127.0.0.1 is not granted by the policy (grant it with --allow-reverse-dns)",
    );
}

#[tokio::test(flavor = "current_thread")]
async fn getservbyname_matches_native() {
    let printed = stdout_of(programs::GETSERVBYNAME, &[], Policy::default()).await;
    let expected: String = [
        "http", "https", "ftp", "gopher", "smtp", "imap", "imaps", "pop3", "pop3s",
    ]
    .iter()
    .map(|scheme| {
        let port = native::getservbyname(scheme, None).expect("a well-known service");
        format!("{scheme:>6} : {port}\n")
    })
    .collect();
    assert_eq!(printed, expected);
}

#[tokio::test(flavor = "current_thread")]
async fn getservbyport_matches_native() {
    let printed = stdout_of(programs::GETSERVBYPORT, &[], Policy::default()).await;
    let expected: String = [80, 443, 21, 70, 25, 143, 993, 110, 995]
        .iter()
        .map(|&port| {
            let name = native::getservbyport(port, None).expect("a well-known port");
            format!("{name}://example.com/\n")
        })
        .collect();
    assert_eq!(printed, expected);
}

#[tokio::test(flavor = "current_thread")]
async fn getprotobyname_matches_native() {
    let printed = stdout_of(programs::GETPROTOBYNAME, &[], Policy::default()).await;
    let constants = [(1, "IPPROTO_ICMP"), (17, "IPPROTO_UDP"), (6, "IPPROTO_TCP")];
    let expected: String = ["icmp", "udp", "tcp"]
        .iter()
        .map(|name| {
            let number = native::getprotobyname(name).expect("a known protocol");
            let (_, constant) = constants.iter().find(|(n, _)| *n == number).unwrap();
            format!("{name:>4} -> {number:2} (socket.{constant:<12} = {number:2})\n")
        })
        .collect();
    assert_eq!(printed, expected);
}

#[tokio::test(flavor = "current_thread")]
async fn getaddrinfo_extra_args_matches_native() {
    let hostname = native::hostname();
    for (host, granted) in [
        ("localhost", Policy::default()),
        (hostname.as_str(), lookups()),
    ] {
        let printed = stdout_of(programs::GETADDRINFO_EXTRA_ARGS, &[host], granted).await;
        let found = native::getaddrinfo(
            Some(host),
            Some("http"),
            libc::AF_INET,
            libc::SOCK_STREAM,
            libc::IPPROTO_TCP,
            libc::AI_CANONNAME,
        )
        .expect("the name resolves natively");
        let expected: String = found
            .iter()
            .map(|info| {
                assert_eq!(
                    (info.family, info.socktype, info.protocol),
                    (libc::AF_INET, libc::SOCK_STREAM, libc::IPPROTO_TCP)
                );
                format!(
                    "Family        : AF_INET\nType          : SOCK_STREAM\nProtocol      : IPPROTO_TCP\n\
                     Canonical name: {}\nSocket address: ('{}', {})\n\n",
                    info.canonical_name.as_deref().unwrap_or(""),
                    info.address.ip(),
                    info.address.port()
                )
            })
            .collect();
        assert_eq!(printed, expected, "{host}");
    }
    let unknown = run(
        programs::GETADDRINFO_EXTRA_ARGS,
        Setup::new(&[UNKNOWN], lookups()),
    )
    .await;
    let code = native::getaddrinfo(
        Some(UNKNOWN),
        Some("http"),
        libc::AF_INET,
        libc::SOCK_STREAM,
        libc::IPPROTO_TCP,
        libc::AI_CANONNAME,
    )
    .err()
    .expect("the name does not exist");
    assert_failed_with(&unknown, &native::gai_message(code));
}

#[tokio::test(flavor = "current_thread")]
async fn address_packing_matches_native() {
    let printed = stdout_of(programs::ADDRESS_PACKING, &[], Policy::default()).await;
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let mut expected = String::new();
    for address in ["192.168.1.1", "127.0.0.1"] {
        let packed = native::inet_aton_bytes(address);
        expected += &format!(
            "Original: {address}\nPacked  : b'{}'\nUnpacked: {}\n\n",
            hex(&packed),
            native::inet_ntop_text(&packed)
        );
    }
    let address = "2002:ac10:10a:1234:21e:52ff:fe74:40e";
    let packed = native::inet_pton6(address);
    expected += &format!(
        "Original: {address}\nPacked  : b'{}'\nUnpacked: {}\n",
        hex(&packed),
        native::inet_ntop_text(&packed)
    );
    assert_eq!(printed, expected);
    assert!(printed.contains("b'c0a80101'") && printed.contains("b'7f000001'"));
    assert!(printed.contains("b'2002ac10010a1234021e52fffe74040e'"));
}

/// What the explicit-address and `INADDR_ANY` servers print for one
/// client of the echo message, after `starting up on …` and up to the empty
/// read.
fn server_transcript(client: SocketAddr) -> String {
    format!(
        "waiting for a connection\nclient connected: ('127.0.0.1', {})\n\
         received b'This is the mess'\nreceived b'age.  It will be'\nreceived b' repeated.'\n\
         received b''\n",
        client.port()
    )
}

/// Connect natively, send the message and read the echo; return the
/// client's address.
async fn native_client(port: u16) -> SocketAddr {
    tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(wasock_e2e::PATIENCE)).unwrap();
        stream.write_all(MESSAGE).unwrap();
        let mut echoed = vec![0; MESSAGE.len()];
        stream.read_exact(&mut echoed).unwrap();
        assert_eq!(echoed, MESSAGE);
        stream.local_addr().unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn explicit_address_server_native_client() {
    let granted = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"));
    });
    let server = spawn(
        programs::EXPLICIT_ADDRESS_SERVER,
        Setup::new(&["127.0.0.1", "0"], granted),
    );
    let port = server.port().await;
    let client = native_client(port).await;
    server.line_after("received b''").await;
    let transcript = server.stop().await;
    let expected = format!(
        "starting up on 127.0.0.1 port {port}\n{}",
        server_transcript(client)
    );
    assert!(transcript.starts_with(&expected), "{transcript}");
}

#[tokio::test(flavor = "current_thread")]
async fn explicit_address_client_native_server() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || crate::echo::native_echo(listener.accept().unwrap().0));
    let granted = policy(|p| {
        p.allow_connect(rule(&format!("127.0.0.1/32:{port}")));
    });
    let port = port.to_string();
    let printed = stdout_of(
        programs::EXPLICIT_ADDRESS_CLIENT,
        &["127.0.0.1", &port],
        granted,
    )
    .await;
    assert_eq!(
        printed,
        format!(
            "connecting to 127.0.0.1 port {port}\nsending b'This is the message.  It will be repeated.'\n\
             received b'This is the mess'\nreceived b'age.  It will be'\nreceived b' repeated.'\n"
        )
    );
    server.join().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn explicit_address_server_guest_client() {
    let loopback = policy(|p| {
        p.allow_bind(rule("127.0.0.1/32:*"))
            .allow_connect(rule("127.0.0.1/32:*"));
    });
    let server = spawn(
        programs::EXPLICIT_ADDRESS_SERVER,
        Setup::new(&["127.0.0.1", "0"], loopback.clone()),
    );
    let port = server.port().await.to_string();
    let printed = stdout_of(
        programs::EXPLICIT_ADDRESS_CLIENT,
        &["127.0.0.1", &port],
        loopback,
    )
    .await;
    assert!(printed.ends_with("received b' repeated.'\n"), "{printed}");
    server.line_after("received b''").await;
    server.stop().await;
}

#[tokio::test(flavor = "current_thread")]
async fn inaddr_any_server_native_client() {
    let denied = run(
        programs::INADDR_ANY_SERVER,
        Setup::new(&["0"], Policy::default()),
    )
    .await;
    assert_failed_with(&denied, "bind to 0.0.0.0:0 is not granted");

    let granted = policy(|p| {
        p.allow_bind(rule("0.0.0.0/32:*"));
    });
    let server = spawn(programs::INADDR_ANY_SERVER, Setup::new(&["0"], granted));
    let port = server.port().await;
    let client = native_client(port).await;
    server.line_after("received b''").await;
    let transcript = server.stop().await;
    let expected = format!(
        "starting up on 0.0.0.0 port {port}\n{}",
        server_transcript(client)
    );
    assert!(transcript.starts_with(&expected), "{transcript}");
}

/// The expected line of a `resolve_name_info` case, computed natively:
/// `reverse` and `interfaces` say what the policy grants.
fn name_info_line(line: &str, reverse: bool, interfaces: bool) -> String {
    let (case, _) = line.split_once(" => ").expect("a case line");
    let fields: Vec<&str> = case.split_whitespace().collect();
    let [_, ip, port, scope, flags] = fields[..] else {
        panic!("bad case line `{line}`");
    };
    let ip: IpAddr = ip.parse().unwrap();
    let port: u16 = port.parse().unwrap();
    let mut scope: u32 = scope.parse().unwrap();
    let flags: i32 = flags.parse().unwrap();
    if flags & libc::NI_NUMERICHOST == 0 && !reverse {
        return format!(
            "{case} => error: [Errno 13] Permission denied: reverse lookup of {ip} is not granted by the policy (grant it with --allow-reverse-dns)"
        );
    }
    let shown_scope = (!interfaces && scope != 0).then_some(scope);
    if shown_scope.is_some() {
        scope = 0;
    }
    let address = match ip {
        IpAddr::V4(v4) => SocketAddr::new(v4.into(), port),
        IpAddr::V6(v6) => SocketAddrV6::new(v6, port, 0, scope).into(),
    };
    match native::getnameinfo(address, flags) {
        Ok((host, service)) => match shown_scope {
            Some(id) if host.parse::<Ipv6Addr>().is_ok() => {
                format!("{case} => {host}%{id} {service}")
            }
            _ => format!("{case} => {host} {service}"),
        },
        Err(code) => format!("{case} => error: {}", native::gai_message(code)),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn resolve_name_info() {
    let everything = policy(|p| {
        p.allow_reverse_dns(true).allow_interfaces(true);
    });
    let reverse = policy(|p| {
        p.allow_reverse_dns(true);
    });
    for (mode, granted, reverse, interfaces) in [
        ("denied", Policy::default(), false, false),
        ("granted", reverse, true, false),
        ("granted", everything, true, true),
    ] {
        let printed = stdout_of(programs::RESOLVE_NAME_INFO, &[mode], granted).await;
        let (cases, last) = printed.trim_end().rsplit_once('\n').unwrap();
        assert_eq!(last, "name info ok");
        for line in cases.lines() {
            assert_eq!(line, name_info_line(line, reverse, interfaces));
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn resolve_host_entries() {
    let denied = stdout_of(
        programs::RESOLVE_HOST_ENTRIES,
        &["denied"],
        Policy::default(),
    )
    .await;
    assert!(denied.ends_with("host entries denied\n"), "{denied}");

    let hostname = native::hostname();
    let printed = stdout_of(
        programs::RESOLVE_HOST_ENTRIES,
        &["granted", &hostname],
        lookups(),
    )
    .await;
    let mut expected = String::new();
    for name in [
        "",
        "<broadcast>",
        "localhost",
        "LOCALHOST",
        "127.1",
        "::1",
        &hostname,
        UNKNOWN,
    ] {
        let address = native::py_gethostbyname(name).unwrap_or_else(|err| err);
        expected += &format!("gethostbyname {name:?} => {address}\n");
        let entry = native::py_gethostbyname_ex(name).map_or_else(|err| err, |e| e.show());
        expected += &format!("gethostbyname_ex {name:?} => {entry}\n");
    }
    for name in ["127.0.0.1", "::1", "localhost", &hostname, UNKNOWN] {
        let entry = native::py_gethostbyaddr(name).map_or_else(|err| err, |e| e.show());
        expected += &format!("gethostbyaddr {name:?} => {entry}\n");
        expected += &format!(
            "getfqdn {name:?} => {}\n",
            native::py_getfqdn(name, &hostname)
        );
    }
    expected += "host entries ok\n";
    assert_eq!(printed, expected);
}

#[tokio::test(flavor = "current_thread")]
async fn resolve_services() {
    let printed = stdout_of(programs::RESOLVE_SERVICES, &[], Policy::default()).await;
    let mut expected = String::new();
    for (name, protocol) in [
        ("http", None),
        ("http", Some("tcp")),
        ("http", Some("udp")),
        ("domain", Some("udp")),
        ("biff", Some("udp")),
        ("wasock-no-such-service", None),
    ] {
        let port = native::getservbyname(name, protocol)
            .map_or("service/proto not found".into(), |port| port.to_string());
        let protocol = protocol.unwrap_or("-");
        expected += &format!("getservbyname {name} {protocol} => {port}\n");
    }
    for (port, protocol) in [
        (80, None),
        (80, Some("tcp")),
        (53, Some("udp")),
        (512, Some("tcp")),
        (512, Some("udp")),
        (65000, None),
        (0, None),
    ] {
        let name = native::getservbyport(port, protocol).unwrap_or("port/proto not found".into());
        let protocol = protocol.unwrap_or("-");
        expected += &format!("getservbyport {port} {protocol} => {name}\n");
    }
    for name in [
        "ip",
        "icmp",
        "tcp",
        "TCP",
        "udp",
        "ipv6-icmp",
        "wasock-no-such-protocol",
    ] {
        let number = native::getprotobyname(name)
            .map_or("protocol not found".into(), |number| number.to_string());
        expected += &format!("getprotobyname {name} => {number}\n");
    }
    expected += "services ok\n";
    assert_eq!(printed, expected);
}

#[tokio::test(flavor = "current_thread")]
async fn resolve_interfaces() {
    let denied = stdout_of(programs::RESOLVE_INTERFACES, &["denied"], Policy::default()).await;
    assert!(denied.ends_with("interfaces denied\n"), "{denied}");

    let granted = policy(|p| {
        p.allow_interfaces(true);
    });
    let printed = stdout_of(programs::RESOLVE_INTERFACES, &["granted"], granted).await;
    let listed: Vec<String> = native::if_nameindex()
        .iter()
        .map(|(index, name)| format!("{index} {name}"))
        .collect();
    assert_eq!(
        printed,
        format!("if_nameindex => {}\ninterfaces ok\n", listed.join(", "))
    );
}

/// Each `AI_*` flag gives the guest what it gives a native caller.
#[tokio::test(flavor = "current_thread")]
async fn resolve_addrinfo_flags() {
    let queries: [(&str, Option<&str>, &str, i32, i32); 8] = [
        ("passive", None, "80", libc::AF_INET, libc::AI_PASSIVE),
        ("active", None, "80", libc::AF_INET, 0),
        (
            "numeric-host",
            Some("localhost"),
            "80",
            libc::AF_UNSPEC,
            libc::AI_NUMERICHOST,
        ),
        (
            "numeric-service",
            Some("127.0.0.1"),
            "http",
            libc::AF_UNSPEC,
            libc::AI_NUMERICSERV,
        ),
        (
            "v4-mapped",
            Some("127.0.0.1"),
            "80",
            libc::AF_INET6,
            libc::AI_V4MAPPED,
        ),
        (
            "v4-mapped-all",
            Some("localhost"),
            "80",
            libc::AF_INET6,
            libc::AI_V4MAPPED | libc::AI_ALL,
        ),
        (
            "address-config",
            Some("127.0.0.1"),
            "80",
            libc::AF_UNSPEC,
            libc::AI_ADDRCONFIG,
        ),
        (
            "canonical-name",
            Some("localhost"),
            "80",
            libc::AF_INET,
            libc::AI_CANONNAME,
        ),
    ];
    let mut expected = String::new();
    for (label, host, service, family, flags) in queries {
        let line =
            match native::getaddrinfo(host, Some(service), family, libc::SOCK_STREAM, 0, flags) {
                Ok(results) => results
                    .iter()
                    .map(|info| match &info.canonical_name {
                        Some(name) => format!("{} ({name})", info.address),
                        None => info.address.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                Err(code) => format!("error {code}"),
            };
        expected.push_str(&format!("{label}: {line}\n"));
    }
    let dns = policy(|p| {
        p.allow_dns(true);
    });
    let guest = run(programs::RESOLVE_ADDRINFO_FLAGS, Setup::new(&[], dns)).await;
    guest.assert_success();
    assert_eq!(guest.stdout, expected);
}
