"""Python's socket addresses and ``wasock:sockets`` ``socket-address``
values, converted both ways as CPython's ``getsockaddrarg`` and
``makesockaddr`` do, host names resolved as its ``setipaddr`` does."""

import os

from componentize_py_types import Err
from wit_world.imports import resolver, types

from . import inet
from .constants import SOCKET_CONSTANTS as C
from .errors import from_resolve_error

AF_UNSPEC = C["AF_UNSPEC"]
AF_UNIX = C["AF_UNIX"]
AF_INET = C["AF_INET"]
AF_INET6 = C["AF_INET6"]

#: ``sizeof(sun_path)`` on Linux.
_SUN_PATH = 108

_WIT_FAMILIES = {AF_INET: types.AddressFamily.INET, AF_INET6: types.AddressFamily.INET6}


def host_text(host):
    """The host part of an address as text, as CPython's ``idna_converter``
    takes it: ``str`` (IDNA-encoded when not ASCII), ``bytes`` or
    ``bytearray``."""
    if isinstance(host, str):
        text = host if host.isascii() else host.encode("idna").decode("ascii")
    elif isinstance(host, (bytes, bytearray)):
        text = bytes(host).decode("ascii", "surrogateescape")
    else:
        raise TypeError(f"str, bytes or bytearray expected, not {type(host).__name__}")
    if "\0" in text:
        raise TypeError("host name must not contain null character")
    return text


def resolve_ip(name, family):
    """The IP address ``name`` stands for, as ``(family, packed bytes)``:
    ``''`` is the wildcard, ``'<broadcast>'`` the broadcast address, numeric
    addresses are parsed here, and any other name is looked up.
    ``family`` is ``AF_INET``, ``AF_INET6`` or ``AF_UNSPEC``."""
    wit_family = _WIT_FAMILIES.get(family)
    if name == "":
        found = _lookup(
            None, "0", wit_family, types.SocketType.DGRAM, resolver.AddressInfoFlags.PASSIVE
        )
        if len(found) > 1:
            raise OSError("wildcard resolved to multiple address")
        return _ip_of(found[0].address)
    if name in ("255.255.255.255", "<broadcast>"):
        if family not in (AF_INET, AF_UNSPEC):
            raise OSError("address family mismatched")
        return AF_INET, b"\xff\xff\xff\xff"
    if family in (AF_INET, AF_UNSPEC):
        try:
            return AF_INET, inet.inet_pton(AF_INET, name)
        except OSError:
            pass
    if family in (AF_INET6, AF_UNSPEC) and "%" not in name:
        try:
            return AF_INET6, inet.inet_pton(AF_INET6, name)
        except OSError:
            pass
    found = _lookup(name, None, wit_family, None, resolver.AddressInfoFlags(0))
    return _ip_of(found[0].address)


def _lookup(host, service, family, kind, flags):
    """``get-address-info``, raising ``gaierror``."""
    try:
        return resolver.get_address_info(host, service, family, kind, 0, flags)
    except Err as err:
        raise from_resolve_error(err.value) from None


def _ip_of(address):
    """``(family, packed bytes)`` of an IP ``socket-address``."""
    if isinstance(address, types.SocketAddress_Inet):
        return AF_INET, bytes(address.value.address)
    return AF_INET6, b"".join(g.to_bytes(2, "big") for g in address.value.address)


def ipv4_tuple(packed):
    """The WIT ``ipv4-address`` of 4 packed bytes."""
    return tuple(packed)


def ipv6_tuple(packed):
    """The WIT ``ipv6-address`` of 16 packed bytes."""
    return tuple(int.from_bytes(packed[i : i + 2], "big") for i in range(0, 16, 2))


def ipv6_bytes(segments):
    """16 packed bytes of a WIT ``ipv6-address``."""
    return b"".join(segment.to_bytes(2, "big") for segment in segments)


def to_wit(family, address, caller):
    """The ``socket-address`` for a Python address of ``family``; errors
    name ``caller`` (e.g. ``"bind"``) as CPython's messages do."""
    if family == AF_UNIX:
        return _unix_to_wit(address, caller)
    if family == AF_INET:
        host, port = _ip_pair(address, caller, "AF_INET", "a pair (host, port)", 2)
        _, packed = resolve_ip(host, AF_INET)
        return types.SocketAddress_Inet(types.Ipv4SocketAddress(port, ipv4_tuple(packed)))
    if family == AF_INET6:
        host, port, flow_info, scope_id = _ip_pair(
            address, caller, "AF_INET6", "a tuple (host, port[, flowinfo[, scopeid]])", 4
        )
        if flow_info > 0xFFFFF:
            raise OverflowError(f"{caller}(): flowinfo must be 0-1048575.")
        _, packed = resolve_ip(host, AF_INET6)
        return types.SocketAddress_Inet6(
            types.Ipv6SocketAddress(port, flow_info, ipv6_tuple(packed), scope_id)
        )
    raise OSError(f"{caller}(): bad family")


def _ip_pair(address, caller, family_name, shape, most):
    """``(host text, port, …)`` of an IP address tuple, checked as CPython
    checks it; missing flow info and scope are 0."""
    if not isinstance(address, tuple):
        raise TypeError(
            f"{caller}(): {family_name} address must be tuple, not {type(address).__name__}"
        )
    if not 2 <= len(address) <= most:
        raise TypeError(f"{family_name} address must be {shape}")
    host = host_text(address[0])
    numbers = []
    for value in address[1:]:
        if not isinstance(value, int):
            raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
        numbers.append(value)
    port = numbers[0]
    if not 0 <= port <= 0xFFFF:
        raise OverflowError(f"{caller}(): port must be 0-65535.")
    extra = numbers[1:] + [0] * (most - len(address))
    if any(not 0 <= value <= 0xFFFFFFFF for value in extra):
        raise OverflowError("Python int too large to convert to C unsigned long")
    return (host, port, *extra) if most > 2 else (host, port)


def _unix_to_wit(address, caller):
    """A Unix address: a path, an abstract name (leading NUL), or ``''``
    for autobind."""
    if isinstance(address, str):
        raw = os.fsencode(address)
    else:
        try:
            raw = bytes(memoryview(address))
        except TypeError:
            raise TypeError(
                f"{caller}(): AF_UNIX address must be str or bytes, not {type(address).__name__}"
            ) from None
    if not raw:
        return types.SocketAddress_Unnamed()
    if raw[0] == 0:
        if len(raw) > _SUN_PATH:
            raise OSError("AF_UNIX path too long")
        return types.SocketAddress_UnixAbstract(raw[1:])
    if len(raw) >= _SUN_PATH:
        raise OSError("AF_UNIX path too long")
    return types.SocketAddress_UnixPath(os.fsdecode(raw))


def from_wit(address):
    """The Python form of a ``socket-address``: ``(host, port)`` for IPv4,
    ``(host, port, flowinfo, scope_id)`` for IPv6, the path, the abstract
    name as bytes with its leading NUL, or ``''`` when unnamed."""
    if isinstance(address, types.SocketAddress_Inet):
        return inet.ntop4(bytes(address.value.address)), address.value.port
    if isinstance(address, types.SocketAddress_Inet6):
        value = address.value
        text = inet.ntop6(ipv6_bytes(value.address))
        return text, value.port, value.flow_info, value.scope_id
    if isinstance(address, types.SocketAddress_UnixPath):
        return address.value
    if isinstance(address, types.SocketAddress_UnixAbstract):
        return b"\0" + bytes(address.value)
    return ""
