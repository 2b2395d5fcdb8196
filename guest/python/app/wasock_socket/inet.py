"""Address text and byte order, computed in the guest as glibc does:
``inet_aton``, ``inet_ntoa``, ``inet_pton``, ``inet_ntop`` and the
``htons`` family (Linux x86-64 is little-endian, as is wasm)."""

import re

from .constants import SOCKET_CONSTANTS as C
from .errnos import NUMBERS
from .errors import os_error

AF_INET = C["AF_INET"]
AF_INET6 = C["AF_INET6"]

_ATON_PART = re.compile(r"0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*")
_HEX_GROUP = re.compile(r"[0-9a-fA-F]{1,4}")


def _aton(text):
    """glibc's ``inet_aton``: 1 to 4 parts in C notation (``0x`` hex, ``0``
    octal), the last filling the remaining bytes; whitespace may follow.
    Returns the address as an int, or ``None``."""
    parts = []
    rest = text
    while True:
        found = _ATON_PART.match(rest)
        if found is None:
            return None
        digits = found.group(0)
        base = 16 if digits[1:2] in ("x", "X") else 8 if digits[0] == "0" else 10
        parts.append(int(digits, base))
        rest = rest[found.end() :]
        if rest.startswith(".") and len(parts) < 4:
            rest = rest[1:]
            continue
        break
    if rest and not rest[0].isspace():
        return None
    *leading, last = parts
    if any(part > 0xFF for part in leading) or last >= 1 << (8 * (4 - len(leading))):
        return None
    value = last
    for index, part in enumerate(leading):
        value |= part << (24 - 8 * index)
    return value


def _pton4(text):
    """glibc's ``inet_pton`` for IPv4: four decimal numbers up to 255, no
    leading zeros. Returns 4 bytes or ``None``."""
    parts = text.split(".")
    if len(parts) != 4:
        return None
    octets = []
    for part in parts:
        if not part.isdigit() or not part.isascii() or len(part) > 3:
            return None
        if len(part) > 1 and part[0] == "0":
            return None
        value = int(part)
        if value > 255:
            return None
        octets.append(value)
    return bytes(octets)


def _pton6(text):
    """glibc's ``inet_pton`` for IPv6, including a trailing dotted IPv4
    part. Returns 16 bytes or ``None``."""
    if "::" in text:
        head, _, tail = text.partition("::")
        if "::" in tail:
            return None
        head_groups = _groups(head, last=False)
        tail_groups = _groups(tail, last=True)
        if head_groups is None or tail_groups is None:
            return None
        missing = 8 - len(head_groups) - len(tail_groups)
        if missing < 1:
            return None
        groups = head_groups + [0] * missing + tail_groups
    else:
        groups = _groups(text, last=True)
        if groups is None or len(groups) != 8:
            return None
    return b"".join(group.to_bytes(2, "big") for group in groups)


def _groups(text, last):
    """The 16-bit groups of one side of ``::``; the final one may be a
    dotted IPv4 address when ``last``."""
    if not text:
        return []
    pieces = text.split(":")
    groups = []
    for index, piece in enumerate(pieces):
        if last and index == len(pieces) - 1 and "." in piece:
            packed = _pton4(piece)
            if packed is None:
                return None
            groups += [int.from_bytes(packed[:2], "big"), int.from_bytes(packed[2:], "big")]
        elif _HEX_GROUP.fullmatch(piece):
            groups.append(int(piece, 16))
        else:
            return None
    return groups if len(groups) <= 8 else None


def ntop4(packed):
    """Dotted-decimal text of 4 bytes."""
    return ".".join(str(octet) for octet in packed)


def ntop6(packed):
    """glibc's text for 16 bytes: lower-case hex, the first longest run of
    two or more zero groups as ``::``, and a dotted tail for IPv4-mapped and
    IPv4-compatible addresses."""
    groups = [int.from_bytes(packed[i : i + 2], "big") for i in range(0, 16, 2)]
    best_start, best_length = -1, 0
    start = None
    for index, group in enumerate(groups + [1]):
        if group == 0 and index < 8:
            start = index if start is None else start
        elif start is not None:
            if index - start > best_length:
                best_start, best_length = start, index - start
            start = None
    if best_length < 2:
        best_start = -1
    text = ""
    index = 0
    while index < 8:
        if index == best_start:
            text += "::" if index == 0 else ":"
            index += best_length
            continue
        if (
            index == 6
            and best_start == 0
            and (best_length == 6 or (best_length == 5 and groups[5] == 0xFFFF))
        ):
            return text + ntop4(packed[12:])
        text += f"{groups[index]:x}"
        if index < 7:
            text += ":"
        index += 1
    return text


def _packed(data):
    """The bytes of a bytes-like object, as CPython's ``y*`` accepts it."""
    try:
        return bytes(memoryview(data))
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{type(data).__name__}'") from None


def _text(function, text):
    """``text`` when it is a ``str``; the ``TypeError`` CPython raises
    otherwise."""
    if not isinstance(text, str):
        raise TypeError(f"{function}() argument must be str, not {type(text).__name__}")
    return text


def inet_aton(string, /):
    """Convert an IPv4 address in any form ``inet_aton(3)`` accepts to 4
    bytes in network order."""
    value = _aton(_text("inet_aton", string))
    if value is None:
        raise OSError("illegal IP address string passed to inet_aton")
    return value.to_bytes(4, "big")


def inet_ntoa(packed_ip, /):
    """Convert 4 bytes in network order to dotted-decimal text."""
    packed = _packed(packed_ip)
    if len(packed) != 4:
        raise OSError("packed IP wrong length for inet_ntoa")
    return ntop4(packed)


def inet_pton(address_family, ip_string, /):
    """Convert an IPv4 or IPv6 address to its packed form."""
    text = _text("inet_pton", ip_string)
    if address_family == AF_INET:
        packed = _pton4(text)
    elif address_family == AF_INET6:
        packed = _pton6(text)
    else:
        raise os_error(NUMBERS["EAFNOSUPPORT"])
    if packed is None:
        raise OSError("illegal IP address string passed to inet_pton")
    return packed


def inet_ntop(address_family, packed_ip, /):
    """Convert a packed IPv4 or IPv6 address to its text."""
    packed = _packed(packed_ip)
    if address_family == AF_INET:
        if len(packed) != 4:
            raise ValueError("invalid length of packed IP address string")
        return ntop4(packed)
    if address_family == AF_INET6:
        if len(packed) != 16:
            raise ValueError("invalid length of packed IP address string")
        return ntop6(packed)
    raise ValueError(f"unknown address family {address_family}")


def _swap(name, value, size):
    """``value`` with its ``size`` bytes reversed, range-checked as CPython
    checks a C unsigned integer of that size."""
    if not isinstance(value, int):
        raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
    bits = 8 * size
    if value < 0:
        raise OverflowError(
            f"{name}: can't convert negative Python int to C {bits}-bit unsigned integer"
        )
    if value >= 1 << bits:
        raise OverflowError(
            f"{name}: Python int too large to convert to C {bits}-bit unsigned integer"
        )
    return int.from_bytes(value.to_bytes(size, "little"), "big")


def htons(x, /):
    """Convert a 16-bit integer from host to network byte order."""
    return _swap("htons", x, 2)


def ntohs(x, /):
    """Convert a 16-bit integer from network to host byte order."""
    return _swap("ntohs", x, 2)


def htonl(x, /):
    """Convert a 32-bit integer from host to network byte order."""
    return _swap("htonl", x, 4)


def ntohl(x, /):
    """Convert a 32-bit integer from network to host byte order."""
    return _swap("ntohl", x, 4)
