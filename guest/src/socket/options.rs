//! Typed socket options: `setsockopt(2)` and `getsockopt(2)`, with a
//! getter and setter per option named as in `socket2`, one module per
//! level.

use std::io;
use std::time::Duration;

use super::{OptionName, Socket, SocketOption};
use crate::{ErrorCode, error};

/// Reads option `$name` and unpacks the value of the same name.
macro_rules! get {
    ($socket:expr, $name:ident) => {
        match $socket.get_option($crate::socket::OptionName::$name)? {
            $crate::socket::SocketOption::$name(value) => value,
            other => {
                return Err($crate::socket::options::mismatch(
                    $crate::socket::OptionName::$name,
                    &other,
                ));
            }
        }
    };
}

mod ip;
mod ipv6;
mod socket_level;
mod tcp;
mod udplite;

impl Socket {
    /// Sets any socket option.
    ///
    /// Calls `socket.set-option`, like `setsockopt(2)`.
    pub fn set_option(&self, value: SocketOption) -> io::Result<()> {
        Ok(self.as_raw().set_option(&value)?)
    }

    /// Reads any socket option.
    ///
    /// Calls `socket.get-option`, like `getsockopt(2)`.
    pub fn get_option(&self, name: OptionName) -> io::Result<SocketOption> {
        Ok(self.as_raw().get_option(name)?)
    }
}

/// The host answered `get-option(name)` with another option.
fn mismatch(name: OptionName, value: &SocketOption) -> io::Error {
    let message = format!("the host answered get-option({name:?}) with {value:?}");
    error::local(ErrorCode::ProtocolError, &message)
}

fn whole_seconds(duration: Duration) -> u32 {
    u32::try_from(duration.as_secs()).unwrap_or(u32::MAX)
}
