//! Helpers shared by the guest test programs: each program asserts, and a
//! failed assertion traps the guest, which fails its host test.

use std::io;

use wasock::{Error, ErrorCode};

pub mod bench;

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

/// The program's arguments after its name.
pub fn args() -> Vec<String> {
    std::env::args().skip(1).collect()
}
