"""Errors as CPython raises them: ``OSError`` subclasses with Linux numbers,
``gaierror`` and ``herror`` with glibc's texts, ``TimeoutError("timed out")``.
"""

import re

from componentize_py_types import Err
from wit_world.imports import resolver, types

from .errnos import ERRORS, NUMBERS


class gaierror(OSError):
    """Raised for address-related errors by ``getaddrinfo`` and ``getnameinfo``."""


class herror(OSError):
    """Raised for address-related errors by ``gethostbyname_ex`` and ``gethostbyaddr``."""


gaierror.__module__ = "socket"
herror.__module__ = "socket"

#: The subclass CPython raises for an ``errno`` (PEP 3151), by Linux number.
_SUBCLASSES = {
    NUMBERS["EAGAIN"]: BlockingIOError,
    NUMBERS["EALREADY"]: BlockingIOError,
    NUMBERS["EINPROGRESS"]: BlockingIOError,
    NUMBERS["ECHILD"]: ChildProcessError,
    NUMBERS["EPIPE"]: BrokenPipeError,
    NUMBERS["ESHUTDOWN"]: BrokenPipeError,
    NUMBERS["ECONNABORTED"]: ConnectionAbortedError,
    NUMBERS["ECONNREFUSED"]: ConnectionRefusedError,
    NUMBERS["ECONNRESET"]: ConnectionResetError,
    NUMBERS["EEXIST"]: FileExistsError,
    NUMBERS["ENOENT"]: FileNotFoundError,
    NUMBERS["EISDIR"]: IsADirectoryError,
    NUMBERS["ENOTDIR"]: NotADirectoryError,
    NUMBERS["EINTR"]: InterruptedError,
    NUMBERS["EACCES"]: PermissionError,
    NUMBERS["EPERM"]: PermissionError,
    NUMBERS["ESRCH"]: ProcessLookupError,
    NUMBERS["ETIMEDOUT"]: TimeoutError,
}

#: ``error-code`` case (as the bindings name it) to Linux ``errno`` name.
_CODES = {
    "ACCESS_DENIED": "EACCES",
    "NOT_PERMITTED": "EPERM",
    "ADDRESS_IN_USE": "EADDRINUSE",
    "ADDRESS_NOT_AVAILABLE": "EADDRNOTAVAIL",
    "ADDRESS_FAMILY_NOT_SUPPORTED": "EAFNOSUPPORT",
    "PROTOCOL_NOT_SUPPORTED": "EPROTONOSUPPORT",
    "SOCKET_TYPE_NOT_SUPPORTED": "ESOCKTNOSUPPORT",
    "WRONG_PROTOCOL_TYPE": "EPROTOTYPE",
    "NOT_SUPPORTED": "ENOPROTOOPT",
    "OPERATION_NOT_SUPPORTED": "EOPNOTSUPP",
    "WOULD_BLOCK": "EAGAIN",
    "IN_PROGRESS": "EINPROGRESS",
    "ALREADY_IN_PROGRESS": "EALREADY",
    "ALREADY_CONNECTED": "EISCONN",
    "NOT_CONNECTED": "ENOTCONN",
    "DESTINATION_ADDRESS_REQUIRED": "EDESTADDRREQ",
    "CONNECTION_REFUSED": "ECONNREFUSED",
    "CONNECTION_RESET": "ECONNRESET",
    "CONNECTION_ABORTED": "ECONNABORTED",
    "BROKEN_PIPE": "EPIPE",
    "SHUT_DOWN": "ESHUTDOWN",
    "TIMED_OUT": "ETIMEDOUT",
    "HOST_UNREACHABLE": "EHOSTUNREACH",
    "HOST_DOWN": "EHOSTDOWN",
    "NETWORK_UNREACHABLE": "ENETUNREACH",
    "NETWORK_DOWN": "ENETDOWN",
    "NETWORK_RESET": "ENETRESET",
    "INVALID_ARGUMENT": "EINVAL",
    "MESSAGE_TOO_LONG": "EMSGSIZE",
    "NO_BUFFER_SPACE": "ENOBUFS",
    "OUT_OF_MEMORY": "ENOMEM",
    "TOO_MANY_OPEN_FILES": "EMFILE",
    "SYSTEM_FILE_LIMIT": "ENFILE",
    "NOT_FOUND": "ENOENT",
    "ALREADY_EXISTS": "EEXIST",
    "NOT_A_DIRECTORY": "ENOTDIR",
    "NAME_TOO_LONG": "ENAMETOOLONG",
    "SYMLINK_LOOP": "ELOOP",
    "READ_ONLY_FILE_SYSTEM": "EROFS",
    "NOT_A_SOCKET": "ENOTSOCK",
    "NO_SUCH_DEVICE": "ENODEV",
    "NO_SUCH_DEVICE_OR_ADDRESS": "ENXIO",
    "BAD_DESCRIPTOR": "EBADF",
    "PROTOCOL_ERROR": "EPROTO",
    "INTERRUPTED": "EINTR",
}

#: glibc's ``gai_strerror`` texts, by ``EAI_*`` value.
_GAI_TEXTS = {
    -1: "Bad value for ai_flags",
    -2: "Name or service not known",
    -3: "Temporary failure in name resolution",
    -4: "Non-recoverable failure in name resolution",
    -5: "No address associated with hostname",
    -6: "ai_family not supported",
    -7: "ai_socktype not supported",
    -8: "Servname not supported for ai_socktype",
    -9: "Address family for hostname not supported",
    -10: "Memory allocation failure",
    -11: "System error",
    -12: "Argument buffer overflow",
}

#: ``resolve-error`` case to ``EAI_*`` value.
_RESOLVE_CODES = {
    resolver.ResolveError_BadFlags: -1,
    resolver.ResolveError_NoName: -2,
    resolver.ResolveError_Again: -3,
    resolver.ResolveError_Fail: -4,
    resolver.ResolveError_NoData: -5,
    resolver.ResolveError_Family: -6,
    resolver.ResolveError_SocketType: -7,
    resolver.ResolveError_Service: -8,
    resolver.ResolveError_AddressFamily: -9,
    resolver.ResolveError_Memory: -10,
}

#: ``host-error`` case to ``h_errno`` and glibc's ``hstrerror`` text.
_HOST_ERRORS = {
    resolver.HostError_HostNotFound: (1, "Unknown host"),
    resolver.HostError_TryAgain: (2, "Host name lookup failure"),
    resolver.HostError_NoRecovery: (3, "Unknown server error"),
    resolver.HostError_NoData: (4, "No address associated with name"),
}


def os_error(number, detail=None):
    """The ``OSError`` CPython raises for a Linux ``errno``, its subclass
    chosen by number, with ``detail`` after the ``strerror`` text."""
    text = ERRORS.get(number, (None, f"Unknown error {number}"))[1]
    if detail:
        text = f"{text}: {detail}"
    subclass = _SUBCLASSES.get(number)
    if subclass is not None:
        return subclass(number, text)
    # ``OSError(number, text)`` would choose a subclass by the interpreter's
    # WASI numbering (Linux's ENXIO is WASI's EAGAIN): fill in a plain one.
    error = OSError(text)
    error.errno, error.strerror, error.args = number, text, (number, text)
    return error


def gai(code):
    """``socket.gaierror`` for an ``EAI_*`` value."""
    return gaierror(code, _GAI_TEXTS.get(code, "Unknown error"))


def errno_of(error):
    """The Linux ``errno`` of a WIT ``error``; for ``other``, the number its
    message names (``os error N``), or 0."""
    name = _CODES.get(error.code.name)
    if name is not None:
        return NUMBERS[name]
    found = re.search(r"os error (\d+)", error.message or "")
    return int(found.group(1)) if found else 0


def from_wit(error):
    """The ``OSError`` for a WIT ``error`` record."""
    number = errno_of(error)
    if number == 0:
        return OSError(error.message or "Unknown error")
    if error.code == types.ErrorCode.OTHER:
        return os_error(number)
    return os_error(number, error.message)


def timed_out():
    """What a socket in timeout mode raises when its timeout expires."""
    return TimeoutError("timed out")


def from_resolve_error(error):
    """``gaierror`` for a WIT ``resolve-error``; the ``OSError`` it carries
    for ``system``, as CPython raises ``EAI_SYSTEM``."""
    if isinstance(error, resolver.ResolveError_System):
        return from_wit(error.value)
    return gai(_RESOLVE_CODES[type(error)])


def from_host_error(error):
    """``herror`` for a WIT ``host-error``; the ``OSError`` it carries for
    ``system``."""
    if isinstance(error, resolver.HostError_System):
        return from_wit(error.value)
    return herror(*_HOST_ERRORS[type(error)])


def call(function, *args):
    """Call a WIT function, raising the ``OSError`` for its ``error``."""
    try:
        return function(*args)
    except Err as err:
        raise from_wit(err.value) from None
