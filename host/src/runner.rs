//! Running a guest component: the engine and linker (WASI plus wasock), a
//! cache of compiled components, and one store per guest.
//!
//! Guests are interruptible. The engine counts epochs, advanced every
//! [`EPOCH_TICK`] by a thread of its own, and a guest that computes for a
//! tick yields to the other tasks of its thread (a guest waiting in a
//! socket call has yielded already). So many guests on one thread are
//! served in turn however long one of them spins, and a run stops within
//! about a tick of its time limit ([`GuestConfig::timeout`]) or of
//! [`StopHandle::stop`], whether the guest computes or waits.

use std::hash::{Hash, Hasher};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::error::Context;
use wasmtime::{Config, Engine, Result, Store, StoreLimits, StoreLimitsBuilder, UpdateDeadline};
use wasmtime_wasi::p2::bindings::Command;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::ctx::{Limits, SocketsCtx, SocketsCtxView, SocketsView};
use crate::policy::Policy;

/// The store data of a guest run by [`Runner`].
pub struct GuestState {
    wasi: WasiCtx,
    sockets: SocketsCtx,
    table: ResourceTable,
    wasm_limits: StoreLimits,
}

/// How far a guest's wasm state may grow: the host allocates every byte of
/// a linear memory and every element of a table the guest grows to.
/// Growing past a limit fails inside the guest (`memory.grow` and
/// `table.grow` return -1, so an allocator reports out-of-memory); a
/// component that starts out larger fails to instantiate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WasmLimits {
    /// Bytes each linear memory may grow to. Default 1 GiB.
    pub max_memory_bytes: usize,
    /// Elements each table may grow to. Default 1,048,576 (about 8 MiB of
    /// function references).
    pub max_table_elements: usize,
}

impl Default for WasmLimits {
    fn default() -> Self {
        WasmLimits {
            max_memory_bytes: 1 << 30,
            max_table_elements: 1 << 20,
        }
    }
}

impl WasmLimits {
    fn store_limits(&self) -> StoreLimits {
        StoreLimitsBuilder::new()
            .memory_size(self.max_memory_bytes)
            .table_elements(self.max_table_elements)
            .build()
    }
}

impl WasiView for GuestState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl SocketsView for GuestState {
    fn sockets(&mut self) -> SocketsCtxView<'_> {
        SocketsCtxView {
            ctx: &mut self.sockets,
            table: &mut self.table,
        }
    }
}

/// Where a guest's standard output or error goes.
#[derive(Clone, Default)]
pub enum Output {
    /// The host process's own stream.
    #[default]
    Inherit,
    /// A pipe the embedder reads, e.g. a test.
    Capture(MemoryOutputPipe),
}

/// A host directory preopened for the guest's WASI file system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preopen {
    /// The directory on the host.
    pub host: PathBuf,
    /// The name the guest sees.
    pub guest: String,
}

impl std::str::FromStr for Preopen {
    type Err = std::convert::Infallible;

    /// `HOST_DIR` or `HOST_DIR::GUEST_DIR`, as `wasmtime run --dir`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (host, guest) = text.split_once("::").unwrap_or((text, text));
        Ok(Preopen {
            host: host.into(),
            guest: guest.into(),
        })
    }
}

/// How often the engine's epoch advances: the longest a guest computes
/// before it yields to the other tasks of its thread.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Why [`Runner::run`] stopped a guest before it ended: the error it
/// returns, which an embedder finds with `error.downcast_ref::<Stopped>()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Stopped {
    /// The guest ran for its whole [`GuestConfig::timeout`].
    #[error("the guest was stopped at its time limit of {0:?}")]
    TimedOut(Duration),
    /// [`StopHandle::stop`] was called.
    #[error("the guest was stopped by its stop handle")]
    ByHandle,
}

/// Stops a guest from elsewhere: cloned into [`GuestConfig::stop`] and kept
/// by the embedder, whose [`stop`](Self::stop) makes the run return
/// [`Stopped::ByHandle`] within about a tick, whether the guest computes
/// or waits in a socket call, and drops its store (closing every socket it
/// held). Stopping before the run starts stops it at once.
#[derive(Debug, Clone, Default)]
pub struct StopHandle(Arc<StopState>);

#[derive(Debug, Default)]
struct StopState {
    stopped: AtomicBool,
    wake: tokio::sync::Notify,
}

impl StopHandle {
    /// A handle that has not stopped anything yet.
    pub fn new() -> StopHandle {
        StopHandle::default()
    }

    /// Stop the guests run with this handle (or a clone of it). Safe to
    /// call from any thread, any number of times.
    pub fn stop(&self) {
        self.0.stopped.store(true, Ordering::SeqCst);
        self.0.wake.notify_waiters();
    }

    /// Whether [`stop`](Self::stop) was called.
    pub fn is_stopped(&self) -> bool {
        self.0.stopped.load(Ordering::SeqCst)
    }

    /// Wait until [`stop`](Self::stop) is called.
    async fn stopped(&self) {
        loop {
            let woken = self.0.wake.notified();
            tokio::pin!(woken);
            // Registered before the flag is read, so a stop in between
            // still wakes it.
            woken.as_mut().enable();
            if self.is_stopped() {
                return;
            }
            woken.await;
        }
    }
}

/// Make a store of a [`Runner`]'s engine interruptible as the runner's own
/// stores are: its guest yields to the other tasks of its thread after each
/// [`EPOCH_TICK`] of computation. An embedder that makes its own stores
/// from [`Runner::engine`] calls this on each, and runs its guests with the
/// `*_async` calls; a store left alone traps at its guest's first function
/// call, as wasmtime's epoch deadline starts expired.
///
/// The guest yields with `tokio::task::yield_now`, which lets the runtime
/// look at its timers and sockets before it runs the guest again: a guest
/// that only computes would otherwise leave them unattended for tens of
/// ticks on a current-thread runtime, and its neighbours' sockets and its
/// own time limit with them.
pub fn yield_every_tick<T: 'static>(store: &mut Store<T>) {
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(|_| {
        Ok(UpdateDeadline::YieldCustom(
            1,
            Box::pin(tokio::task::yield_now()),
        ))
    });
}

/// Advance `engine`'s epoch every [`EPOCH_TICK`] on a thread of its own,
/// for as long as the engine exists.
fn start_epoch_ticker(engine: &Engine) -> std::io::Result<()> {
    let engine = engine.weak();
    std::thread::Builder::new()
        .name("wasock-epoch".into())
        .spawn(move || {
            while let Some(engine) = engine.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        })?;
    Ok(())
}

/// Everything one guest run needs besides the component.
#[derive(Clone, Default)]
pub struct GuestConfig {
    /// `argv`, including the program name.
    pub args: Vec<String>,
    /// Environment variables.
    pub env: Vec<(String, String)>,
    /// Preopened directories.
    pub preopens: Vec<Preopen>,
    /// The sockets policy.
    pub policy: Policy,
    /// The sockets limits.
    pub limits: Limits,
    /// The memory and table limits.
    pub wasm_limits: WasmLimits,
    /// Standard output.
    pub stdout: Output,
    /// Standard error.
    pub stderr: Output,
    /// Whether the guest reads the host's standard input.
    pub inherit_stdin: bool,
    /// Open sockets handed to the guest, which takes them with
    /// `take-inherited-sockets`.
    pub inherited_sockets: Vec<Arc<OwnedFd>>,
    /// The longest the guest may run, from the start of [`Runner::run`]
    /// (instantiation included); then the run returns
    /// [`Stopped::TimedOut`]. None: no limit. Needs a tokio runtime with
    /// its time driver.
    pub timeout: Option<Duration>,
    /// Stops the guest when the embedder's clone of it is stopped.
    pub stop: StopHandle,
}

/// Compiles, caches and runs guest components.
pub struct Runner {
    engine: Engine,
    linker: Linker<GuestState>,
    cache_dir: Option<PathBuf>,
}

impl Runner {
    /// A runner whose compiled components are cached in `cache_dir` (none:
    /// compile every time).
    ///
    /// The engine has epoch interruption on (see the [module](self)), and
    /// a thread that advances its epoch for as long as it exists.
    pub fn new(cache_dir: Option<PathBuf>) -> Result<Runner> {
        let engine = Engine::new(Config::new().epoch_interruption(true))?;
        start_epoch_ticker(&engine).context("cannot start the epoch thread")?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        crate::add_to_linker(&mut linker)?;
        Ok(Runner {
            engine,
            linker,
            cache_dir,
        })
    }

    /// The default cache directory: `$WASOCK_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/wasock`, else `$HOME/.cache/wasock`.
    pub fn default_cache_dir() -> Option<PathBuf> {
        let var = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        var("WASOCK_CACHE_DIR")
            .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("wasock")))
            .or_else(|| var("HOME").map(|d| d.join(".cache").join("wasock")))
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Load a component, from the cache when it was compiled before.
    ///
    /// The cache is looked up with a digest of the file read in pieces, so
    /// a cached component is never read whole (with debug information a
    /// component is megabytes, and reading it costs more than loading the
    /// cached code). On a miss the file is read once more and compiled, and
    /// the digest of that copy names the cache entry.
    pub fn load(&self, path: &Path) -> Result<Component> {
        let unreadable =
            |e: std::io::Error| wasmtime::format_err!("cannot read `{}`: {e}", path.display());
        if let Some(cache_dir) = &self.cache_dir {
            let index = cache_index(cache_dir, path, self.engine_hash());
            let known = index
                .as_ref()
                .and_then(|entry| std::fs::read_to_string(entry).ok());
            let name = match known.as_deref() {
                Some(name) if !name.contains('/') => name.to_string(),
                _ => self.cache_key(file_digest(path).map_err(unreadable)?),
            };
            let cached = cache_dir.join(&name);
            if let Some(entry) = &index
                && known.as_deref() != Some(name.as_str())
            {
                remember(entry, &name);
            }
            if cached.exists() {
                // SAFETY: the file was written by `Component::serialize` of
                // this program into the user's own cache directory, and its
                // name pins the input and the engine configuration.
                match unsafe { Component::deserialize_file(&self.engine, &cached) } {
                    Ok(component) => return Ok(component),
                    Err(error) => tracing::debug!(
                        "recompiling: cached `{}` unusable: {error}",
                        cached.display()
                    ),
                }
            }
        }
        let wasm = std::fs::read(path).map_err(unreadable)?;
        let component = Component::new(&self.engine, &wasm)
            .with_context(|| format!("cannot compile `{}`", path.display()))?;
        if let Some(cache_dir) = &self.cache_dir {
            let cached = cache_dir.join(self.cache_key(Sha256::new().chain_update(&wasm)));
            if let Err(error) = store_atomically(&cached, &component.serialize()?) {
                tracing::debug!("cannot cache `{}`: {error}", cached.display());
            }
        }
        Ok(component)
    }

    /// A hash of the engine's compatibility hash: what compiled code
    /// depends on besides the component.
    fn engine_hash(&self) -> u64 {
        let mut engine_hash = std::collections::hash_map::DefaultHasher::new();
        self.engine
            .precompile_compatibility_hash()
            .hash(&mut engine_hash);
        engine_hash.finish()
    }

    /// The cache file name: a digest of the component (`component` has
    /// been fed its bytes) and of the engine's compatibility hash.
    fn cache_key(&self, component: Sha256) -> String {
        let digest = component
            .chain_update(self.engine_hash().to_le_bytes())
            .finalize();
        let hex = hex(&digest);
        format!("{hex}.cwasm")
    }

    /// Instantiate and run a guest's `wasi:cli/run`; return its exit code.
    /// A trap is an error, and so is [`Stopped`]: the guest ran past
    /// `config.timeout`, or `config.stop` was stopped. Dropping the future
    /// stops the guest too.
    pub async fn run(&self, component: &Component, config: GuestConfig) -> Result<i32> {
        let (stop, timeout) = (config.stop.clone(), config.timeout);
        let stopped = async {
            match timeout {
                Some(limit) => tokio::time::timeout(limit, stop.stopped())
                    .await
                    .map_or(Stopped::TimedOut(limit), |()| Stopped::ByHandle),
                None => {
                    stop.stopped().await;
                    Stopped::ByHandle
                }
            }
        };
        // A spinning guest yields every tick, so the stop is looked at
        // every tick; dropping the guest's future drops its store.
        tokio::select! {
            biased;
            why = stopped => Err(why.into()),
            exit = self.run_to_end(component, config) => exit,
        }
    }

    /// [`run`](Self::run) without the stops.
    async fn run_to_end(&self, component: &Component, config: GuestConfig) -> Result<i32> {
        let mut store = Store::new(&self.engine, guest_state(config)?);
        store.limiter(|state| &mut state.wasm_limits);
        yield_every_tick(&mut store);
        let command = Command::instantiate_async(&mut store, component, &self.linker).await?;
        match command.wasi_cli_run().call_run(&mut store).await {
            Ok(Ok(())) => Ok(0),
            Ok(Err(())) => Ok(1),
            Err(error) => match error.downcast_ref::<I32Exit>() {
                Some(exit) => Ok(exit.0),
                None => Err(error),
            },
        }
    }
}

/// The store data for one guest.
fn guest_state(config: GuestConfig) -> Result<GuestState> {
    let mut wasi = WasiCtxBuilder::new();
    wasi.args(&config.args).envs(&config.env);
    if config.inherit_stdin {
        wasi.inherit_stdin();
    }
    match config.stdout {
        Output::Inherit => wasi.inherit_stdout(),
        Output::Capture(pipe) => wasi.stdout(pipe),
    };
    match config.stderr {
        Output::Inherit => wasi.inherit_stderr(),
        Output::Capture(pipe) => wasi.stderr(pipe),
    };
    for dir in &config.preopens {
        wasi.preopened_dir(&dir.host, &dir.guest, FsPerms::ReadWrite)
            .with_context(|| format!("cannot preopen `{}`", dir.host.display()))?;
    }
    Ok(GuestState {
        wasi: wasi.build(),
        sockets: config.inherited_sockets.into_iter().fold(
            SocketsCtx::new(config.policy).with_limits(config.limits),
            SocketsCtx::inherit_shared,
        ),
        table: ResourceTable::new(),
        wasm_limits: config.wasm_limits.store_limits(),
    })
}

/// A SHA-256 fed with the contents of the file at `path`, read in pieces.
fn file_digest(path: &Path) -> std::io::Result<Sha256> {
    let mut digest = Sha256::new();
    let mut file = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
    std::io::copy(&mut file, &mut digest)?;
    Ok(digest)
}

/// The index entry naming a component file's cached compilation without
/// reading it: a digest of its path, device, inode, size and change times,
/// and of the engine (`engine_hash`), so that another engine configuration
/// never finds the entry of code it cannot load. A file rewritten in any
/// way gets a new change time (`ctime`), and so a new entry; `None` when
/// the file cannot be inspected.
fn cache_index(cache_dir: &Path, path: &Path, engine_hash: u64) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let path = std::fs::canonicalize(path).ok()?;
    let meta = std::fs::metadata(&path).ok()?;
    let digest = Sha256::new()
        .chain_update(path.as_os_str().as_encoded_bytes())
        .chain_update(
            [meta.dev(), meta.ino(), meta.size()]
                .map(u64::to_le_bytes)
                .concat(),
        )
        .chain_update(
            [
                meta.mtime(),
                meta.mtime_nsec(),
                meta.ctime(),
                meta.ctime_nsec(),
            ]
            .map(i64::to_le_bytes)
            .concat(),
        )
        .chain_update(engine_hash.to_le_bytes())
        .finalize();
    let hex = hex(&digest);
    Some(cache_dir.join("index").join(hex))
}

/// Lower-case hexadecimal of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Record `name` as the cached compilation of the file `entry` indexes.
fn remember(entry: &Path, name: &str) {
    if let Err(error) = store_atomically(entry, name.as_bytes()) {
        tracing::debug!("cannot index `{}`: {error}", entry.display());
    }
}

/// Write `bytes` to `path` through a temporary file and a rename, so that
/// concurrent runs never see half a file.
fn store_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!(".{}.{}.tmp", std::process::id(), rand_suffix()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// A suffix that differs between threads and calls of one process.
fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Code compiled for an engine with epoch interruption differs from
    /// code compiled without it, so the cache keys differ too.
    #[test]
    fn the_cache_key_covers_epoch_interruption() {
        let interruptible = Runner::new(None).unwrap();
        let engine = Engine::new(&Config::new()).unwrap();
        let plain = Runner {
            linker: Linker::new(&engine),
            engine,
            cache_dir: None,
        };
        let key = |runner: &Runner| runner.cache_key(Sha256::new().chain_update(b"component"));
        assert_ne!(key(&interruptible), key(&plain));
        // Nor do they share an index entry: one engine's entry would name
        // code the other cannot load, and every run would compile again.
        let dir = std::env::temp_dir();
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let index = |runner: &Runner| cache_index(&dir, &file, runner.engine_hash());
        assert_ne!(index(&interruptible), index(&plain));
    }
}
