//! The single `bindgen!` call for the `wasock:sockets` world.
//!
//! Every import is async (a blocking socket call awaits readiness on the
//! host) and trappable (a bad resource handle traps the guest, while socket
//! errors are returned to it).

wasmtime::component::bindgen!({
    path: "../wit",
    world: "wasock:sockets/sockets",
    imports: { default: async | trappable },
    trappable_error_type: {
        "wasock:sockets/types.error" => crate::core::SocketError,
    },
    with: {
        "wasock:sockets/socket.socket": crate::core::HostSocket,
        "wasock:sockets/socket.poller": crate::core::poller::Poller,
    },
});

pub use wasock::sockets::{resolver, socket, types};
