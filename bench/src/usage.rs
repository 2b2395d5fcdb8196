//! What a process uses, as the kernel counts it: CPU time from
//! `getrusage(2)`, resident memory from `/proc/self`, and the CPU affinity
//! and descriptor limit the benchmark sets.

use std::fmt;
use std::io;
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// One reading of a server process's usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// User plus system CPU time of every thread so far (`RUSAGE_SELF`).
    pub cpu: Duration,
    /// Resident memory now (`VmRSS`), KiB.
    pub rss_kib: u64,
    /// Peak resident memory (`VmHWM`), KiB.
    pub peak_kib: u64,
    /// Resident private memory now (`RssAnon`): RSS without the pages of
    /// mapped files such as the executable's code, KiB.
    pub anon_kib: u64,
    /// Resident pages of guests' linear memories, KiB (see
    /// [`linear_memory_kib`]).
    pub linear_kib: u64,
}

impl Usage {
    /// This process's usage now.
    pub fn of_this_process() -> Result<Usage> {
        let status = std::fs::read_to_string("/proc/self/status")?;
        let field = |name: &str| -> Result<u64> {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kib| kib.parse().ok())
                .with_context(|| format!("no {name} in /proc/self/status"))
        };
        Ok(Usage {
            cpu: cpu_time(libc::RUSAGE_SELF)?,
            rss_kib: field("VmRSS:")?,
            peak_kib: field("VmHWM:")?,
            anon_kib: field("RssAnon:")?,
            linear_kib: linear_memory_kib(&std::fs::read_to_string("/proc/self/smaps")?),
        })
    }

    /// Parse the line `Display` prints.
    pub fn parse(line: &str) -> Result<Usage> {
        let numbers: Vec<u64> = line
            .strip_prefix("usage ")
            .context("not a usage line")?
            .split(' ')
            .map(str::parse)
            .collect::<Result<_, _>>()?;
        let [cpu_ns, rss_kib, peak_kib, anon_kib, linear_kib] = numbers[..] else {
            bail!("a usage line has five numbers: {line}");
        };
        Ok(Usage {
            cpu: Duration::from_nanos(cpu_ns),
            rss_kib,
            peak_kib,
            anon_kib,
            linear_kib,
        })
    }
}

impl fmt::Display for Usage {
    /// `usage CPU_NS RSS_KIB PEAK_KIB ANON_KIB LINEAR_KIB`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "usage {} {} {} {} {}",
            self.cpu.as_nanos(),
            self.rss_kib,
            self.peak_kib,
            self.anon_kib,
            self.linear_kib
        )
    }
}

/// User plus system CPU time from `getrusage(who)`.
pub fn cpu_time(who: libc::c_int) -> Result<Duration> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: getrusage fills the struct it is given.
    if unsafe { libc::getrusage(who, usage.as_mut_ptr()) } != 0 {
        return Err(io::Error::last_os_error().into());
    }
    // SAFETY: getrusage succeeded, so the struct is initialised.
    let usage = unsafe { usage.assume_init() };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Ok(time(usage.ru_utime) + time(usage.ru_stime))
}

/// The resident KiB of wasm linear memories in an `smaps` listing.
///
/// wasmtime reserves address space for each linear memory and makes its
/// accessible part readable and writable from the bottom (anonymous pages,
/// and a private mapping of the initial memory image from the compiled
/// file or a memfd), leaving the rest inaccessible. So a linear memory is
/// the run of private writable mappings directly below an inaccessible
/// mapping of at least 1 GiB.
pub fn linear_memory_kib(smaps: &str) -> u64 {
    let mappings = parse_smaps(smaps);
    let mut total = 0;
    for (i, reservation) in mappings.iter().enumerate() {
        if reservation.perms != "---p" || reservation.end - reservation.start < 1 << 30 {
            continue;
        }
        let mut start = reservation.start;
        for below in mappings[..i].iter().rev() {
            if below.end != start || below.perms != "rw-p" {
                break;
            }
            total += below.rss_kib;
            start = below.start;
        }
    }
    total
}

/// One mapping of `smaps`.
struct Mapping<'a> {
    start: u64,
    end: u64,
    perms: &'a str,
    rss_kib: u64,
}

/// The mappings of an `smaps` listing, in address order.
fn parse_smaps(smaps: &str) -> Vec<Mapping<'_>> {
    let mut mappings: Vec<Mapping<'_>> = Vec::new();
    for line in smaps.lines() {
        if let Some(rss) = line.strip_prefix("Rss:") {
            if let Some(last) = mappings.last_mut() {
                last.rss_kib = rss.trim().trim_end_matches(" kB").parse().unwrap_or(0);
            }
            continue;
        }
        let mut fields = line.split_whitespace();
        let (Some(range), Some(perms)) = (fields.next(), fields.next()) else {
            continue;
        };
        let Some((start, end)) = range.split_once('-') else {
            continue;
        };
        let (Ok(start), Ok(end)) = (u64::from_str_radix(start, 16), u64::from_str_radix(end, 16))
        else {
            continue;
        };
        mappings.push(Mapping {
            start,
            end,
            perms,
            rss_kib: 0,
        });
    }
    mappings
}

/// The CPUs this thread may run on.
pub fn allowed_cpus() -> Result<Vec<usize>> {
    // SAFETY: an all-zero cpu_set_t is a valid empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: the size and pointer describe `set`.
    if unsafe { libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &mut set) } != 0 {
        return Err(io::Error::last_os_error().into());
    }
    Ok((0..libc::CPU_SETSIZE as usize)
        // SAFETY: `cpu` is below CPU_SETSIZE.
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
        .collect())
}

/// Let this thread run on `cpus` only. Threads and processes it starts
/// afterwards inherit the set.
pub fn set_cpus(cpus: &[usize]) -> Result<()> {
    // SAFETY: an all-zero cpu_set_t is a valid empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    for &cpu in cpus {
        // SAFETY: CPU_SET checks nothing, so keep `cpu` in range.
        if cpu < libc::CPU_SETSIZE as usize {
            unsafe { libc::CPU_SET(cpu, &mut set) };
        }
    }
    // SAFETY: the size and pointer describe `set`.
    if unsafe { libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &set) } != 0 {
        return Err(io::Error::last_os_error()).context("sched_setaffinity");
    }
    Ok(())
}

/// Raise this process's soft limit of open descriptors towards `wanted`,
/// within the hard limit; return the limit now in effect.
pub fn raise_open_files(wanted: u64) -> Result<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit fills the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(io::Error::last_os_error().into());
    }
    if limit.rlim_cur < wanted {
        limit.rlim_cur = wanted.min(limit.rlim_max);
        // SAFETY: the struct is initialised and within the hard limit.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
            return Err(io::Error::last_os_error().into());
        }
    }
    Ok(limit.rlim_cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linear_memory_is_the_writable_run_below_a_large_reservation() {
        let smaps = "\
1000-2000 rw-p 00000000 00:00 0
Rss:                   4 kB
2000-4000 rw-p 00000000 00:01 7 /home/user/.cache/wasock/0123.cwasm
Rss:                   8 kB
4000-8000 rw-p 00000000 00:00 0
Rss:                  16 kB
8000-100008000 ---p 00000000 00:00 0
Rss:                   0 kB
100008000-100009000 rw-p 00000000 00:00 0
Rss:                   4 kB
200000000-200001000 r-xp 00000000 08:01 5 /usr/bin/x
Rss:                   4 kB
";
        assert_eq!(linear_memory_kib(smaps), 28);
        // A gap or a mapping of another kind ends the run.
        let with_gap = smaps.replace("1000-2000 rw-p", "1000-1800 rw-p");
        assert_eq!(linear_memory_kib(&with_gap), 24);
        let guarded = smaps.replace("1000-2000 rw-p", "1000-2000 ---p");
        assert_eq!(linear_memory_kib(&guarded), 24);
    }

    #[test]
    fn usage_lines_round_trip() {
        let usage = Usage {
            cpu: Duration::from_nanos(12_345),
            rss_kib: 2048,
            peak_kib: 4096,
            anon_kib: 1024,
            linear_kib: 1088,
        };
        assert_eq!(Usage::parse(&usage.to_string()).unwrap(), usage);
    }
}
