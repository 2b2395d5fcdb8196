//! A guest cannot hold its host thread: one that computes forever yields to
//! the other guests of its thread every epoch tick, and a guest is stopped
//! promptly by its time limit or its stop handle, whether it computes or
//! waits in a socket call.

use std::time::{Duration, Instant};

use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasock_e2e::{PATIENCE, component, runner};
use wasock_host::runner::{GuestConfig, Output, StopHandle, Stopped};

use super::{assert_echoes, loopback, neighbour};

/// The longest a stop may take: a few epoch ticks, with room for a busy
/// machine.
const PROMPTLY: Duration = Duration::from_millis(500);

/// `hostile_spin MODE` running on this thread, its output and its stop
/// handle.
struct Spinner {
    task: tokio::task::JoinHandle<wasmtime::Result<i32>>,
    stdout: MemoryOutputPipe,
    stop: StopHandle,
}

impl Spinner {
    /// Start `hostile_spin MODE` with loopback grants and `timeout`; wait
    /// until it prints `ready`, and return the rest of that line.
    async fn start(mode: &str, ready: &str, timeout: Option<Duration>) -> (Spinner, String) {
        let stdout = MemoryOutputPipe::new(4096);
        let stop = StopHandle::new();
        let config = GuestConfig {
            args: vec!["hostile_spin".into(), mode.into()],
            policy: loopback(),
            stdout: Output::Capture(stdout.clone()),
            timeout,
            stop: stop.clone(),
            ..GuestConfig::default()
        };
        let program = component(wasock_artifacts::HOSTILE_SPIN);
        let task = tokio::spawn(async move { runner().run(&program, config).await });
        let spinner = Spinner { task, stdout, stop };
        let started = Instant::now();
        loop {
            let printed = String::from_utf8_lossy(&spinner.stdout.contents()).into_owned();
            if let Some(rest) = printed.lines().find_map(|l| l.strip_prefix(ready)) {
                return (spinner, rest.to_string());
            }
            assert!(
                !spinner.task.is_finished() && started.elapsed() < PATIENCE,
                "hostile_spin {mode} never printed `{ready}`: {printed}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Wait for the run to end; return why it was stopped and how long
    /// that took from `since`.
    async fn stopped(self, since: Instant) -> (Stopped, Duration) {
        let ended = tokio::time::timeout(PATIENCE, self.task)
            .await
            .expect("the guest stops")
            .expect("the run does not panic");
        let took = since.elapsed();
        let error = ended.expect_err("a stopped guest's run is an error");
        let why = *error
            .downcast_ref::<Stopped>()
            .unwrap_or_else(|| panic!("not a stop: {error:?}"));
        (why, took)
    }
}

/// On one thread, a guest computing forever leaves an echo guest
/// answering; the stop handle ends the spinner, and so does its time limit;
/// a guest waiting in `accept` stops at once too, its listener closed.
#[tokio::test(flavor = "current_thread")]
pub(super) async fn hostile_spin() {
    let (server, port) = neighbour().await;
    let (spinner, _) = Spinner::start("spin", "spinning", None).await;
    for _ in 0..3 {
        let asked = Instant::now();
        assert_echoes(port).await;
        let took = asked.elapsed();
        println!("the neighbour echoed in {took:?} while a guest spun on its thread");
        assert!(took < PROMPTLY, "the neighbour took {took:?} to echo");
    }
    assert!(!spinner.task.is_finished(), "the spinner is still spinning");
    let asked = Instant::now();
    spinner.stop.stop();
    let (why, took) = spinner.stopped(asked).await;
    assert_eq!(why, Stopped::ByHandle);
    println!("a spinning guest stopped {took:?} after its stop handle");
    assert!(took < PROMPTLY, "stopping a spinning guest took {took:?}");

    let limit = Duration::from_millis(300);
    let started = Instant::now();
    let (spinner, _) = Spinner::start("spin", "spinning", Some(limit)).await;
    let (why, took) = spinner.stopped(started).await;
    assert_eq!(why, Stopped::TimedOut(limit));
    println!("a spinning guest with a limit of {limit:?} stopped after {took:?}");
    assert!(
        took >= limit && took < limit + PROMPTLY,
        "the limit took {took:?}"
    );

    let (waiter, listening) = Spinner::start("accept", "accepting on ", None).await;
    let listening: u16 = listening.parse().unwrap();
    let asked = Instant::now();
    waiter.stop.stop();
    let (why, took) = waiter.stopped(asked).await;
    assert_eq!(why, Stopped::ByHandle);
    println!("a guest waiting in accept stopped {took:?} after its stop handle");
    assert!(took < PROMPTLY, "stopping a waiting guest took {took:?}");
    let refused = std::net::TcpStream::connect(("127.0.0.1", listening));
    assert!(refused.is_err(), "the stopped guest's listener is closed");

    assert_echoes(port).await;
    server.stop().await;
}
