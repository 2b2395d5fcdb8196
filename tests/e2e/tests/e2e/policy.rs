//! The deny-by-default policy: with no grants every network use fails with
//! access-denied; grants open exactly what they name.

use std::io::Write;
use std::net::TcpListener;
use std::os::unix::net::UnixListener;

use wasock_artifacts as programs;
use wasock_e2e::{Setup, TempDir, policy, rule, run};
use wasock_host::Policy;

use crate::assert_test_exists;

wasock_artifacts::foreach_policy!(assert_test_exists);
wasock_artifacts::foreach_unix!(assert_test_exists);

#[tokio::test(flavor = "current_thread")]
async fn policy_denied() {
    let guest = run(programs::POLICY_DENIED, Setup::new(&[], Policy::default())).await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("all denied\n"), "{}", guest.stdout);
}

#[tokio::test(flavor = "current_thread")]
async fn policy_connect_rules() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let granted = policy(|p| {
        p.allow_connect(rule(&format!("127.0.0.1/32:{port}")));
    });
    let guest = wasock_e2e::spawn(
        programs::POLICY_CONNECT_RULES,
        Setup::new(&[&port.to_string()], granted),
    );
    let mut accepted = 0;
    let start = std::time::Instant::now();
    while accepted == 0 && start.elapsed() < wasock_e2e::PATIENCE {
        match listener.accept() {
            Ok((mut stream, _)) => {
                stream.write_all(b"hello").unwrap();
                accepted += 1;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(5)).await,
        }
    }
    let finished = guest.finish().await;
    finished.assert_success();
    assert!(
        finished.stdout.ends_with("rules enforced\n"),
        "{}",
        finished.stdout
    );
    assert!(
        listener.accept().is_err(),
        "denied connects never reached the listener"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn policy_unix_escape() {
    let root = TempDir::new("escape");
    let granted = root.path().join("granted");
    let outside = root.path().join("outside");
    std::fs::create_dir_all(granted.join("sub")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let native = UnixListener::bind(outside.join("native.sock")).unwrap();
    native.set_nonblocking(true).unwrap();
    std::os::unix::fs::symlink("../outside", granted.join("dirlink")).unwrap();
    std::os::unix::fs::symlink(outside.join("native.sock"), granted.join("socklink")).unwrap();

    let grant = policy(|p| {
        p.allow_unix_dir(&granted);
    });
    let args = [granted.display().to_string(), outside.display().to_string()];
    let guest = run(
        programs::POLICY_UNIX_ESCAPE,
        Setup::new(&[&args[0], &args[1]], grant),
    )
    .await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("confined\n"), "{}", guest.stdout);
    assert!(
        native.accept().is_err(),
        "no connection escaped to the outside socket"
    );
    let escaped: Vec<_> = std::fs::read_dir(&outside)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        escaped,
        vec!["native.sock"],
        "nothing was bound outside the grant"
    );
}

/// Abstract names are granted by prefix, and reach native listeners.
#[tokio::test(flavor = "current_thread")]
async fn unix_abstract() {
    use std::os::linux::net::SocketAddrExt;
    let prefix = format!("wasock-test-{}-", std::process::id());
    let native_name = format!("{prefix}native");
    let address =
        std::os::unix::net::SocketAddr::from_abstract_name(native_name.as_bytes()).unwrap();
    let native = UnixListener::bind_addr(&address).unwrap();
    let greeter = std::thread::spawn(move || {
        let (mut stream, _) = native.accept().unwrap();
        stream.write_all(b"hello").unwrap();
    });
    let grant = policy(|p| {
        p.allow_unix_abstract(prefix.clone());
    });
    let guest = run(
        programs::UNIX_ABSTRACT,
        Setup::new(&[&prefix, &native_name], grant),
    )
    .await;
    guest.assert_success();
    assert!(guest.stdout.ends_with("abstract ok\n"), "{}", guest.stdout);
    greeter.join().unwrap();
}
