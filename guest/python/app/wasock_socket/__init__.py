"""A pure-Python ``_socket`` and ``select`` on ``wasock:sockets``.

``install()`` puts the two modules in ``sys.modules`` and gives ``errno``
and ``os.strerror`` Linux's numbers and texts, so that the standard
library's own ``socket``, ``selectors``, ``socketserver`` and ``asyncio``,
imported afterwards, run on wasock unchanged.
"""

import os
import sys
import types

from .errnos import ERRORS, NUMBERS


def _module(name, doc, attributes):
    module = types.ModuleType(name, doc)
    for key, value in attributes.items():
        setattr(module, key, value)
    return module


def _socket_module():
    from . import ancillary, errors, inet, netdb, sock
    from .constants import SOCKET_CONSTANTS

    functions = {
        name: getattr(module, name)
        for module, names in (
            (sock, "socketpair dup close getdefaulttimeout setdefaulttimeout"),
            (inet, "inet_aton inet_ntoa inet_pton inet_ntop htons ntohs htonl ntohl"),
            (ancillary, "CMSG_LEN CMSG_SPACE"),
            (
                netdb,
                "getaddrinfo getnameinfo gethostbyname gethostbyname_ex gethostbyaddr "
                "gethostname sethostname getservbyname getservbyport getprotobyname "
                "if_nameindex if_nametoindex if_indextoname",
            ),
        )
        for name in names.split()
    }
    for function in functions.values():
        function.__module__ = "_socket"
    return _module(
        "_socket",
        "Implementation module for socket operations.\n\nSee the socket module for documentation.",
        {
            **SOCKET_CONSTANTS,
            **functions,
            "socket": sock.socket,
            "SocketType": sock.socket,
            "error": OSError,
            "timeout": TimeoutError,
            "gaierror": errors.gaierror,
            "herror": errors.herror,
            "has_ipv6": True,
        },
    )


def _select_module():
    from . import selection

    return _module(
        "select",
        "This module supports asynchronous I/O on multiple file descriptors.",
        {
            **selection.SELECT_CONSTANTS,
            "select": selection.select,
            "poll": selection.poll,
            "epoll": selection.epoll,
            "error": OSError,
        },
    )


def _patch_errno():
    """Give ``errno`` Linux's names and numbers."""
    import errno

    for name in [n for n in vars(errno) if n.startswith("E") and n not in NUMBERS]:
        delattr(errno, name)
    for name, number in NUMBERS.items():
        setattr(errno, name, number)
    errno.errorcode.clear()
    errno.errorcode.update({number: name for number, (name, _) in ERRORS.items()})


def _strerror(code, /):
    """``os.strerror`` with glibc's texts for Linux's numbers."""
    if code in ERRORS:
        return ERRORS[code][1]
    return f"Unknown error {code}"


def install():
    """Install ``_socket`` and ``select``; call it before anything imports
    ``socket``, ``select`` or ``selectors``."""
    _patch_errno()
    os.strerror = _strerror
    sys.modules["_socket"] = _socket_module()
    sys.modules["select"] = _select_module()


def adopt_inherited():
    """Number the sockets the host handed over (``take-inherited-sockets``)
    from 3, in order, as systemd numbers ``LISTEN_FDS``."""
    from wit_world.imports import socket as wit

    from . import fds
    from .errors import call

    for handle in call(wit.take_inherited_sockets):
        fds.add(handle)
