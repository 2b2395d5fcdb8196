//! Lookups without the resolver's search list.
//!
//! A name that misses is looked up again by glibc's resolver with each
//! domain of the `search` list of `/etc/resolv.conf` appended
//! (`name.corp.example`), and a name without a dot with the local domain:
//! names outside the pattern the policy granted, sent to the host's DNS
//! server. Appending a dot would make the name absolute but would also
//! stop it matching `/etc/hosts`; instead, the lookup runs with the search
//! options (`RES_DNSRCH`, `RES_DEFNAMES`) off in its thread's resolver
//! state, and the state is put back afterwards.

use std::os::raw::{c_int, c_ulong};

/// `RES_INIT`: the state was read from `/etc/resolv.conf`.
const RES_INIT: c_ulong = 0x1;
/// `RES_DEFNAMES`: a name without a dot gets the local domain.
const RES_DEFNAMES: c_ulong = 0x80;
/// `RES_DNSRCH`: a name that misses is tried with each search domain.
const RES_DNSRCH: c_ulong = 0x200;

/// The start of glibc's `struct __res_state` (`<bits/types/res_state.h>`),
/// as far as the `options` field, the only one used here.
#[repr(C)]
struct ResStateStart {
    _retrans: c_int,
    _retry: c_int,
    options: c_ulong,
}

unsafe extern "C" {
    /// glibc's `_res`: the calling thread's resolver state.
    fn __res_state() -> *mut ResStateStart;
    /// glibc's `res_init`: read `/etc/resolv.conf` into the calling
    /// thread's resolver state.
    fn __res_init() -> c_int;
}

/// Run `lookup` (a `getaddrinfo(3)` or `gethostbyname2_r(3)` on this
/// thread) so that the resolver asks for the name as given and never for
/// the name with a search domain appended.
///
/// glibc keeps a state whose options differ from `/etc/resolv.conf` as
/// they are (`maybe_init` in `resolv_context.c` reloads only an unchanged
/// state), so the options hold for the whole lookup. The state is per
/// thread, and the lookup runs on this thread, so no other lookup sees
/// them.
pub fn without_search_list<T>(lookup: impl FnOnce() -> T) -> T {
    // SAFETY: `__res_state` returns this thread's state, valid for the
    // thread's life; `__res_init` only reads the configuration into it;
    // nothing else uses the state until `lookup`, on this thread.
    let (state, saved) = unsafe {
        let state = __res_state();
        if (*state).options & RES_INIT == 0 {
            __res_init();
        }
        (state, (*state).options)
    };
    // SAFETY: as above.
    unsafe { (*state).options = saved & !(RES_DNSRCH | RES_DEFNAMES) };
    let result = lookup();
    // SAFETY: as above.
    unsafe { (*state).options = saved };
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_options_are_off_for_the_lookup_and_back_after() {
        let options = || {
            // SAFETY: this thread's state, read.
            unsafe { (*__res_state()).options }
        };
        let during = without_search_list(options);
        assert_eq!(during & (RES_DNSRCH | RES_DEFNAMES), 0);
        assert_ne!(during & RES_INIT, 0);
        let after = options();
        assert_eq!(after & !(RES_DNSRCH | RES_DEFNAMES), during);
        // glibc's defaults turn both on.
        assert_ne!(after & (RES_DNSRCH | RES_DEFNAMES), 0);
    }
}
