"""Ancillary data of ``sendmsg`` and ``recvmsg``: Python's ``(level, type,
data)`` items and the typed ``wasock:sockets`` control messages, with the
bytes Linux x86-64 puts in each.

Passed sockets (``SCM_RIGHTS``) travel as resources: the descriptors sent
name sockets of the descriptor table, and each socket received gets a new
number there. Passed descriptors that are not sockets are closed by the host
and do not appear.
"""

import array
import struct

from wit_world.imports import socket as wit
from wit_world.imports import types

from . import addresses, fds
from .constants import SOCKET_CONSTANTS as C
from .errnos import NUMBERS
from .errors import os_error

SOL_SOCKET = C["SOL_SOCKET"]
SCM_RIGHTS = C["SCM_RIGHTS"]
SCM_CREDENTIALS = C["SCM_CREDENTIALS"]
#: ``SCM_TIMESTAMP`` (``SO_TIMESTAMP``), which CPython names no constant for.
SCM_TIMESTAMP = 29

#: ``sizeof(struct cmsghdr)`` and its alignment on Linux x86-64.
_HEADER = 16
_ALIGN = 8
#: The largest ``socklen_t``.
_LIMIT = 0xFFFFFFFF


def CMSG_LEN(length, /):
    """The length of a control message with ``length`` bytes of data,
    without trailing padding."""
    if not 0 <= length <= _LIMIT - _HEADER:
        raise OverflowError("CMSG_LEN() argument out of range")
    return _HEADER + length


def CMSG_SPACE(length, /):
    """The buffer space a control message with ``length`` bytes of data
    takes, with trailing padding."""
    if not 0 <= length <= _LIMIT - _HEADER - _ALIGN:
        raise OverflowError("CMSG_SPACE() argument out of range")
    return _HEADER + (length + _ALIGN - 1) // _ALIGN * _ALIGN


def outgoing(items):
    """The WIT control messages for ``sendmsg``'s ancillary items."""
    result = []
    for item in items:
        try:
            level, kind, data = item
        except (TypeError, ValueError):
            raise TypeError(
                "[sendmsg() ancillary data items]() argument must be sequence of length 3"
            ) from None
        data = bytes(memoryview(data))
        if (level, kind) == (SOL_SOCKET, SCM_RIGHTS):
            if len(data) % 4:
                raise os_error(NUMBERS["EINVAL"])
            numbers = array.array("i", data)
            result.append(wit.OutgoingAncillary_Rights([_socket_of(fd) for fd in numbers]))
        elif (level, kind) == (SOL_SOCKET, SCM_CREDENTIALS):
            if len(data) < 12:
                raise os_error(NUMBERS["EINVAL"])
            result.append(
                wit.OutgoingAncillary_Credentials(
                    types.Credentials(*struct.unpack("iII", data[:12]))
                )
            )
        else:
            raise os_error(NUMBERS["EINVAL"])
    return result


def _socket_of(fd):
    """The socket a passed descriptor names; ``EBADF`` otherwise."""
    resource = fds.get(fd)
    if not isinstance(resource, wit.Socket):
        raise os_error(NUMBERS["EBADF"])
    return resource


def _rights(sockets):
    numbers = array.array("i", [fds.add(socket) for socket in sockets])
    return SOL_SOCKET, SCM_RIGHTS, numbers.tobytes()


def _credentials(credentials):
    return (
        SOL_SOCKET,
        SCM_CREDENTIALS,
        struct.pack("iII", credentials.pid, credentials.uid, credentials.gid),
    )


def _timestamp(nanoseconds):
    seconds, rest = divmod(nanoseconds, 1_000_000_000)
    return SOL_SOCKET, SCM_TIMESTAMP, struct.pack("qq", seconds, rest // 1000)


def _ipv4_packet_info(info):
    data = (
        struct.pack("i", info.interface_index) + bytes(info.local_address) + bytes(info.destination)
    )
    return C["IPPROTO_IP"], C["IP_PKTINFO"], data


def _ipv6_packet_info(info):
    data = addresses.ipv6_bytes(info.destination) + struct.pack("I", info.interface_index)
    return C["IPPROTO_IPV6"], C["IPV6_PKTINFO"], data


def _type_of_service(tos):
    return C["IPPROTO_IP"], C["IP_TOS"], bytes([tos])


def _traffic_class(traffic_class):
    return C["IPPROTO_IPV6"], C["IPV6_TCLASS"], struct.pack("i", traffic_class)


def _hop_limit(hops):
    return C["IPPROTO_IPV6"], C["IPV6_HOPLIMIT"], struct.pack("i", hops)


def _other(raw):
    return raw.level, raw.kind, bytes(raw.data)


#: ``incoming-ancillary`` case name to the ``(level, type, data)`` item it
#: gives; cases the WIT in use lacks are left out.
_INCOMING = {
    getattr(wit, "IncomingAncillary_" + name): convert
    for name, convert in {
        "Rights": _rights,
        "Credentials": _credentials,
        "Timestamp": _timestamp,
        "Ipv4PacketInfo": _ipv4_packet_info,
        "Ipv6PacketInfo": _ipv6_packet_info,
        "TypeOfService": _type_of_service,
        "TrafficClass": _traffic_class,
        "HopLimit": _hop_limit,
        "Other": _other,
    }.items()
    if hasattr(wit, "IncomingAncillary_" + name)
}


def incoming(items):
    """``recvmsg``'s ancillary items for the WIT control messages
    received; passed sockets get descriptor numbers."""
    return [_INCOMING[type(item)](item.value) for item in items if type(item) in _INCOMING]
