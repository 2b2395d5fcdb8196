//! Policy files: the grants of a [`PolicyBuilder`] as TOML.
//!
//! Four tables, each key one builder method and one `wasock run` flag
//! (`examples/policy.toml` shows them all):
//!
//! ```toml
//! [net]      # bind, listen, connect, accept, send-to, recv-from (lists of
//!            # TARGET:PORTS), loopback-only, unprivileged-ports,
//!            # privileged-ports, broadcast, multicast, raw, icmp (booleans)
//! [unix]     # dirs (HOST_DIR[::GUEST_DIR]), abstract (name prefixes)
//! [names]    # dns, dns-names (patterns), reverse-dns, host-name,
//!            # real-host-name, interfaces
//! [quotas]   # socket-buffers (a size: 64M)
//! ```
//!
//! Unknown tables or keys, values of the wrong type and bad rules are
//! errors that name the line and column.

use std::str::FromStr;

use serde::Deserialize;
use toml::Spanned;

use super::{PolicyBuilder, PolicyError, Switch};

/// A string of the file that parses into a rule, a directory or a pattern;
/// its position names the line of a parse error.
type Text = Spanned<String>;

/// A whole policy file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
struct PolicyFile {
    net: Net,
    unix: Unix,
    names: Names,
    quotas: Quotas,
}

/// `[quotas]`: limits that belong with the grants.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
struct Quotas {
    /// The socket-buffer budget, a size such as `64M`.
    socket_buffers: Option<Text>,
}

/// `[net]`: IP addresses and what sockets may do with them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
struct Net {
    bind: Vec<Text>,
    listen: Vec<Text>,
    connect: Vec<Text>,
    accept: Vec<Text>,
    send_to: Vec<Text>,
    recv_from: Vec<Text>,
    loopback_only: bool,
    unprivileged_ports: bool,
    privileged_ports: bool,
    broadcast: bool,
    multicast: bool,
    raw: bool,
    icmp: bool,
}

/// `[unix]`: granted directories and abstract-name prefixes.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
struct Unix {
    dirs: Vec<Text>,
    #[serde(rename = "abstract")]
    abstract_prefixes: Vec<String>,
}

/// `[names]`: name services.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
struct Names {
    dns: bool,
    dns_names: Vec<Text>,
    reverse_dns: bool,
    host_name: Option<String>,
    real_host_name: bool,
    interfaces: bool,
}

/// Parse a policy file; `origin` names it in errors.
pub(super) fn parse(source: &str, origin: &str) -> Result<PolicyBuilder, PolicyError> {
    let file: PolicyFile = toml::from_str(source).map_err(|error| PolicyError::Toml {
        origin: origin.to_string(),
        message: error.to_string().trim_end().to_string(),
    })?;
    let parse = |text: &Text| parse_at(source, origin, text);
    let mut builder = PolicyBuilder::default();
    let Net {
        bind,
        listen,
        connect,
        accept,
        send_to,
        recv_from,
        loopback_only,
        unprivileged_ports,
        privileged_ports,
        broadcast,
        multicast,
        raw,
        icmp,
    } = file.net;
    for rule in &connect {
        builder.allow_connect(parse(rule)?);
    }
    for rule in &bind {
        builder.allow_bind(parse(rule)?);
    }
    for rule in &listen {
        builder.allow_listen(parse(rule)?);
    }
    for rule in &accept {
        builder.allow_accept(parse(rule)?);
    }
    for rule in &send_to {
        builder.allow_send_to(parse(rule)?);
    }
    for rule in &recv_from {
        builder.allow_recv_from(parse(rule)?);
    }
    let flags = [
        (loopback_only, PolicyBuilder::loopback_only as Switch),
        (unprivileged_ports, PolicyBuilder::unprivileged_ports),
        (privileged_ports, PolicyBuilder::allow_privileged_ports),
        (broadcast, PolicyBuilder::allow_broadcast),
        (multicast, PolicyBuilder::allow_multicast),
        (raw, PolicyBuilder::allow_raw),
        (icmp, PolicyBuilder::allow_icmp),
        (file.names.dns, PolicyBuilder::allow_dns),
        (file.names.reverse_dns, PolicyBuilder::allow_reverse_dns),
        (
            file.names.real_host_name,
            PolicyBuilder::allow_real_host_name,
        ),
        (file.names.interfaces, PolicyBuilder::allow_interfaces),
    ];
    for (set, grant) in flags {
        if set {
            grant(&mut builder, true);
        }
    }
    for dir in &file.unix.dirs {
        builder.allow_unix(parse_at(source, origin, dir)?);
    }
    for prefix in file.unix.abstract_prefixes {
        builder.allow_unix_abstract(prefix);
    }
    for pattern in &file.names.dns_names {
        builder.allow_dns_name(parse_at(source, origin, pattern)?);
    }
    if let Some(name) = file.names.host_name {
        builder.host_name(name);
    }
    if let Some(size) = &file.quotas.socket_buffers {
        let bytes =
            crate::ctx::parse_size(size.get_ref()).map_err(|message| PolicyError::Toml {
                origin: origin.to_string(),
                message: format!("{} in [quotas] socket-buffers", message),
            })?;
        builder.max_socket_buffers(bytes);
    }
    Ok(builder)
}

/// Parse a string of the file, or name its line and column in the error.
fn parse_at<T: FromStr<Err = PolicyError>>(
    source: &str,
    origin: &str,
    text: &Text,
) -> Result<T, PolicyError> {
    text.get_ref().parse().map_err(|error: PolicyError| {
        let before = &source[..text.span().start.min(source.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |n| n + 1) + 1;
        PolicyError::Toml {
            origin: origin.to_string(),
            message: format!("error at line {line}, column {column}: {error}"),
        }
    })
}
