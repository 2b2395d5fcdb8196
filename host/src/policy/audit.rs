//! Audit events: every decision the policy takes, reported to an embedder's
//! hook and to `tracing` (target `wasock::audit`), like Python's `socket.*`
//! audit events (`sys.audit`).

use std::fmt::{self, Write as _};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use crate::ctx::SocketsCtx;

use super::{AddrUse, Policy};

/// What a guest asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// `bind` (an IP address, a Unix path, an abstract name or autobind).
    Bind,
    /// `listen`, on the bound address or, for an unbound socket, on the
    /// unspecified address and port 0 (its implicit bind).
    Listen,
    /// `connect`.
    Connect,
    /// `accept` of a connection from a peer; a denied peer is closed
    /// before the guest sees it.
    Accept,
    /// `send-to` (and `send-msg` with an address).
    SendTo,
    /// Receiving a datagram from a source; a denied datagram is dropped.
    RecvFrom,
    /// Creating a raw socket.
    CreateRaw,
    /// Creating an ICMP socket.
    CreateIcmp,
    /// Joining a multicast group.
    JoinMulticast,
    /// Setting `SO_BROADCAST`.
    Broadcast,
    /// A forward name lookup (`getaddrinfo`, `gethostbyname`).
    Lookup,
    /// A reverse lookup (`getnameinfo`, `gethostbyaddr`).
    ReverseLookup,
    /// `gethostname`: allowed means the real name, denied the configured one.
    HostName,
    /// Listing or translating network interfaces.
    Interfaces,
}

impl Action {
    /// The event's name, after Python's audit events (`socket.connect`).
    pub fn name(self) -> &'static str {
        match self {
            Action::Bind => "socket.bind",
            Action::Listen => "socket.listen",
            Action::Connect => "socket.connect",
            Action::Accept => "socket.accept",
            Action::SendTo => "socket.sendto",
            Action::RecvFrom => "socket.recvfrom",
            Action::CreateRaw => "socket.__new__(SOCK_RAW)",
            Action::CreateIcmp => "socket.__new__(IPPROTO_ICMP)",
            Action::JoinMulticast => "socket.setsockopt(IP_ADD_MEMBERSHIP)",
            Action::Broadcast => "socket.setsockopt(SO_BROADCAST)",
            Action::Lookup => "socket.getaddrinfo",
            Action::ReverseLookup => "socket.getnameinfo",
            Action::HostName => "socket.gethostname",
            Action::Interfaces => "socket.if_nameindex",
        }
    }
}

impl From<AddrUse> for Action {
    fn from(used_as: AddrUse) -> Action {
        match used_as {
            AddrUse::Bind => Action::Bind,
            AddrUse::ListenImplicitBind | AddrUse::Listen => Action::Listen,
            AddrUse::Connect => Action::Connect,
            AddrUse::SendTo => Action::SendTo,
            AddrUse::Accept => Action::Accept,
            AddrUse::RecvFrom => Action::RecvFrom,
        }
    }
}

/// What an action was about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Subject {
    /// An IP address and port.
    Address(SocketAddr),
    /// A Unix socket path, as the guest named it.
    UnixPath(String),
    /// A Unix abstract-namespace name (without the leading NUL).
    UnixAbstract(Vec<u8>),
    /// A random abstract name the kernel picks (autobind).
    Autobind,
    /// A host name.
    Name(String),
    /// A multicast group.
    Group(IpAddr),
    /// An IP address without a port (reverse lookups).
    Ip(IpAddr),
    /// Nothing in particular.
    None,
}

impl fmt::Display for Subject {
    /// The subject on one line: the guest's strings are [`GuestText`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Address(address) => write!(f, "{address}"),
            Subject::UnixPath(path) => write!(f, "unix:{}", GuestText(path)),
            Subject::UnixAbstract(name) => write!(f, "unix:@{}", name.escape_ascii()),
            Subject::Autobind => f.write_str("unix:@(autobind)"),
            Subject::Name(name) => write!(f, "{}", GuestText(name)),
            Subject::Group(group) | Subject::Ip(group) => write!(f, "{group}"),
            Subject::None => f.write_str("-"),
        }
    }
}

/// A string the guest chose (a path, a name), shown so that it cannot
/// forge a line or drive a terminal: control characters (line breaks,
/// escapes, C1 controls), line and paragraph separators and the
/// bidirectional formatting characters print as `\u{..}` escapes (`\n`,
/// `\r`, `\t` for those), and a backslash as `\\`. Every message the
/// host prints or logs with a guest's string in it goes through this.
#[derive(Debug, Clone, Copy)]
pub struct GuestText<'a>(pub &'a str);

impl fmt::Display for GuestText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c == '\\' || c.is_control() || is_invisible_format(c) {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// Characters that reorder or break text where they are shown: the line
/// and paragraph separators, and the bidirectional marks, embeddings,
/// overrides and isolates.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// One decision of the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// What the guest asked to do.
    pub action: Action,
    /// What it was about.
    pub subject: Subject,
    /// Whether the policy allowed it.
    pub allowed: bool,
}

impl fmt::Display for AuditEvent {
    /// One line: `socket.connect 127.0.0.1:9 denied`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.allowed { "allowed" } else { "denied" };
        write!(f, "{} {} {verdict}", self.action.name(), self.subject)
    }
}

/// An embedder's audit hook: called on the guest's thread for every
/// decision, so it should be quick.
pub type AuditHook = Arc<dyn Fn(&AuditEvent) + Send + Sync>;

/// The hook a policy carries, printable.
#[derive(Clone)]
pub(crate) struct AuditSink(pub(crate) AuditHook);

impl PartialEq for AuditSink {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for AuditSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuditHook")
    }
}

/// A hook that prints each event to standard error, one line each
/// (`wasock run --audit`).
pub fn stderr_hook() -> AuditHook {
    Arc::new(|event: &AuditEvent| eprintln!("wasock audit: {event}"))
}

impl Policy {
    /// The policy with `hook` called for every decision it takes (in
    /// addition to the `wasock::audit` tracing events).
    pub fn with_audit(mut self, hook: AuditHook) -> Policy {
        self.audit = Some(AuditSink(hook));
        self
    }

    /// Whether anyone listens to audit events: a hook, or a `tracing`
    /// subscriber interested in `wasock::audit`.
    pub(crate) fn auditing(&self) -> bool {
        self.audit.is_some() || tracing::enabled!(target: "wasock::audit", tracing::Level::INFO)
    }

    /// Report a decision. The subject is only made when someone listens.
    pub(crate) fn audit(&self, action: Action, subject: impl FnOnce() -> Subject, allowed: bool) {
        if !self.auditing() {
            return;
        }
        let event = AuditEvent {
            action,
            subject: subject(),
            allowed,
        };
        tracing::info!(
            target: "wasock::audit",
            action = action.name(),
            subject = %event.subject,
            allowed,
            "{event}"
        );
        if let Some(AuditSink(hook)) = &self.audit {
            hook(&event);
        }
    }
}

impl SocketsCtx {
    /// Report every decision of this guest's policy to `hook` (in addition
    /// to the `wasock::audit` tracing events).
    pub fn with_audit(mut self, hook: AuditHook) -> Self {
        self.policy = self.policy.with_audit(hook);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_print_on_one_line() {
        let event = AuditEvent {
            action: Action::Connect,
            subject: Subject::Address("127.0.0.1:9".parse().unwrap()),
            allowed: false,
        };
        assert_eq!(event.to_string(), "socket.connect 127.0.0.1:9 denied");
        let event = AuditEvent {
            action: Action::Bind,
            subject: Subject::UnixAbstract(b"app\n".to_vec()),
            allowed: true,
        };
        assert_eq!(event.to_string(), "socket.bind unix:@app\\n allowed");
    }

    #[test]
    fn guest_strings_cannot_forge_lines_or_drive_terminals() {
        let forged =
            "x\nwasock audit: socket.connect 10.0.0.1:22 allowed\r\u{1b}[2K\u{9b}1m\u{202e}\\";
        for subject in [
            Subject::UnixPath(forged.into()),
            Subject::Name(forged.into()),
        ] {
            let line = AuditEvent {
                action: Action::Connect,
                subject,
                allowed: false,
            }
            .to_string();
            assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
            assert!(
                line.contains("x\\nwasock audit")
                    && line.contains("\\u{1b}[2K\\u{9b}1m\\u{202e}\\\\ denied"),
                "{line}"
            );
        }
        assert_eq!(GuestText("/run/app.sock é").to_string(), "/run/app.sock é");
    }

    #[test]
    fn the_sockets_context_reports_to_its_hook() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = seen.clone();
        let ctx = SocketsCtx::new(Policy::default()).with_audit(Arc::new(move |event| {
            sink.lock().unwrap().push(event.clone())
        }));
        assert!(ctx.policy().check_icmp().is_err());
        assert!(ctx.clone().policy().check_raw().is_err());
        assert_eq!(
            *seen.lock().unwrap(),
            [
                AuditEvent {
                    action: Action::CreateIcmp,
                    subject: Subject::None,
                    allowed: false
                },
                AuditEvent {
                    action: Action::CreateRaw,
                    subject: Subject::None,
                    allowed: false
                },
            ]
        );
    }
}
