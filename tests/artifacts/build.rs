//! Builds every guest program for `wasm32-wasip2` and writes `$OUT_DIR/artifacts.rs`,
//! which names their paths (see `src/lib.rs`).
//!
//! The guests are built by a nested `cargo build` whose target directory lies under
//! `OUT_DIR`, so it never waits on the lock of the build that runs this script.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The target every guest is built for.
const TARGET: &str = "wasm32-wasip2";

/// Areas a test program may belong to: the part of its name before the first `_`.
const TEST_AREAS: &[&str] = &[
    "tcp", "udp", "unix", "policy", "timeout", "poll", "resolve", "options", "socket", "cli",
    "bench", "hostile",
];

/// The area of every example.
const EXAMPLE_AREA: &str = "example";

/// The workspace packages whose bins are guest programs.
const PACKAGES: &[Package] = &[
    Package {
        name: "wasock-examples",
        dir: "examples",
        areas: Areas::All(EXAMPLE_AREA),
    },
    Package {
        name: "wasock-test-programs",
        dir: "tests/programs",
        areas: Areas::ByPrefix(TEST_AREAS),
    },
];

/// Paths, relative to the workspace root, whose changes can change the guests.
/// A directory is scanned as a whole, so `examples` also covers `examples/Cargo.toml`.
const WATCHED: &[&str] = &[
    "wit",
    "guest",
    "examples",
    "tests/programs",
    "Cargo.toml",
    "Cargo.lock",
];

/// Variables the outer build sets (for this script, or for clippy) that would change or
/// break the nested build: flags meant for the host target, wrappers, the outer jobserver,
/// and the outer target and profile.
const OUTER_BUILD_VARS: &[&str] = &[
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "RUSTFLAGS",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_MAKEFLAGS",
    "MAKEFLAGS",
    "MFLAGS",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_TARGET_DIR",
    "TARGET",
    "HOST",
    "PROFILE",
    "OPT_LEVEL",
    "DEBUG",
    "NUM_JOBS",
];

/// A workspace package whose `src/bin/*.rs` files are guest programs.
struct Package {
    /// The package name, as given to `cargo build -p`.
    name: &'static str,
    /// Its directory, relative to the workspace root.
    dir: &'static str,
    /// How its programs are sorted into areas.
    areas: Areas,
}

/// How a package's programs are sorted into areas.
enum Areas {
    /// Every program is in this area.
    All(&'static str),
    /// The part of the name before the first `_` is the area, and must be one of these.
    ByPrefix(&'static [&'static str]),
}

/// One guest program: a bin of a [`Package`].
struct Program {
    /// The package that holds it.
    package: &'static str,
    /// The bin name (the file stem of its source).
    name: String,
    /// The area whose `foreach_<area>!` macro lists it.
    area: &'static str,
    /// Its source file, relative to the workspace root.
    source: String,
}

fn main() {
    let root = workspace_root();
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target_dir = guest_target_dir(&out_dir);
    watch(&root);
    let programs: Vec<Program> = PACKAGES
        .iter()
        .flat_map(|package| programs_of(&root, package))
        .collect();
    if !programs.is_empty() {
        ensure_target_installed();
        build(&root, &target_dir, &packages_to_build(&programs));
    }
    let code = generate(&programs, &target_dir);
    fs::write(out_dir.join("artifacts.rs"), code).expect("write artifacts.rs");
}

/// Where the guests are built: one directory beside the profiles of the
/// outer build (`OUT_DIR` is `<target>/<profile>/build/<crate>/out`), so
/// that `cargo clippy`, `cargo test` and release builds share one set of
/// wasm programs, always built in release mode, instead of each building
/// its own.
fn guest_target_dir(out_dir: &Path) -> PathBuf {
    out_dir
        .ancestors()
        .nth(4)
        .expect("OUT_DIR lies four levels below the target directory")
        .join("wasm-guests")
}

/// The workspace root: this crate lives in `tests/artifacts`.
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    manifest_dir
        .ancestors()
        .nth(2)
        .expect("tests/artifacts has a workspace root two levels up")
        .to_path_buf()
}

/// Tells cargo to run this script again when any guest source or manifest changes.
fn watch(root: &Path) {
    for path in WATCHED {
        println!("cargo::rerun-if-changed={}", root.join(path).display());
    }
}

/// The programs of `package`, one per `src/bin/*.rs`, sorted by name.
fn programs_of(root: &Path, package: &'static Package) -> Vec<Program> {
    let bin_dir = root.join(package.dir).join("src/bin");
    let Ok(entries) = fs::read_dir(&bin_dir) else {
        return Vec::new();
    };
    let mut programs: Vec<Program> = entries
        .map(|entry| entry.expect("read src/bin").path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let source = format!("{}/src/bin/{name}.rs", package.dir);
            let area = area_of(package, &name, &source);
            Program {
                package: package.name,
                name,
                area,
                source,
            }
        })
        .collect();
    programs.sort_by(|a, b| a.name.cmp(&b.name));
    programs
}

/// The area of program `name` in `package`; panics, naming `source`, when the name is not
/// a lower-case identifier or its prefix is no known area.
fn area_of(package: &Package, name: &str, source: &str) -> &'static str {
    let is_identifier = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    assert!(
        is_identifier,
        "{source}: a guest program's name must be lower-case letters, digits and `_`"
    );
    match package.areas {
        Areas::All(area) => area,
        Areas::ByPrefix(areas) => {
            let prefix = name.split_once('_').map(|(prefix, _)| prefix);
            areas
                .iter()
                .copied()
                .find(|area| Some(*area) == prefix)
                .unwrap_or_else(|| {
                    panic!(
                        "{source}: test program names start with an area and `_`, one of: {}",
                        areas.join(", ")
                    )
                })
        }
    }
}

/// The names of the packages that hold at least one of `programs`.
fn packages_to_build(programs: &[Program]) -> Vec<&'static str> {
    PACKAGES
        .iter()
        .map(|package| package.name)
        .filter(|name| programs.iter().any(|program| program.package == *name))
        .collect()
}

/// Makes sure the active toolchain has the `wasm32-wasip2` standard library, installing it
/// with rustup when possible.
fn ensure_target_installed() {
    if target_installed() {
        return;
    }
    let added = env::var("RUSTUP_TOOLCHAIN").is_ok_and(|toolchain| {
        Command::new("rustup")
            .args(["target", "add", TARGET, "--toolchain", &toolchain])
            .status()
            .is_ok_and(|status| status.success())
    });
    if !added || !target_installed() {
        panic!("{TARGET} target is missing: run `rustup target add {TARGET}`");
    }
}

/// Whether the sysroot of the compiler cargo uses holds the `wasm32-wasip2` libraries.
fn target_installed() -> bool {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(output) = Command::new(rustc).args(["--print", "sysroot"]).output() else {
        return false;
    };
    let sysroot = String::from_utf8_lossy(&output.stdout);
    output.status.success()
        && Path::new(sysroot.trim())
            .join("lib/rustlib")
            .join(TARGET)
            .is_dir()
}

/// Runs `cargo build --release --target wasm32-wasip2` for `packages`; panics with
/// cargo's messages when it fails.
fn build(root: &Path, target_dir: &Path, packages: &[&str]) {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args(["build", "--release", "--target", TARGET])
        .env("CARGO_TARGET_DIR", target_dir)
        .stdin(Stdio::null());
    for package in packages {
        command.args(["-p", package]);
    }
    for var in OUTER_BUILD_VARS {
        command.env_remove(var);
    }
    let output = command.output().expect("run cargo to build the guests");
    if !output.status.success() {
        panic!(
            "building the guest programs failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The path of the component cargo builds for `program`.
fn wasm_path(target_dir: &Path, program: &Program) -> PathBuf {
    target_dir
        .join(TARGET)
        .join("release")
        .join(format!("{}.wasm", program.name))
}

/// The text of `artifacts.rs`: a constant per program, [`ALL`], and a macro per area.
fn generate(programs: &[Program], target_dir: &Path) -> String {
    let mut code = String::new();
    for program in programs {
        code += &program_const(program, &wasm_path(target_dir, program));
    }
    code += &all_list(programs);
    for area in std::iter::once(&EXAMPLE_AREA).chain(TEST_AREAS) {
        code += &area_macro(area, programs);
    }
    code
}

/// `pub const NAME: &str = "<path>";` for one program.
fn program_const(program: &Program, wasm: &Path) -> String {
    format!(
        "/// The component built from `{source}`.\npub const {upper}: &str = {wasm:?};\n\n",
        source = program.source,
        upper = program.name.to_ascii_uppercase(),
        wasm = wasm.to_str().expect("OUT_DIR is UTF-8"),
    )
}

/// `pub const ALL` with the bin name and path of every program.
fn all_list(programs: &[Program]) -> String {
    let mut code = String::from(
        "/// Every guest program as `(bin name, path of its component)`.\n\
         pub const ALL: &[(&str, &str)] = &[\n",
    );
    for program in programs {
        let upper = program.name.to_ascii_uppercase();
        writeln!(code, "    ({:?}, {upper}),", program.name).unwrap();
    }
    code + "];\n\n"
}

/// `foreach_<area>!`, which invokes `$mac!(name)` for each program of `area`.
fn area_macro(area: &str, programs: &[Program]) -> String {
    let mut code = format!(
        "/// Invokes `$mac!(name)` once for each `{area}` program, with its bin name.\n\
         #[macro_export]\n\
         macro_rules! foreach_{area} {{\n    ($mac:ident) => {{\n"
    );
    for program in programs.iter().filter(|p| p.area == area) {
        writeln!(code, "        $mac!({});", program.name).unwrap();
    }
    code + "    };\n}\n\n"
}
