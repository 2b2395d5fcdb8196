//! The native answers the guests are compared with: glibc's name services
//! called directly, and CPython's `socket` functions rebuilt on them.

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::sync::Mutex;

/// Serializes the non-reentrant services and protocols calls.
static NETDB: Mutex<()> = Mutex::new(());

// The functions of glibc the libc crate does not declare.
unsafe extern "C" {
    fn inet_aton(cp: *const c_char, inp: *mut libc::in_addr) -> c_int;
    fn inet_pton(af: c_int, src: *const c_char, dst: *mut c_void) -> c_int;
    fn inet_ntop(
        af: c_int,
        src: *const c_void,
        dst: *mut c_char,
        size: libc::socklen_t,
    ) -> *const c_char;
    fn gethostbyname_r(
        name: *const c_char,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
    fn gethostbyaddr_r(
        addr: *const c_void,
        len: libc::socklen_t,
        af: c_int,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
}

/// `inet_aton(3)`: the packed bytes of an IPv4 address in any classic form.
pub fn inet_aton_bytes(text: &str) -> [u8; 4] {
    let text = CString::new(text).unwrap();
    let mut address = libc::in_addr { s_addr: 0 };
    // SAFETY: a NUL-terminated string and a writable `in_addr`.
    assert_eq!(unsafe { inet_aton(text.as_ptr(), &mut address) }, 1);
    address.s_addr.to_ne_bytes()
}

/// `inet_pton(3)` for IPv6: the 16 bytes of an address.
pub fn inet_pton6(text: &str) -> [u8; 16] {
    let text = CString::new(text).unwrap();
    let mut bytes = [0u8; 16];
    // SAFETY: a NUL-terminated string and 16 writable bytes.
    assert_eq!(
        unsafe { inet_pton(libc::AF_INET6, text.as_ptr(), bytes.as_mut_ptr().cast()) },
        1
    );
    bytes
}

/// `inet_ntop(3)`: the text of 4 (IPv4) or 16 (IPv6) packed bytes.
pub fn inet_ntop_text(packed: &[u8]) -> String {
    let family = if packed.len() == 4 {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    let mut text = [0 as c_char; 64];
    // SAFETY: `packed` holds an address of `family`; `text` is writable.
    let written = unsafe {
        inet_ntop(
            family,
            packed.as_ptr().cast(),
            text.as_mut_ptr(),
            text.len() as libc::socklen_t,
        )
    };
    assert!(!written.is_null());
    // SAFETY: NUL-terminated on success.
    unsafe { string(text.as_ptr()) }
}

/// One result of `getaddrinfo`.
pub struct AddrInfo {
    pub family: i32,
    pub socktype: i32,
    pub protocol: i32,
    pub canonical_name: Option<String>,
    pub address: SocketAddr,
}

/// `getaddrinfo(3)`; an error is the `EAI_*` code.
pub fn getaddrinfo(
    host: Option<&str>,
    service: Option<&str>,
    family: i32,
    socktype: i32,
    protocol: i32,
    flags: i32,
) -> Result<Vec<AddrInfo>, i32> {
    let host = host.map(|h| CString::new(h).unwrap());
    let service = service.map(|s| CString::new(s).unwrap());
    // SAFETY: all zeroes is a valid `addrinfo`.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_protocol = protocol;
    hints.ai_flags = flags;
    let mut list = std::ptr::null_mut();
    // SAFETY: valid strings or null, valid hints; the list is freed below.
    let rc = unsafe {
        libc::getaddrinfo(
            host.as_ref().map_or(std::ptr::null(), |h| h.as_ptr()),
            service.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            &hints,
            &mut list,
        )
    };
    if rc != 0 {
        return Err(rc);
    }
    let mut results = Vec::new();
    let mut entry = list;
    while !entry.is_null() {
        // SAFETY: a node of the list getaddrinfo returned.
        let info = unsafe { &*entry };
        // SAFETY: `ai_addr` holds an address of `ai_family`.
        if let Some(address) = unsafe { socket_addr(info.ai_family, info.ai_addr) } {
            results.push(AddrInfo {
                family: info.ai_family,
                socktype: info.ai_socktype,
                protocol: info.ai_protocol,
                // SAFETY: a NUL-terminated string or null.
                canonical_name: (!info.ai_canonname.is_null())
                    .then(|| unsafe { string(info.ai_canonname) }),
                address,
            });
        }
        entry = info.ai_next;
    }
    // SAFETY: freed once.
    unsafe { libc::freeaddrinfo(list) };
    Ok(results)
}

/// # Safety
/// `address` must point to a socket address of `family`.
unsafe fn socket_addr(family: i32, address: *const libc::sockaddr) -> Option<SocketAddr> {
    match family {
        libc::AF_INET => {
            // SAFETY: the caller guarantees a `sockaddr_in`.
            let sin = unsafe { &*address.cast::<libc::sockaddr_in>() };
            let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
            Some(SocketAddrV4::new(ip, u16::from_be(sin.sin_port)).into())
        }
        libc::AF_INET6 => {
            // SAFETY: the caller guarantees a `sockaddr_in6`.
            let sin6 = unsafe { &*address.cast::<libc::sockaddr_in6>() };
            let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            let port = u16::from_be(sin6.sin6_port);
            let flow = u32::from_be(sin6.sin6_flowinfo);
            Some(SocketAddrV6::new(ip, port, flow, sin6.sin6_scope_id).into())
        }
        _ => None,
    }
}

/// A `gaierror` as Python prints it, e.g. `[Errno -2] Name or service not known`.
pub fn gai_message(code: i32) -> String {
    // SAFETY: gai_strerror returns a static string.
    format!("[Errno {code}] {}", unsafe {
        string(libc::gai_strerror(code))
    })
}

/// An `herror` as Python prints it, e.g. `[Errno 1] Unknown host`.
pub fn herror_message(h_errno: i32) -> String {
    // SAFETY: hstrerror returns a static string.
    format!("[Errno {h_errno}] {}", unsafe {
        string(libc::hstrerror(h_errno))
    })
}

/// `getnameinfo(3)`; an error is the `EAI_*` code.
pub fn getnameinfo(address: SocketAddr, flags: i32) -> Result<(String, String), i32> {
    // SAFETY: all zeroes is a valid socket address storage.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match address {
        SocketAddr::V4(v4) => {
            // SAFETY: the storage is large and aligned enough for any address.
            let sin = unsafe { &mut *(&raw mut storage).cast::<libc::sockaddr_in>() };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = v4.port().to_be();
            sin.sin_addr.s_addr = u32::from(*v4.ip()).to_be();
            size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(v6) => {
            // SAFETY: as above.
            let sin6 = unsafe { &mut *(&raw mut storage).cast::<libc::sockaddr_in6>() };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = v6.port().to_be();
            sin6.sin6_flowinfo = v6.flowinfo().to_be();
            sin6.sin6_addr.s6_addr = v6.ip().octets();
            sin6.sin6_scope_id = v6.scope_id();
            size_of::<libc::sockaddr_in6>()
        }
    };
    let mut host = [0 as c_char; 1025];
    let mut service = [0 as c_char; 32];
    // SAFETY: a valid address of `len` bytes and writable buffers.
    let rc = unsafe {
        libc::getnameinfo(
            (&raw const storage).cast(),
            len as libc::socklen_t,
            host.as_mut_ptr(),
            host.len() as libc::socklen_t,
            service.as_mut_ptr(),
            service.len() as libc::socklen_t,
            flags,
        )
    };
    if rc != 0 {
        return Err(rc);
    }
    // SAFETY: NUL-terminated on success.
    unsafe { Ok((string(host.as_ptr()), string(service.as_ptr()))) }
}

/// An entry of the host database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostEnt {
    pub name: String,
    pub aliases: Vec<String>,
    pub addresses: Vec<IpAddr>,
}

impl HostEnt {
    /// As Python prints the tuple: `('name', ['alias'], ['address'])`.
    pub fn show(&self) -> String {
        format!(
            "('{}', {}, {})",
            self.name,
            py_list(&self.aliases),
            py_list(&self.addresses)
        )
    }
}

/// As Python prints a list of names or addresses: `['a', 'b']`.
pub fn py_list<T: std::fmt::Display>(items: &[T]) -> String {
    let items: Vec<String> = items.iter().map(|item| format!("'{item}'")).collect();
    format!("[{}]", items.join(", "))
}

/// Run a reentrant host lookup with a large buffer; an error is `h_errno`.
fn host_lookup(
    call: impl FnOnce(
        *mut libc::hostent,
        *mut c_char,
        usize,
        *mut *mut libc::hostent,
        *mut c_int,
    ) -> c_int,
) -> Result<HostEnt, i32> {
    // SAFETY: all zeroes is a valid `hostent`.
    let mut entry: libc::hostent = unsafe { std::mem::zeroed() };
    let mut buffer = vec![0 as c_char; 65536];
    let mut result = std::ptr::null_mut();
    let mut h_errno = 0;
    call(
        &mut entry,
        buffer.as_mut_ptr(),
        buffer.len(),
        &mut result,
        &mut h_errno,
    );
    if result.is_null() {
        return Err(h_errno);
    }
    // SAFETY: the entry glibc filled, its strings in `buffer`.
    unsafe {
        let entry = &*result;
        let mut aliases = Vec::new();
        let mut next = entry.h_aliases;
        while !(*next).is_null() {
            aliases.push(string(*next));
            next = next.add(1);
        }
        let mut addresses = Vec::new();
        let mut next = entry.h_addr_list;
        while !(*next).is_null() {
            addresses.push(match entry.h_addrtype {
                libc::AF_INET => IpAddr::from(*(*next).cast::<[u8; 4]>()),
                _ => IpAddr::from(*(*next).cast::<[u8; 16]>()),
            });
            next = next.add(1);
        }
        Ok(HostEnt {
            name: string(entry.h_name),
            aliases,
            addresses,
        })
    }
}

/// `gethostbyname(3)`; an error is `h_errno`.
pub fn gethostbyname(name: &str) -> Result<HostEnt, i32> {
    let name = CString::new(name).unwrap();
    host_lookup(|entry, buffer, size, result, h_errno| {
        // SAFETY: valid pointers for the sizes given.
        unsafe { gethostbyname_r(name.as_ptr(), entry, buffer, size, result, h_errno) }
    })
}

/// `gethostbyaddr(3)`; an error is `h_errno`.
pub fn gethostbyaddr(address: IpAddr) -> Result<HostEnt, i32> {
    let (bytes, family) = match address {
        IpAddr::V4(v4) => (v4.octets().to_vec(), libc::AF_INET),
        IpAddr::V6(v6) => (v6.octets().to_vec(), libc::AF_INET6),
    };
    host_lookup(|entry, buffer, size, result, h_errno| {
        // SAFETY: valid pointers for the sizes given.
        unsafe {
            gethostbyaddr_r(
                bytes.as_ptr().cast(),
                bytes.len() as libc::socklen_t,
                family,
                entry,
                buffer,
                size,
                result,
                h_errno,
            )
        }
    })
}

/// `getservbyname(3)`.
pub fn getservbyname(name: &str, protocol: Option<&str>) -> Option<u16> {
    let name = CString::new(name).unwrap();
    let protocol = protocol.map(|p| CString::new(p).unwrap());
    let _lock = NETDB.lock().unwrap();
    // SAFETY: valid strings or null; the entry is read before the lock ends.
    unsafe {
        let entry = libc::getservbyname(
            name.as_ptr(),
            protocol.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
        );
        (!entry.is_null()).then(|| u16::from_be((*entry).s_port as u16))
    }
}

/// `getservbyport(3)`.
pub fn getservbyport(port: u16, protocol: Option<&str>) -> Option<String> {
    let protocol = protocol.map(|p| CString::new(p).unwrap());
    let _lock = NETDB.lock().unwrap();
    // SAFETY: as above.
    unsafe {
        let entry = libc::getservbyport(
            c_int::from(port.to_be()),
            protocol.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
        );
        (!entry.is_null()).then(|| string((*entry).s_name))
    }
}

/// `getprotobyname(3)`.
pub fn getprotobyname(name: &str) -> Option<i32> {
    let name = CString::new(name).unwrap();
    let _lock = NETDB.lock().unwrap();
    // SAFETY: as above.
    unsafe {
        let entry = libc::getprotobyname(name.as_ptr());
        (!entry.is_null()).then(|| (*entry).p_proto)
    }
}

/// `if_nameindex(3)`.
pub fn if_nameindex() -> Vec<(u32, String)> {
    // SAFETY: the list ends with index 0 and is freed once.
    unsafe {
        let first = libc::if_nameindex();
        assert!(!first.is_null(), "if_nameindex fails natively");
        let mut interfaces = Vec::new();
        let mut next = first;
        while (*next).if_index != 0 {
            interfaces.push(((*next).if_index, string((*next).if_name)));
            next = next.add(1);
        }
        libc::if_freenameindex(first);
        interfaces
    }
}

/// `gethostname(2)`.
pub fn hostname() -> String {
    let mut name = [0 as c_char; 256];
    // SAFETY: a writable buffer of its length.
    assert_eq!(
        unsafe { libc::gethostname(name.as_mut_ptr(), name.len()) },
        0
    );
    // SAFETY: NUL-terminated.
    unsafe { string(name.as_ptr()) }
}

/// # Safety
/// `text` must be a NUL-terminated string.
unsafe fn string(text: *const c_char) -> String {
    // SAFETY: the caller guarantees it.
    unsafe { CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned()
}

/// CPython's `setipaddr`: the addresses `name` stands for (more than one
/// only for the wildcard), or the message of the exception it raises.
fn setipaddr(name: &str, family: i32) -> Result<Vec<IpAddr>, String> {
    if name.is_empty() {
        let found = getaddrinfo(
            None,
            Some("0"),
            family,
            libc::SOCK_DGRAM,
            0,
            libc::AI_PASSIVE,
        )
        .map_err(gai_message)?;
        return Ok(found.iter().map(|info| info.address.ip()).collect());
    }
    if name == "<broadcast>" || name == "255.255.255.255" {
        return Ok(vec![Ipv4Addr::BROADCAST.into()]);
    }
    if family != libc::AF_INET6
        && let Ok(v4) = name.parse::<Ipv4Addr>()
    {
        return Ok(vec![v4.into()]);
    }
    if family != libc::AF_INET
        && let Ok(v6) = name.parse::<Ipv6Addr>()
    {
        return Ok(vec![v6.into()]);
    }
    let found = getaddrinfo(Some(name), None, family, 0, 0, 0).map_err(gai_message)?;
    Ok(vec![found[0].address.ip()])
}

/// Python's `socket.gethostbyname`, or the exception's message.
pub fn py_gethostbyname(name: &str) -> Result<String, String> {
    Ok(setipaddr(name, libc::AF_INET)?[0].to_string())
}

/// Python's `socket.gethostbyname_ex`, or the exception's message.
pub fn py_gethostbyname_ex(name: &str) -> Result<HostEnt, String> {
    setipaddr(name, libc::AF_INET)?;
    gethostbyname(name).map_err(herror_message)
}

/// Python's `socket.gethostbyaddr`, or the exception's message.
pub fn py_gethostbyaddr(name: &str) -> Result<HostEnt, String> {
    let addresses = setipaddr(name, libc::AF_UNSPEC)?;
    let [address] = addresses[..] else {
        return Err("wildcard resolved to multiple address".into());
    };
    gethostbyaddr(address).map_err(herror_message)
}

/// Python's `socket.getfqdn`, for the host name `hostname` stands for.
pub fn py_getfqdn(name: &str, hostname: &str) -> String {
    let mut name = name.trim().to_owned();
    if name.is_empty() || name == "0.0.0.0" || name == "::" {
        name = hostname.to_owned();
    }
    match py_gethostbyaddr(&name) {
        Ok(entry) => std::iter::once(&entry.name)
            .chain(&entry.aliases)
            .find(|candidate| candidate.contains('.'))
            .cloned()
            .unwrap_or(entry.name),
        Err(_) => name,
    }
}
