//! Helpers shared by the guest test programs: each program asserts, and a
//! failed assertion traps the guest, which fails its host test.

use std::io;
use std::time::Duration;

use wasock::{Error, ErrorCode};

pub mod bench;

/// The longest a call that must not wait may take, even on a loaded
/// machine; a test that checks it gives the socket a longer timeout, so
/// that waiting that timeout out fails the check.
pub const AT_ONCE: Duration = Duration::from_secs(1);

/// A timeout longer than [`AT_ONCE`]: a call that wrongly waits it out is
/// told apart from one that returns at once.
pub const LONGER_THAN_AT_ONCE: Duration = Duration::from_secs(2);

/// The wasock error code inside an `io::Error`.
pub fn code(error: &io::Error) -> ErrorCode {
    Error::from_io(error)
        .unwrap_or_else(|| panic!("not a wasock error: {error:?}"))
        .code()
}

/// Assert that `result` failed with `expected`; return the error's text.
pub fn expect_code<T: std::fmt::Debug>(
    what: &str,
    result: io::Result<T>,
    expected: ErrorCode,
) -> String {
    match result {
        Ok(value) => panic!("{what}: expected {expected:?}, got Ok({value:?})"),
        Err(error) => {
            assert_eq!(code(&error), expected, "{what}: {error}");
            println!("{what}: {error}");
            error.to_string()
        }
    }
}

/// Assert that `result` was denied by the policy.
pub fn expect_denied<T: std::fmt::Debug>(what: &str, result: io::Result<T>) -> String {
    let text = expect_code(what, result, ErrorCode::AccessDenied);
    assert!(
        text.contains("not granted") || text.contains("outside"),
        "{what}: a denial names its reason: {text}"
    );
    text
}

/// Assert that `result` was not denied by the policy: it worked, or the
/// kernel refused it (the refusal is printed).
pub fn expect_not_denied<T: std::fmt::Debug>(what: &str, result: io::Result<T>) {
    if let Err(error) = result {
        assert!(
            !error.to_string().contains("not granted"),
            "{what} is granted, yet: {error}"
        );
        println!("{what}: the kernel says {error} ({:?})", code(&error));
    }
}

/// The program's arguments after its name.
pub fn args() -> Vec<String> {
    std::env::args().skip(1).collect()
}
