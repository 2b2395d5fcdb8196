"""Name services as ``_socket`` offers them, on ``wasock:sockets/resolver``:
``getaddrinfo``, ``getnameinfo``, the host database, the host name,
services, protocols and interfaces."""

from componentize_py_types import Err
from wit_world.imports import resolver, types

from . import addresses, inet
from .constants import SOCKET_CONSTANTS as C
from .errnos import NUMBERS
from .errors import call, from_host_error, from_resolve_error, from_wit, gai, os_error
from .kinds import family_number, type_number

AF_UNSPEC = C["AF_UNSPEC"]
AF_INET = C["AF_INET"]
AF_INET6 = C["AF_INET6"]

_AI_FLAGS = {
    C["AI_PASSIVE"]: resolver.AddressInfoFlags.PASSIVE,
    C["AI_CANONNAME"]: resolver.AddressInfoFlags.CANONICAL_NAME,
    C["AI_NUMERICHOST"]: resolver.AddressInfoFlags.NUMERIC_HOST,
    C["AI_NUMERICSERV"]: resolver.AddressInfoFlags.NUMERIC_SERVICE,
    C["AI_V4MAPPED"]: resolver.AddressInfoFlags.V4_MAPPED,
    C["AI_ALL"]: resolver.AddressInfoFlags.ALL,
    C["AI_ADDRCONFIG"]: resolver.AddressInfoFlags.ADDRESS_CONFIG,
}
#: ``AI_IDN`` and ``AI_CANONIDN``: names are ASCII here already.
_AI_IGNORED = 0x40 | 0x80

_NI_FLAGS = {
    C["NI_NUMERICHOST"]: resolver.NameInfoFlags.NUMERIC_HOST,
    C["NI_NUMERICSERV"]: resolver.NameInfoFlags.NUMERIC_SERVICE,
    C["NI_NOFQDN"]: resolver.NameInfoFlags.NO_FQDN,
    C["NI_NAMEREQD"]: resolver.NameInfoFlags.NAME_REQUIRED,
    C["NI_DGRAM"]: resolver.NameInfoFlags.DATAGRAM,
}

_GAI_FAMILIES = {
    C["AF_UNIX"]: types.AddressFamily.UNIX,
    AF_INET: types.AddressFamily.INET,
    AF_INET6: types.AddressFamily.INET6,
}
_GAI_TYPES = {
    C["SOCK_STREAM"]: types.SocketType.STREAM,
    C["SOCK_DGRAM"]: types.SocketType.DGRAM,
    C["SOCK_SEQPACKET"]: types.SocketType.SEQPACKET,
    C["SOCK_RAW"]: types.SocketType.RAW,
}


def _flags(flags, table, ignored, empty):
    """WIT flags for C flag bits; ``EAI_BADFLAGS`` for unknown bits."""
    result = empty
    for bit, flag in table.items():
        if flags & bit:
            result |= flag
    if flags & ~(sum(table) | ignored):
        raise gai(-1)
    return result


def _address_info(host, service, family, kind, protocol, flags):
    """``get-address-info``, raising ``gaierror``."""
    try:
        return resolver.get_address_info(host, service, family, kind, protocol, flags)
    except Err as err:
        raise from_resolve_error(err.value) from None


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    """Translate a host and port into a list of ``(family, type, proto,
    canonname, sockaddr)`` tuples, as ``getaddrinfo(3)``."""
    if host is None:
        host_arg = None
    elif isinstance(host, (str, bytes)):
        host_arg = addresses.host_text(host)
    else:
        raise TypeError("getaddrinfo() argument 1 must be string or None")
    if port is None:
        service = None
    elif port.__class__ is int:
        service = str(port)
    elif isinstance(port, str):
        service = port
    elif isinstance(port, bytes):
        service = port.decode("utf-8", "surrogateescape")
    else:
        raise OSError("Int or String expected")
    wit_family = None
    if family != AF_UNSPEC:
        wit_family = _GAI_FAMILIES.get(family)
        if wit_family is None:
            raise gai(-6)
    wit_type = None
    if type != 0:
        wit_type = _GAI_TYPES.get(type)
        if wit_type is None:
            raise gai(-7)
    wit_flags = _flags(flags, _AI_FLAGS, _AI_IGNORED, resolver.AddressInfoFlags(0))
    found = _address_info(host_arg, service, wit_family, wit_type, proto, wit_flags)
    return [
        (
            family_number(info.family),
            type_number(info.type),
            info.protocol,
            info.canonical_name or "",
            addresses.from_wit(info.address),
        )
        for info in found
    ]


def getnameinfo(sockaddr, flags, /):
    """Translate a numeric socket address into ``(host, port)`` names, as
    ``getnameinfo(3)``."""
    if not isinstance(sockaddr, tuple):
        raise TypeError("getnameinfo() argument 1 must be a tuple")
    if not 2 <= len(sockaddr) <= 4 or not isinstance(sockaddr[0], str):
        raise TypeError("getnameinfo(): illegal sockaddr argument")
    host, port, *rest = sockaddr
    flow_info, scope_id = (list(rest) + [0, 0])[:2]
    if flow_info > 0xFFFFF:
        raise OverflowError("getnameinfo(): flowinfo must be 0-1048575.")
    found = _address_info(
        host,
        str(port),
        None,
        types.SocketType.DGRAM,
        0,
        resolver.AddressInfoFlags.NUMERIC_HOST,
    )
    if len(found) > 1:
        raise OSError("sockaddr resolved to multiple addresses")
    address = found[0].address
    if isinstance(address, types.SocketAddress_Inet):
        if len(sockaddr) != 2:
            raise OSError("IPv4 sockaddr must be 2 tuple")
    else:
        address.value.flow_info = flow_info
        address.value.scope_id = scope_id
    wit_flags = _flags(flags, _NI_FLAGS, 0, resolver.NameInfoFlags(0))
    try:
        return resolver.get_name_info(address, wit_flags)
    except Err as err:
        raise from_resolve_error(err.value) from None


def _ip_text(address):
    """Text of a WIT ``ip-address``."""
    if isinstance(address, resolver.IpAddress_Inet):
        return inet.ntop4(bytes(address.value))
    return inet.ntop6(addresses.ipv6_bytes(address.value))


def _host_entry(lookup, *args):
    """``(name, aliases, addresses)`` of a host-database lookup, raising
    ``herror``."""
    try:
        entry = lookup(*args)
    except Err as err:
        raise from_host_error(err.value) from None
    return entry.name, list(entry.aliases), [_ip_text(a) for a in entry.addresses]


def _name_text(function, name):
    """The host name argument of the host-database functions."""
    if not isinstance(name, (str, bytes, bytearray)):
        raise TypeError(
            f"{function}() argument 1 must be str, bytes or bytearray, not {type(name).__name__}"
        )
    return addresses.host_text(name)


def gethostbyname(hostname, /):
    """The IPv4 address of a host, as text."""
    _, packed = addresses.resolve_ip(_name_text("gethostbyname", hostname), AF_INET)
    return inet.ntop4(packed)


def gethostbyname_ex(hostname, /):
    """``(name, aliases, addresses)`` of a host, IPv4 only."""
    name = _name_text("gethostbyname_ex", hostname)
    addresses.resolve_ip(name, AF_INET)
    return _host_entry(resolver.get_host_by_name, name, types.AddressFamily.INET)


def gethostbyaddr(ip_address, /):
    """``(name, aliases, addresses)`` of the host at an address."""
    name = _name_text("gethostbyaddr", ip_address)
    family, packed = addresses.resolve_ip(name, AF_UNSPEC)
    if family == AF_INET:
        ip = resolver.IpAddress_Inet(addresses.ipv4_tuple(packed))
    else:
        ip = resolver.IpAddress_Inet6(addresses.ipv6_tuple(packed))
    return _host_entry(resolver.get_host_by_address, ip)


def gethostname():
    """The host name, as the host's policy shows it."""
    return resolver.get_host_name()


def sethostname(name, /):
    """Set the host name: never permitted to a guest."""
    raise os_error(NUMBERS["EPERM"])


def getservbyname(servicename, protocolname=None, /):
    """The port of a service, from the services database."""
    port = resolver.get_service_by_name(servicename, protocolname)
    if port is None:
        raise OSError("service/proto not found")
    return port


def getservbyport(port, protocolname=None, /):
    """The name of the service on a port, from the services database."""
    if not isinstance(port, int):
        raise TypeError(f"'{port.__class__.__name__}' object cannot be interpreted as an integer")
    if not 0 <= port <= 0xFFFF:
        raise OverflowError("getservbyport: port must be 0-65535.")
    name = resolver.get_service_by_port(port, protocolname)
    if name is None:
        raise OSError("port/proto not found")
    return name


def getprotobyname(protocolname, /):
    """The number of a protocol, from the protocols database."""
    number = resolver.get_protocol_by_name(protocolname)
    if number is None:
        raise OSError("protocol not found")
    return number


def if_nameindex():
    """The network interfaces as ``(index, name)`` pairs."""
    return [tuple(pair) for pair in call(resolver.interface_name_index)]


def if_nametoindex(oname, /):
    """The index of the interface named ``oname``."""
    name = oname.decode() if isinstance(oname, bytes) else oname
    try:
        return resolver.interface_name_to_index(name)
    except Err as err:
        if err.value.code == types.ErrorCode.NO_SUCH_DEVICE:
            raise OSError("no interface with this name") from None
        raise from_wit(err.value) from None


def if_indextoname(if_index, /):
    """The name of the interface with index ``if_index``."""
    if not isinstance(if_index, int):
        raise TypeError("an integer is required")
    if not 0 <= if_index <= 0xFFFFFFFF:
        raise OverflowError("index is too large" if if_index > 0 else "index must be non-negative")
    return call(resolver.interface_index_to_name, if_index)
