//! The quota flags of `wasock run` and `wasock python`: each sets one field
//! of [`Limits`] or [`WasmLimits`], or the time limit
//! ([`GuestConfig::timeout`](crate::runner::GuestConfig::timeout)), and an
//! absent flag keeps its default.

use std::time::Duration;

use clap::Args;

use crate::ctx::{Limits, parse_size};
use crate::policy::Policy;
use crate::runner::WasmLimits;

/// The quota flags. Sizes take a K, M or G suffix (powers of 1024).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Quotas")]
pub struct LimitArgs {
    /// Most sockets and pollers alive at once, sockets passed away in
    /// messages not yet received included; more fail with EMFILE.
    /// Example: --max-sockets 64
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_sockets)]
    pub max_sockets: usize,

    /// Most socket-buffer memory the guest's sockets may hold in the
    /// kernel (the most their send and receive buffers may hold, summed);
    /// a new socket or a larger SO_SNDBUF/SO_RCVBUF beyond it fails with
    /// ENOBUFS, a new TCP socket gets fixed default buffers. Default: the
    /// policy file's `[quotas] socket-buffers`, else 512M.
    /// Example: --max-socket-buffers 64M
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_socket_buffers: Option<usize>,

    /// Most bytes one send or receive moves: larger receives are clamped,
    /// larger stream sends are partial, larger datagrams fail with
    /// EMSGSIZE. Example: --max-bytes-per-call 64K
    #[arg(
        long,
        value_name = "SIZE",
        value_parser = parse_size,
        default_value_t = Limits::default().max_bytes_per_call
    )]
    pub max_bytes_per_call: usize,

    /// Most bytes of the guest's outgoing data the host holds at once.
    /// Example: --max-in-flight-bytes 256K
    #[arg(
        long,
        value_name = "SIZE",
        value_parser = parse_size,
        default_value_t = Limits::default().max_in_flight_bytes
    )]
    pub max_in_flight_bytes: usize,

    /// Most sockets in one poll or one poller's set.
    /// Example: --max-poll-targets 1024
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_poll_targets)]
    pub max_poll_targets: usize,

    /// Most name lookups in progress at once.
    /// Example: --max-dns-lookups 1
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_dns_lookups)]
    pub max_dns_lookups: usize,

    /// Most bytes each of the guest's linear memories may grow to; growing
    /// further fails inside the guest as out-of-memory.
    /// Example: --max-memory 256M
    #[arg(
        long,
        value_name = "SIZE",
        value_parser = parse_size,
        default_value_t = WasmLimits::default().max_memory_bytes
    )]
    pub max_memory: usize,

    /// Most elements each of the guest's tables may grow to.
    /// Example: --max-table-elements 65536
    #[arg(
        long,
        value_name = "N",
        default_value_t = WasmLimits::default().max_table_elements
    )]
    pub max_table_elements: usize,

    /// Most wall-clock time the guest may run, whether it computes or
    /// waits: then it is stopped and wasock exits with an error. No limit
    /// by default. Takes ms, s, m or h. Example: --timeout 30s
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

impl LimitArgs {
    /// The sockets limits the flags set; where a flag is absent, what
    /// `policy` (its file) sets, else the default.
    pub fn limits(&self, policy: &Policy) -> Limits {
        Limits {
            max_sockets: self.max_sockets,
            max_buffer_bytes: self
                .max_socket_buffers
                .or(policy.max_socket_buffers())
                .unwrap_or(Limits::default().max_buffer_bytes),
            max_bytes_per_call: self.max_bytes_per_call,
            max_in_flight_bytes: self.max_in_flight_bytes,
            max_poll_targets: self.max_poll_targets,
            max_dns_lookups: self.max_dns_lookups,
        }
    }

    /// The memory and table limits the flags set.
    pub fn wasm_limits(&self) -> WasmLimits {
        WasmLimits {
            max_memory_bytes: self.max_memory,
            max_table_elements: self.max_table_elements,
        }
    }
}

/// A duration: digits followed by ms, s, m or h, not zero (a guest could
/// then not even start).
fn parse_duration(text: &str) -> Result<Duration, String> {
    let malformed = || format!("`{text}` is not a duration such as 500ms, 30s, 2m or 1h");
    let unit_at = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(malformed)?;
    let count: u64 = text[..unit_at].parse().map_err(|_| malformed())?;
    let unit = match &text[unit_at..] {
        "ms" => Duration::from_millis(1),
        "s" => Duration::from_secs(1),
        "m" => Duration::from_secs(60),
        "h" => Duration::from_secs(3600),
        _ => return Err(malformed()),
    };
    match unit.checked_mul(u32::try_from(count).map_err(|_| format!("`{text}` is too long"))?) {
        Some(Duration::ZERO) => Err("a duration must be longer than zero".into()),
        Some(duration) => Ok(duration),
        None => Err(format!("`{text}` is too long")),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        limits: LimitArgs,
    }

    fn parse(args: &[&str]) -> LimitArgs {
        Flags::parse_from(std::iter::once("wasock").chain(args.iter().copied())).limits
    }

    #[test]
    fn absent_flags_keep_the_defaults() {
        let flags = parse(&[]);
        assert_eq!(flags.limits(&Policy::default()), Limits::default());
        assert_eq!(flags.wasm_limits(), WasmLimits::default());
    }

    #[test]
    fn each_flag_sets_its_limit() {
        let flags = parse(&[
            "--max-sockets=7",
            "--max-socket-buffers=8M",
            "--max-bytes-per-call=64K",
            "--max-in-flight-bytes=3M",
            "--max-poll-targets=9",
            "--max-dns-lookups=1",
            "--max-memory=1G",
            "--max-table-elements=100",
        ]);
        assert_eq!(
            flags.limits(&Policy::default()),
            Limits {
                max_sockets: 7,
                max_buffer_bytes: 8 << 20,
                max_bytes_per_call: 64 << 10,
                max_in_flight_bytes: 3 << 20,
                max_poll_targets: 9,
                max_dns_lookups: 1,
            }
        );
        assert_eq!(
            flags.wasm_limits(),
            WasmLimits {
                max_memory_bytes: 1 << 30,
                max_table_elements: 100,
            }
        );
    }

    #[test]
    fn durations_take_units_and_reject_the_rest() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(
            parse(&["--timeout=2m"]).timeout,
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse(&[]).timeout, None);
        for bad in [
            "",
            "30",
            "s",
            "0s",
            "1.5s",
            "-1s",
            "10 s",
            "5sec",
            "99999999999h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
        assert!(parse_duration("3x").unwrap_err().contains("3x"));
    }

    #[test]
    fn sizes_take_binary_suffixes_and_reject_the_rest() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("16m"), Ok(16 << 20));
        assert!(parse_size("").is_err());
        assert!(parse_size("0K").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("1.5M").is_err());
        assert!(parse_size("-1K").is_err());
        assert!(parse_size("64KB").unwrap_err().contains("64KB"));
        assert!(parse_size(&format!("{}G", usize::MAX)).is_err());
    }
}
