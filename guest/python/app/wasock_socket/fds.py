"""The descriptor table: the small integers Python calls file descriptors,
each naming a ``wasock:sockets`` resource (a socket or a poller).

Numbers are the shim's own, handed out lowest-free from 3 as a process
numbers its descriptors; they are not WASI file descriptors, so ``os.read``
or ``os.close`` on one does not reach the socket. Sockets a guest inherits
(``take-inherited-sockets``) are numbered first, from 3, as systemd passes
``LISTEN_FDS``.
"""

from .errnos import NUMBERS
from .errors import os_error

FIRST = 3

_entries = {}


def add(resource):
    """Give ``resource`` the lowest free number and return it."""
    fd = FIRST
    while fd in _entries:
        fd += 1
    _entries[fd] = resource
    return fd


def get(fd):
    """The resource numbered ``fd``; ``EBADF`` when there is none."""
    if not isinstance(fd, int):
        raise TypeError(f"an integer is required (got type {type(fd).__name__})")
    if fd < 0:
        raise ValueError("negative file descriptor")
    try:
        return _entries[fd]
    except KeyError:
        raise os_error(NUMBERS["EBADF"]) from None


def close(fd):
    """Drop the resource numbered ``fd``; ``EBADF`` when there is none."""
    resource = get(fd)
    del _entries[fd]
    resource.__exit__(None, None, None)


def lookup(fd):
    """The resource numbered ``fd``, or ``None``."""
    return _entries.get(fd)
