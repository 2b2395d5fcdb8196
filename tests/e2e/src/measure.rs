//! Measurements of this whole process: open descriptors, resident memory
//! and its peak, and running a test alone in a process of its own so that
//! other tests do not disturb them.

use std::process::Command;

/// The variable that tells a process of this test binary which test it
/// runs alone.
const ALONE: &str = "WASOCK_E2E_ALONE";

/// Whether the calling test runs its body here: true in a process of this
/// test binary started to run it alone. Otherwise starts such a process,
/// waits for it, prints its output, panics if it failed, and returns false.
///
/// `test` is the test's path in the binary (`module::name`), as
/// `cargo test` lists it. The test must be a plain `#[test]`: the process
/// that runs it alone makes its own runtime.
pub fn alone_in_process(test: &str) -> bool {
    if std::env::var_os(ALONE).is_some_and(|name| name == test) {
        return true;
    }
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(ALONE, test)
        .output()
        .expect("run the test in its own process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{test} failed in its own process ({})\n--- stderr\n{stderr}",
        output.status
    );
    assert!(
        stdout.contains("1 passed"),
        "{test} did not run in its own process:\n{stdout}"
    );
    false
}

/// The descriptors this process holds open.
pub fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("list /proc/self/fd")
        .count()
}

/// The resident set size, `VmRSS`, in KiB.
pub fn resident_kib() -> u64 {
    status_kib("VmRSS:")
}

/// The peak resident set size since start or the last
/// [`reset_peak_resident`], `VmHWM`, in KiB.
pub fn peak_resident_kib() -> u64 {
    status_kib("VmHWM:")
}

/// Make the peak resident set size the current one (`/proc/self/clear_refs`).
pub fn reset_peak_resident() {
    std::fs::write("/proc/self/clear_refs", "5").expect("reset VmHWM");
}

/// A `kB` field of `/proc/self/status`.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

/// Raise the soft `RLIMIT_NOFILE` to the hard limit if it is below
/// `needed`; false (with a message) if the hard limit is below it too.
pub fn raise_fd_limit(needed: u64) -> bool {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid rlimit to write.
    assert_eq!(
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
        0
    );
    if limit.rlim_cur >= needed {
        return true;
    }
    if limit.rlim_max < needed {
        println!(
            "skipped: this test needs {needed} open files, and the hard RLIMIT_NOFILE is {}",
            limit.rlim_max
        );
        return false;
    }
    limit.rlim_cur = limit.rlim_max;
    // SAFETY: `limit` is a valid rlimit to read.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) }, 0);
    true
}
