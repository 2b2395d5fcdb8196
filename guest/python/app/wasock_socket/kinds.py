"""Linux numbers for address families, socket types and message flags, and
their ``wasock:sockets`` counterparts."""

from wit_world.imports import types

from .constants import SOCKET_CONSTANTS as C
from .errnos import NUMBERS
from .errors import os_error

_FAMILIES = {
    C["AF_UNIX"]: types.AddressFamily.UNIX,
    C["AF_INET"]: types.AddressFamily.INET,
    C["AF_INET6"]: types.AddressFamily.INET6,
}
_FAMILY_NUMBERS = {wit: number for number, wit in _FAMILIES.items()}

_TYPES = {
    C["SOCK_STREAM"]: types.SocketType.STREAM,
    C["SOCK_DGRAM"]: types.SocketType.DGRAM,
    C["SOCK_SEQPACKET"]: types.SocketType.SEQPACKET,
    C["SOCK_RAW"]: types.SocketType.RAW,
}
_TYPE_NUMBERS = {wit: number for number, wit in _TYPES.items()}

#: ``message-flags`` member name to its ``MSG_*`` value; members the WIT in
#: use lacks are left out when the table is built.
_MESSAGE_FLAG_VALUES = {
    "OUT_OF_BAND": C["MSG_OOB"],
    "PEEK": C["MSG_PEEK"],
    "DONT_ROUTE": C["MSG_DONTROUTE"],
    "CONTROL_TRUNCATE": C["MSG_CTRUNC"],
    "TRUNCATE": C["MSG_TRUNC"],
    "DONT_WAIT": C["MSG_DONTWAIT"],
    "END_OF_RECORD": C["MSG_EOR"],
    "WAIT_ALL": C["MSG_WAITALL"],
    "CONFIRM": C["MSG_CONFIRM"],
    "ERROR_QUEUE": C["MSG_ERRQUEUE"],
    "MORE": C["MSG_MORE"],
    "FAST_OPEN": C["MSG_FASTOPEN"],
}
_MESSAGE_FLAGS = [
    (value, types.MessageFlags[name])
    for name, value in _MESSAGE_FLAG_VALUES.items()
    if name in types.MessageFlags.__members__
]

#: Flags that are always in effect or mean nothing here.
_IGNORED_FLAGS = C["MSG_NOSIGNAL"] | C["MSG_CMSG_CLOEXEC"]

#: Type bits that set descriptor flags rather than the type.
TYPE_FLAGS = C["SOCK_NONBLOCK"] | C["SOCK_CLOEXEC"]


def family_to_wit(family):
    """The WIT family for an ``AF_*`` number; ``EAFNOSUPPORT`` otherwise."""
    try:
        return _FAMILIES[family]
    except KeyError:
        raise os_error(NUMBERS["EAFNOSUPPORT"]) from None


def family_number(family):
    """The ``AF_*`` number of a WIT family."""
    return _FAMILY_NUMBERS[family]


def type_to_wit(kind):
    """The WIT type for a ``SOCK_*`` number (descriptor flags removed)."""
    kind &= ~TYPE_FLAGS
    try:
        return _TYPES[kind]
    except KeyError:
        known = kind in (C["SOCK_RDM"],)
        raise os_error(NUMBERS["ESOCKTNOSUPPORT" if known else "EINVAL"]) from None


def type_number(kind):
    """The ``SOCK_*`` number of a WIT type."""
    return _TYPE_NUMBERS[kind]


def flags_to_wit(flags):
    """The WIT message flags for ``MSG_*`` bits. ``MSG_NOSIGNAL`` is always
    in effect; bits without a WIT counterpart fail with ``EOPNOTSUPP``."""
    result = types.MessageFlags(0)
    remaining = flags & ~_IGNORED_FLAGS
    for value, flag in _MESSAGE_FLAGS:
        if remaining & value:
            result |= flag
            remaining &= ~value
    if remaining:
        raise os_error(NUMBERS["EOPNOTSUPP"])
    return result


def flags_number(flags):
    """The ``MSG_*`` bits of WIT message flags."""
    return sum(value for value, flag in _MESSAGE_FLAGS if flag in flags)
