//! Builds the Python component and writes `$OUT_DIR/component.rs`, which
//! names it (see `src/lib.rs`).
//!
//! componentize-py is installed, pinned, into a virtual environment under
//! the cargo target directory with the machine's `python3`; the component
//! is built from `app/` and the WIT packages, and cached under a digest of
//! all of them. A copy goes next to the `wasock` executable. When PyPI is
//! unreachable or there is no `python3`, one warning is printed and the
//! component is `None`; any other failure stops the build.

use std::env;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use sha2::{Digest, Sha256};

/// The componentize-py release the component is built with.
const COMPONENTIZE_PY: &str = "componentize-py==0.25.1";

/// What `componentize-py --version` prints for it.
const COMPONENTIZE_PY_VERSION: &str = "componentize-py 0.25.1";

/// The world the component targets (`wit/world.wit`).
const WORLD: &str = "wasock:python/python@0.1.0";

/// The Python module componentize-py builds the component from (`app/`).
const APP_MODULE: &str = "wasock_main";

/// The file name `wasock python` looks for next to the executable.
const COMPONENT_FILE: &str = "wasock-python.wasm";

/// Texts in pip's output that mean the package index could not be reached.
const NETWORK_FAILURES: &[&str] = &[
    "NewConnectionError",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "ProxyError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "No route to host",
    "Connection refused",
    "(from versions: none)",
];

/// Why there is no component.
enum Missing {
    /// A reason to skip: PyPI unreachable, or no `python3`.
    Unavailable(String),
    /// Anything else; the build fails with this message.
    Failed(String),
}

/// The places the build reads and writes.
struct Paths {
    /// The workspace root.
    root: PathBuf,
    /// This crate (`guest/python`).
    crate_dir: PathBuf,
    /// `OUT_DIR`.
    out_dir: PathBuf,
    /// Where the virtual environment and the built components live, shared
    /// by every profile: `<target>/wasock-python`.
    shared: PathBuf,
    /// The directory of the `wasock` executable of this profile.
    profile_dir: PathBuf,
}

fn main() {
    let paths = paths();
    watch(&paths);
    let inputs = inputs(&paths);
    let cached = paths
        .shared
        .join("components")
        .join(format!("{}.wasm", digest(&inputs)));
    let result = if cached.is_file() {
        Ok(())
    } else {
        build_locked(&paths, &cached)
    };
    let code = match result {
        Ok(()) => {
            install_beside_executable(&cached, &paths.profile_dir.join(COMPONENT_FILE));
            component_rs(Some(&cached), "")
        }
        Err(Missing::Unavailable(reason)) => {
            println!(
                "cargo::warning=the Python component is not built ({reason}); `wasock python` and its tests are skipped"
            );
            // A path that never exists makes cargo run this script again next time.
            println!(
                "cargo::rerun-if-changed={}",
                paths.out_dir.join("retry-when-available").display()
            );
            component_rs(None, &reason)
        }
        Err(Missing::Failed(message)) => panic!("building the Python component failed: {message}"),
    };
    fs::write(paths.out_dir.join("component.rs"), code).expect("write component.rs");
}

fn paths() -> Paths {
    let crate_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets it"));
    // OUT_DIR is <target>[/<triple>]/<profile>/build/<package>-<hash>/out.
    let profile_dir = out_dir
        .ancestors()
        .nth(3)
        .expect("OUT_DIR lies three levels below the profile directory")
        .to_path_buf();
    let shared = profile_dir
        .parent()
        .expect("the profile directory has a parent")
        .join("wasock-python");
    Paths {
        root: crate_dir
            .ancestors()
            .nth(2)
            .expect("guest/python lies two levels below the workspace root")
            .to_path_buf(),
        crate_dir,
        out_dir,
        shared,
        profile_dir,
    }
}

/// The directories whose files make the component, each with the file
/// extension that matters.
fn input_dirs(paths: &Paths) -> [(PathBuf, &'static str); 3] {
    [
        (paths.crate_dir.join("app"), "py"),
        (paths.crate_dir.join("wit"), "wit"),
        (paths.root.join("wit"), "wit"),
    ]
}

/// Tells cargo to run this script again when an input changes.
fn watch(paths: &Paths) {
    for (dir, _) in input_dirs(paths) {
        println!("cargo::rerun-if-changed={}", dir.display());
    }
    println!("cargo::rerun-if-changed=build.rs");
}

/// Every input file, as `(path relative to the workspace root, contents)`,
/// sorted by path.
fn inputs(paths: &Paths) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for (dir, extension) in input_dirs(paths) {
        collect(&dir, extension, &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&paths.root).unwrap_or(&path);
            let contents =
                fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            (relative.display().to_string(), contents)
        })
        .collect()
}

/// The files with `extension` beneath `dir`.
fn collect(dir: &Path, extension: &str, files: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("read a directory entry").path();
        if path.is_dir() {
            collect(&path, extension, files);
        } else if path.extension().is_some_and(|e| e == extension) {
            files.push(path);
        }
    }
}

/// A digest of the pinned tool, the world and every input file.
fn digest(inputs: &[(String, Vec<u8>)]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(COMPONENTIZE_PY);
    hasher.update(WORLD);
    for (path, contents) in inputs {
        hasher.update((path.len() as u64).to_le_bytes());
        hasher.update(path);
        hasher.update((contents.len() as u64).to_le_bytes());
        hasher.update(contents);
    }
    hasher
        .finalize()
        .iter()
        .fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// Build the component into `cached` under a lock, so that concurrent
/// builds (cargo build and clippy, say) share one virtual environment.
fn build_locked(paths: &Paths, cached: &Path) -> Result<(), Missing> {
    fs::create_dir_all(&paths.shared).map_err(|e| failed("create the build directory", e))?;
    let lock =
        File::create(paths.shared.join(".lock")).map_err(|e| failed("create the lock", e))?;
    lock.lock().map_err(|e| failed("take the lock", e))?;
    if cached.is_file() {
        return Ok(());
    }
    let componentize_py = install_componentize_py(&paths.shared.join("venv"))?;
    componentize(paths, &componentize_py, cached)
}

fn failed(what: &str, error: impl std::fmt::Display) -> Missing {
    Missing::Failed(format!("cannot {what}: {error}"))
}

/// The `componentize-py` of the virtual environment at `venv`, creating the
/// environment and installing the pinned release when needed.
fn install_componentize_py(venv: &Path) -> Result<PathBuf, Missing> {
    let componentize_py = venv.join("bin").join("componentize-py");
    if version_of(&componentize_py).as_deref() == Some(COMPONENTIZE_PY_VERSION) {
        return Ok(componentize_py);
    }
    let created = Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(venv)
        .output();
    match created {
        Err(_) => return Err(Missing::Unavailable("no `python3` on this machine".into())),
        Ok(output) if !output.status.success() => {
            return Err(Missing::Failed(format!(
                "`python3 -m venv` failed (install the venv module, e.g. Debian's python3-venv):\n{}",
                text(&output)
            )));
        }
        Ok(_) => {}
    }
    let output = Command::new(venv.join("bin").join("python"))
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--retries",
            "1",
            "--timeout",
            "20",
        ])
        .arg(COMPONENTIZE_PY)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| failed("run pip", e))?;
    if !output.status.success() {
        let printed = text(&output);
        return Err(
            if NETWORK_FAILURES
                .iter()
                .any(|needle| printed.contains(needle))
            {
                Missing::Unavailable(format!(
                    "PyPI is unreachable, so {COMPONENTIZE_PY} cannot be installed"
                ))
            } else {
                Missing::Failed(format!("pip install {COMPONENTIZE_PY} failed:\n{printed}"))
            },
        );
    }
    match version_of(&componentize_py) {
        Some(version) if version == COMPONENTIZE_PY_VERSION => Ok(componentize_py),
        other => Err(Missing::Failed(format!(
            "{} reports {other:?} after installing {COMPONENTIZE_PY}",
            componentize_py.display()
        ))),
    }
}

/// What `program --version` prints, if it runs.
fn version_of(program: &Path) -> Option<String> {
    let output = Command::new(program).arg("--version").output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Run componentize-py on a copy of `app/` (so that nothing is written into
/// the sources) and move the component to `cached`, removing components of
/// older inputs.
fn componentize(paths: &Paths, componentize_py: &Path, cached: &Path) -> Result<(), Missing> {
    let app = paths.out_dir.join("app");
    let _ = fs::remove_dir_all(&app);
    copy_tree(&paths.crate_dir.join("app"), &app).map_err(|e| failed("copy app/", e))?;
    let partial = cached.with_extension("partial");
    let output = Command::new(componentize_py)
        .arg("-d")
        .arg(paths.root.join("wit"))
        .arg("-d")
        .arg(paths.crate_dir.join("wit"))
        .args(["-w", WORLD, "componentize", APP_MODULE, "-p"])
        .arg(&app)
        .arg("-o")
        .arg(&partial)
        .current_dir(&paths.out_dir)
        .env_remove("VIRTUAL_ENV")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| failed("run componentize-py", e))?;
    if !output.status.success() {
        return Err(Missing::Failed(format!(
            "componentize-py failed:\n{}",
            text(&output)
        )));
    }
    let components = cached.parent().expect("components have a directory");
    for old in fs::read_dir(components).map_err(|e| failed("list old components", e))? {
        let old = old.map_err(|e| failed("list old components", e))?.path();
        if old.extension().is_some_and(|e| e == "wasm") {
            let _ = fs::remove_file(old);
        }
    }
    fs::rename(&partial, cached).map_err(|e| failed("store the component", e))
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(path.file_name().expect("entries have names"));
        if path.is_dir() {
            copy_tree(&path, &target)?;
        } else if path.extension().is_some_and(|e| e == "py") {
            fs::copy(&path, &target)?;
        }
    }
    Ok(())
}

/// Copy the component next to the `wasock` executable unless an identical
/// copy is there.
fn install_beside_executable(cached: &Path, beside: &Path) {
    let same = fs::metadata(beside)
        .ok()
        .zip(fs::metadata(cached).ok())
        .is_some_and(|(a, b)| a.len() == b.len())
        && fs::read(beside).ok() == fs::read(cached).ok();
    if !same {
        let partial = beside.with_extension("partial");
        fs::copy(cached, &partial)
            .and_then(|_| fs::rename(&partial, beside))
            .unwrap_or_else(|e| panic!("copy the component to {}: {e}", beside.display()));
    }
}

/// Standard output and error of a finished command.
fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

/// The text of `component.rs`.
fn component_rs(component: Option<&Path>, unavailable: &str) -> String {
    let component = match component {
        Some(path) => format!(
            "Some({:?})",
            path.to_str().expect("the target directory is UTF-8")
        ),
        None => "None".to_string(),
    };
    format!(
        "/// The Python component, or `None` when it could not be built here\n\
         /// (see [`UNAVAILABLE`]).\n\
         pub const COMPONENT: Option<&str> = {component};\n\n\
         /// Why [`COMPONENT`] is `None`; empty when it was built.\n\
         pub const UNAVAILABLE: &str = {unavailable:?};\n"
    )
}
