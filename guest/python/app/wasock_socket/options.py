"""``setsockopt`` and ``getsockopt`` on the typed options of
``wasock:sockets``.

Each Linux ``(level, optname)`` maps to one ``socket-option`` case and a
codec between the case's value and the bytes the kernel would take and
give, so an ``int`` value, a ``struct.pack``-ed buffer and ``buflen`` work
as they do natively. Options without a case fail with ``ENOPROTOOPT``.
"""

import struct

from componentize_py_types import Err
from wit_world.imports import socket as wit
from wit_world.imports import types

from .constants import SOCKET_CONSTANTS as C
from .errnos import NUMBERS
from .errors import errno_of, from_wit, os_error
from .kinds import family_number, type_number

_NS = 1_000_000_000


def _invalid():
    return os_error(NUMBERS["EINVAL"])


def _int_of(raw):
    """The C ``int`` in the bytes an option was set with; as Linux's IP
    level does, a single byte counts as an unsigned char."""
    if len(raw) >= 4:
        return struct.unpack("i", raw[:4])[0]
    if len(raw) >= 1:
        return raw[0]
    raise _invalid()


def _pack_int(value):
    return struct.pack("I" if value > 0x7FFFFFFF else "i", value)


class _Codec:
    """How an option's WIT value and its kernel bytes convert. ``compact``,
    when given, encodes the value in the interpreter's own C layout for a
    ``buflen`` of that size (see ``TIMEVAL``)."""

    def __init__(self, decode, encode, compact=None):
        self.decode = decode
        self.encode = encode
        self.compact = compact


def _unsigned(raw):
    value = _int_of(raw)
    if value < 0:
        raise _invalid()
    return value


def _optional_unsigned(raw):
    value = _int_of(raw)
    return None if value < 0 else value


def _linger(raw):
    if len(raw) < 8:
        raise _invalid()
    on, seconds = struct.unpack("ii", raw[:8])
    return seconds if on else None


#: ``struct.calcsize("ll")`` inside the component: C longs are 32 bits in
#: wasm32, so a ``struct timeval`` packed as ``"ll"`` there has 8 bytes.
_COMPACT_TIMEVAL = struct.calcsize("ll")


def _timeval(raw):
    """A ``struct timeval``: Linux x86-64's 16 bytes, or two C longs of the
    interpreter, as a program packing ``"ll"`` makes them."""
    if len(raw) >= 16:
        seconds, microseconds = struct.unpack("qq", raw[:16])
    elif len(raw) == _COMPACT_TIMEVAL:
        seconds, microseconds = struct.unpack("ll", raw)
    else:
        raise _invalid()
    if seconds < 0 or not 0 <= microseconds < 1_000_000:
        raise os_error(NUMBERS["EDOM"])
    total = seconds * _NS + microseconds * 1000
    return total or None


def _encode_timeval(value, layout="qq"):
    value = value or 0
    return struct.pack(layout, value // _NS, value % _NS // 1000)


def _text(raw):
    return bytes(raw).split(b"\0", 1)[0].decode("ascii", "surrogateescape")


def _mtu_discovery(raw):
    try:
        return wit.MtuDiscovery(_int_of(raw))
    except ValueError:
        raise _invalid() from None


def _in_addr(raw):
    """``IP_MULTICAST_IF`` takes an address, a ``struct ip_mreq`` or a
    ``struct ip_mreqn`` (its interface address; no interface index)."""
    if len(raw) >= 12 and struct.unpack("i", raw[8:12])[0] != 0:
        raise _invalid()
    if len(raw) >= 8:
        return tuple(raw[4:8])
    if len(raw) >= 4:
        return tuple(raw[:4])
    raise _invalid()


def _membership(raw):
    if len(raw) < 8 or (len(raw) >= 12 and struct.unpack("i", raw[8:12])[0] != 0):
        raise _invalid()
    return wit.Ipv4Membership(tuple(raw[:4]), tuple(raw[4:8]))


def _encode_membership(value):
    return bytes(value.group) + bytes(value.interface_address)


def _source_membership(raw):
    if len(raw) < 12:
        raise _invalid()
    return wit.Ipv4SourceMembership(tuple(raw[:4]), tuple(raw[4:8]), tuple(raw[8:12]))


def _encode_source_membership(value):
    return bytes(value.group) + bytes(value.interface_address) + bytes(value.source)


def _membership6(raw):
    if len(raw) < 20:
        raise _invalid()
    group = tuple(int.from_bytes(raw[i : i + 2], "big") for i in range(0, 16, 2))
    return wit.Ipv6Membership(group, struct.unpack("I", raw[16:20])[0])


def _encode_membership6(value):
    packed = b"".join(g.to_bytes(2, "big") for g in value.group)
    return packed + struct.pack("I", value.interface_index)


def _encode_tcp_info(info):
    """``struct tcp_info`` up to ``tcpi_total_retrans``, as Linux lays it out."""
    head = struct.pack(
        "8B",
        info.state,
        info.ca_state,
        info.retransmits,
        info.probes,
        info.backoff,
        info.options,
        info.snd_wscale | info.rcv_wscale << 4,
        0,
    )
    words = (
        info.rto, info.ato, info.snd_mss, info.rcv_mss, info.unacked, info.sacked,
        info.lost, info.retrans, info.fackets, info.last_data_sent, 0,
        info.last_data_recv, info.last_ack_recv, info.pmtu, info.rcv_ssthresh,
        info.rtt, info.rttvar, info.snd_ssthresh, info.snd_cwnd, info.advmss,
        info.reordering, info.rcv_rtt, info.rcv_space, info.total_retrans,
    )  # fmt: skip
    return head + struct.pack("24I", *words)


def _read_only(raw):
    raise os_error(NUMBERS["ENOPROTOOPT"])


BOOL = _Codec(lambda raw: _int_of(raw) != 0, lambda value: _pack_int(int(value)))
UNSIGNED = _Codec(_unsigned, _pack_int)
SIGNED = _Codec(_int_of, _pack_int)
OPTIONAL_UNSIGNED = _Codec(
    _optional_unsigned, lambda value: _pack_int(-1 if value is None else value)
)
LINGER = _Codec(_linger, lambda value: struct.pack("ii", value is not None, value or 0))
TIMEVAL = _Codec(_timeval, _encode_timeval, lambda value: _encode_timeval(value, "ll"))
ERROR = _Codec(
    _read_only, lambda code: _pack_int(0 if code is None else errno_of(types.Error(code, None)))
)
TYPE = _Codec(_read_only, lambda kind: _pack_int(type_number(kind)))
DOMAIN = _Codec(_read_only, lambda family: _pack_int(family_number(family)))
CREDENTIALS = _Codec(_read_only, lambda c: struct.pack("iII", c.pid, c.uid, c.gid))
TCP_INFO = _Codec(_read_only, _encode_tcp_info)
NAME = _Codec(_text, lambda name: name.encode().ljust(16, b"\0"))
LABEL = _Codec(_text, lambda label: label.encode() + b"\0")
MTU_DISCOVERY = _Codec(_mtu_discovery, lambda mode: _pack_int(mode.value))
IN_ADDR = _Codec(_in_addr, bytes)
MEMBERSHIP = _Codec(_membership, _encode_membership)
SOURCE_MEMBERSHIP = _Codec(_source_membership, _encode_source_membership)
MEMBERSHIP6 = _Codec(_membership6, _encode_membership6)
BYTES = _Codec(bytes, bytes)
PATH_MTU6 = _Codec(_read_only, lambda mtu: bytes(28) + struct.pack("I", mtu))

_SOL_SOCKET = C["SOL_SOCKET"]
_IP = C["IPPROTO_IP"]
_IPV6 = C["IPPROTO_IPV6"]
_TCP = C["IPPROTO_TCP"]
_UDPLITE = C["IPPROTO_UDPLITE"]
#: Linux options CPython names no constant for.
_SO_TIMESTAMP = 29
_IP_MTU_DISCOVER = 10
_IP_MTU = 14

#: ``(level, optname)`` to ``(option-name member, codec)``.
_TABLE = {
    (_SOL_SOCKET, C["SO_DEBUG"]): ("DEBUG", BOOL),
    (_SOL_SOCKET, C["SO_REUSEADDR"]): ("REUSE_ADDRESS", BOOL),
    (_SOL_SOCKET, C["SO_TYPE"]): ("SOCKET_TYPE", TYPE),
    (_SOL_SOCKET, C["SO_ERROR"]): ("PENDING_ERROR", ERROR),
    (_SOL_SOCKET, C["SO_DONTROUTE"]): ("DONT_ROUTE", BOOL),
    (_SOL_SOCKET, C["SO_BROADCAST"]): ("BROADCAST", BOOL),
    (_SOL_SOCKET, C["SO_SNDBUF"]): ("SEND_BUFFER_SIZE", UNSIGNED),
    (_SOL_SOCKET, C["SO_RCVBUF"]): ("RECEIVE_BUFFER_SIZE", UNSIGNED),
    (_SOL_SOCKET, C["SO_KEEPALIVE"]): ("KEEP_ALIVE", BOOL),
    (_SOL_SOCKET, C["SO_OOBINLINE"]): ("OUT_OF_BAND_INLINE", BOOL),
    (_SOL_SOCKET, C["SO_PRIORITY"]): ("PRIORITY", UNSIGNED),
    (_SOL_SOCKET, C["SO_LINGER"]): ("LINGER", LINGER),
    (_SOL_SOCKET, C["SO_REUSEPORT"]): ("REUSE_PORT", BOOL),
    (_SOL_SOCKET, C["SO_PASSCRED"]): ("PASS_CREDENTIALS", BOOL),
    (_SOL_SOCKET, C["SO_PEERCRED"]): ("PEER_CREDENTIALS", CREDENTIALS),
    (_SOL_SOCKET, C["SO_RCVLOWAT"]): ("RECEIVE_LOW_WATERMARK", UNSIGNED),
    (_SOL_SOCKET, C["SO_SNDLOWAT"]): ("SEND_LOW_WATERMARK", UNSIGNED),
    (_SOL_SOCKET, C["SO_RCVTIMEO"]): ("RECEIVE_TIMEOUT", TIMEVAL),
    (_SOL_SOCKET, C["SO_SNDTIMEO"]): ("SEND_TIMEOUT", TIMEVAL),
    (_SOL_SOCKET, _SO_TIMESTAMP): ("TIMESTAMP", BOOL),
    (_SOL_SOCKET, C["SO_ACCEPTCONN"]): ("ACCEPTING_CONNECTIONS", BOOL),
    (_SOL_SOCKET, C["SO_PEERSEC"]): ("PEER_SECURITY", LABEL),
    (_SOL_SOCKET, C["SO_PASSSEC"]): ("PASS_SECURITY", BOOL),
    (_SOL_SOCKET, C["SO_PROTOCOL"]): ("PROTOCOL", SIGNED),
    (_SOL_SOCKET, C["SO_DOMAIN"]): ("DOMAIN", DOMAIN),
    (_SOL_SOCKET, C["SO_INCOMING_CPU"]): ("INCOMING_CPU", OPTIONAL_UNSIGNED),
    (_TCP, C["TCP_NODELAY"]): ("NO_DELAY", BOOL),
    (_TCP, C["TCP_MAXSEG"]): ("MAX_SEGMENT", UNSIGNED),
    (_TCP, C["TCP_CORK"]): ("CORK", BOOL),
    (_TCP, C["TCP_KEEPIDLE"]): ("KEEP_ALIVE_IDLE", UNSIGNED),
    (_TCP, C["TCP_KEEPINTVL"]): ("KEEP_ALIVE_INTERVAL", UNSIGNED),
    (_TCP, C["TCP_KEEPCNT"]): ("KEEP_ALIVE_COUNT", UNSIGNED),
    (_TCP, C["TCP_SYNCNT"]): ("SYN_COUNT", UNSIGNED),
    (_TCP, C["TCP_LINGER2"]): ("FIN_WAIT2_TIMEOUT", OPTIONAL_UNSIGNED),
    (_TCP, C["TCP_DEFER_ACCEPT"]): ("DEFER_ACCEPT", UNSIGNED),
    (_TCP, C["TCP_WINDOW_CLAMP"]): ("WINDOW_CLAMP", UNSIGNED),
    (_TCP, C["TCP_INFO"]): ("TCP_INFO", TCP_INFO),
    (_TCP, C["TCP_QUICKACK"]): ("QUICK_ACK", BOOL),
    (_TCP, C["TCP_CONGESTION"]): ("CONGESTION_CONTROL", NAME),
    (_TCP, C["TCP_USER_TIMEOUT"]): ("USER_TIMEOUT", UNSIGNED),
    (_TCP, C["TCP_FASTOPEN"]): ("FAST_OPEN", UNSIGNED),
    (_TCP, C["TCP_NOTSENT_LOWAT"]): ("NOT_SENT_LOW_WATERMARK", UNSIGNED),
    (_IP, C["IP_TOS"]): ("TYPE_OF_SERVICE", UNSIGNED),
    (_IP, C["IP_TTL"]): ("TTL", UNSIGNED),
    (_IP, C["IP_HDRINCL"]): ("IPV4_HEADER_INCLUDED", BOOL),
    (_IP, C["IP_OPTIONS"]): ("IPV4_OPTIONS", BYTES),
    (_IP, C["IP_RECVOPTS"]): ("IPV4_RECEIVE_OPTIONS", BOOL),
    (_IP, C["IP_RETOPTS"]): ("IPV4_RECEIVE_RETURN_OPTIONS", BOOL),
    (_IP, C["IP_PKTINFO"]): ("IPV4_RECEIVE_PACKET_INFO", BOOL),
    (_IP, _IP_MTU_DISCOVER): ("IPV4_MTU_DISCOVERY", MTU_DISCOVERY),
    (_IP, C["IP_RECVERR"]): ("IPV4_RECEIVE_ERRORS", BOOL),
    (_IP, C["IP_RECVTOS"]): ("RECEIVE_TYPE_OF_SERVICE", BOOL),
    (_IP, _IP_MTU): ("IPV4_MTU", UNSIGNED),
    (_IP, C["IP_BIND_ADDRESS_NO_PORT"]): ("BIND_ADDRESS_NO_PORT", BOOL),
    (_IP, C["IP_MULTICAST_IF"]): ("IPV4_MULTICAST_INTERFACE", IN_ADDR),
    (_IP, C["IP_MULTICAST_TTL"]): ("IPV4_MULTICAST_TTL", UNSIGNED),
    (_IP, C["IP_MULTICAST_LOOP"]): ("IPV4_MULTICAST_LOOP", BOOL),
    (_IP, C["IP_ADD_MEMBERSHIP"]): ("IPV4_JOIN_GROUP", MEMBERSHIP),
    (_IP, C["IP_DROP_MEMBERSHIP"]): ("IPV4_LEAVE_GROUP", MEMBERSHIP),
    (_IP, C["IP_ADD_SOURCE_MEMBERSHIP"]): ("IPV4_JOIN_SOURCE_GROUP", SOURCE_MEMBERSHIP),
    (_IP, C["IP_DROP_SOURCE_MEMBERSHIP"]): ("IPV4_LEAVE_SOURCE_GROUP", SOURCE_MEMBERSHIP),
    (_IPV6, C["IPV6_CHECKSUM"]): ("IPV6_CHECKSUM", SIGNED),
    (_IPV6, C["IPV6_UNICAST_HOPS"]): ("UNICAST_HOPS", UNSIGNED),
    (_IPV6, C["IPV6_MULTICAST_IF"]): ("IPV6_MULTICAST_INTERFACE", UNSIGNED),
    (_IPV6, C["IPV6_MULTICAST_HOPS"]): ("IPV6_MULTICAST_HOPS", UNSIGNED),
    (_IPV6, C["IPV6_MULTICAST_LOOP"]): ("IPV6_MULTICAST_LOOP", BOOL),
    (_IPV6, C["IPV6_JOIN_GROUP"]): ("IPV6_JOIN_GROUP", MEMBERSHIP6),
    (_IPV6, C["IPV6_LEAVE_GROUP"]): ("IPV6_LEAVE_GROUP", MEMBERSHIP6),
    (_IPV6, C["IPV6_V6ONLY"]): ("IPV6_ONLY", BOOL),
    (_IPV6, C["IPV6_RECVPKTINFO"]): ("IPV6_RECEIVE_PACKET_INFO", BOOL),
    (_IPV6, C["IPV6_RECVHOPLIMIT"]): ("IPV6_RECEIVE_HOP_LIMIT", BOOL),
    (_IPV6, C["IPV6_RECVHOPOPTS"]): ("IPV6_RECEIVE_HOP_BY_HOP_OPTIONS", BOOL),
    (_IPV6, C["IPV6_HOPOPTS"]): ("IPV6_HOP_BY_HOP_OPTIONS", BYTES),
    (_IPV6, C["IPV6_RTHDRDSTOPTS"]): ("IPV6_ROUTING_HEADER_DESTINATION_OPTIONS", BYTES),
    (_IPV6, C["IPV6_RECVRTHDR"]): ("IPV6_RECEIVE_ROUTING_HEADER", BOOL),
    (_IPV6, C["IPV6_RTHDR"]): ("IPV6_ROUTING_HEADER", BYTES),
    (_IPV6, C["IPV6_RECVDSTOPTS"]): ("IPV6_RECEIVE_DESTINATION_OPTIONS", BOOL),
    (_IPV6, C["IPV6_DSTOPTS"]): ("IPV6_DESTINATION_OPTIONS", BYTES),
    (_IPV6, C["IPV6_RECVPATHMTU"]): ("IPV6_RECEIVE_PATH_MTU", BOOL),
    (_IPV6, C["IPV6_PATHMTU"]): ("IPV6_PATH_MTU", PATH_MTU6),
    (_IPV6, C["IPV6_DONTFRAG"]): ("IPV6_DONT_FRAGMENT", BOOL),
    (_IPV6, C["IPV6_RECVTCLASS"]): ("RECEIVE_TRAFFIC_CLASS", BOOL),
    (_IPV6, C["IPV6_TCLASS"]): ("TRAFFIC_CLASS", UNSIGNED),
    (_UDPLITE, C["UDPLITE_SEND_CSCOV"]): ("UDPLITE_SEND_COVERAGE", UNSIGNED),
    (_UDPLITE, C["UDPLITE_RECV_CSCOV"]): ("UDPLITE_RECEIVE_COVERAGE", UNSIGNED),
}


def _case_class(member):
    """The ``socket-option`` case class of an ``option-name`` member, e.g.
    ``SocketOption_ReuseAddress`` for ``REUSE_ADDRESS``."""
    words = member.split("_")
    return getattr(wit, "SocketOption_" + "".join(w.capitalize() for w in words))


#: The options the WIT in use has: ``(level, optname)`` to ``(option-name,
#: case class, codec)``.
OPTIONS = {
    key: (wit.OptionName[member], _case_class(member), codec)
    for key, (member, codec) in _TABLE.items()
    if member in wit.OptionName.__members__
}


def _lookup(level, optname):
    try:
        return OPTIONS[(level, optname)]
    except KeyError:
        raise os_error(NUMBERS["ENOPROTOOPT"]) from None


def setsockopt(handle, level, optname, value, optlen):
    """``setsockopt(level, optname, value[, optlen])`` on a WIT socket."""
    if value is None:
        if optlen is None:
            raise TypeError("setsockopt() takes 4 arguments when value is None")
        raise _invalid()
    if isinstance(value, int):
        try:
            raw = struct.pack("i", value)
        except struct.error:
            raise OverflowError("Python int too large to convert to C int") from None
    else:
        raw = bytes(memoryview(value))
    _, case, codec = _lookup(level, optname)
    try:
        handle.set_option(case(codec.decode(raw)))
    except Err as err:
        raise from_wit(err.value) from None


def getsockopt(handle, level, optname, buflen):
    """``getsockopt(level, optname[, buflen])`` on a WIT socket: an ``int``
    without ``buflen`` (or with 0, as CPython has it), else at most
    ``buflen`` bytes."""
    if buflen and not 0 < buflen <= 1024:
        raise OSError("getsockopt buflen out of range")
    name, _, codec = _lookup(level, optname)
    try:
        value = handle.get_option(name).value
    except Err as err:
        raise from_wit(err.value) from None
    if codec.compact is not None and buflen == _COMPACT_TIMEVAL:
        return codec.compact(value)
    raw = codec.encode(value)
    if not buflen:
        return struct.unpack("i", raw[:4].ljust(4, b"\0"))[0]
    return raw[:buflen]
