//! `docs/conformance.md` stays honest: every row either names tests that
//! exist or gives the reason it is out of scope.

use std::path::{Path, PathBuf};

/// The repository root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The source file a test reference such as `e2e/messages::socket_msg`,
/// `cli::allow_dns_grants_name_lookups` or `guest/inet::byte_order` names.
fn source_of(module: &str) -> PathBuf {
    let root = root();
    if module == "cli" {
        return root.join("host/tests/cli.rs");
    }
    if let Some(module) = module.strip_prefix("e2e/") {
        return root.join(format!("tests/e2e/tests/e2e/{module}.rs"));
    }
    if let Some(module) = module.strip_prefix("guest/") {
        let file = root.join(format!("guest/src/{module}.rs"));
        return if file.exists() {
            file
        } else {
            root.join(format!("guest/src/{module}/mod.rs"))
        };
    }
    panic!("unknown test location `{module}`")
}

/// A test reference, `` `module::test` ``, split into its parts.
fn test_reference(text: &str) -> Option<(&str, &str)> {
    let reference = text.strip_prefix('`')?.strip_suffix('`')?;
    let (module, test) = reference.rsplit_once("::")?;
    let plain = |part: &str| {
        part.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '/')
    };
    (plain(module) && plain(test) && !test.contains('/')).then_some((module, test))
}

/// Whether `file` defines a function called `name`.
fn defines(file: &Path, name: &str) -> bool {
    let source =
        std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    source.contains(&format!("fn {name}("))
}

#[test]
fn conformance_table_is_backed_by_tests() {
    let table = std::fs::read_to_string(root().join("docs/conformance.md")).unwrap();
    let mut rows = 0;
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        rows += 1;
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        assert_eq!(cells.len(), 5, "a row has five cells: {line}");
        let (name, status, evidence) = (cells[0], cells[2], cells[4]);
        let references: Option<Vec<(&str, &str)>> =
            evidence.split(", ").map(test_reference).collect();
        match (status, references) {
            ("implemented" | "guest side", Some(references)) => {
                for (module, test) in references {
                    assert!(
                        defines(&source_of(module), test),
                        "{name}: no test `{module}::{test}`"
                    );
                }
            }
            ("implemented", None) => panic!("{name}: an implemented row names its tests: {line}"),
            ("guest side" | "out of scope", None) => {
                assert!(evidence.len() > 20, "{name}: the reason is missing: {line}");
            }
            (other, _) => panic!("{name}: unknown status `{other}`"),
        }
    }
    assert!(
        rows > 400,
        "the table covers the whole module ({rows} rows)"
    );
}
