//! Network interfaces: denied without the interfaces grant; with it, names
//! and indexes translate both ways and errors read as Python's.
//!
//! Argument: `denied` or `granted`. With the grant, prints
//! `if_nameindex => INDEX NAME, …` for the host test to compare with the
//! native list.

use std::io;

use wasock::ErrorCode;
use wasock::lookup::{if_indextoname, if_nameindex, if_nametoindex};
use wasock_test_programs::{args, code, expect_denied};

fn main() {
    if args().first().map(String::as_str) != Some("granted") {
        for text in [
            expect_denied("if_nameindex", if_nameindex()),
            expect_denied("if_nametoindex", if_nametoindex("lo")),
            expect_denied("if_indextoname", if_indextoname(1)),
        ] {
            assert!(text.contains("--allow-interfaces"), "{text}");
        }
        println!("interfaces denied");
        return;
    }
    let interfaces = if_nameindex().expect("granted");
    assert!(!interfaces.is_empty(), "every host has an interface");
    for (index, name) in &interfaces {
        assert_eq!(if_nametoindex(name).unwrap(), *index, "{name}");
        assert_eq!(&if_indextoname(*index).unwrap(), name, "{index}");
    }
    let listed: Vec<String> = interfaces
        .iter()
        .map(|(index, name)| format!("{index} {name}"))
        .collect();
    println!("if_nameindex => {}", listed.join(", "));

    let unknown = if_nametoindex("wasock-none0").unwrap_err();
    assert_eq!(unknown.kind(), io::ErrorKind::NotFound);
    assert_eq!(unknown.to_string(), "no interface with this name");
    let unknown = if_indextoname(0).unwrap_err();
    assert_eq!(code(&unknown), ErrorCode::NoSuchDeviceOrAddress);
    assert_eq!(unknown.to_string(), "[Errno 6] No such device or address");
    let nul = if_nametoindex("lo\0").unwrap_err();
    assert_eq!(code(&nul), ErrorCode::InvalidArgument);
    println!("interfaces ok");
}
