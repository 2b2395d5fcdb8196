"""The ``select`` module: ``select``, ``poll`` and ``epoll`` over the
sockets of the descriptor table, on ``wasock:sockets``' ``poll`` and
``poller``. Descriptors that are not sockets (standard input, files) are
not in the table: ``select`` and ``epoll`` refuse them with ``EBADF``, and
``poll`` reports them ``POLLNVAL``, as for a closed descriptor."""

import math
import time

from componentize_py_types import Err
from wit_world.imports import socket as wit
from wit_world.imports import types

from . import durations, fds
from .errnos import NUMBERS
from .errors import call, from_wit, os_error

E = types.PollEvents

#: The ``select`` module's constants, Linux values.
SELECT_CONSTANTS = {
    "POLLIN": 0x1, "POLLPRI": 0x2, "POLLOUT": 0x4, "POLLERR": 0x8, "POLLHUP": 0x10,
    "POLLNVAL": 0x20, "POLLRDNORM": 0x40, "POLLRDBAND": 0x80, "POLLWRNORM": 0x100,
    "POLLWRBAND": 0x200, "POLLMSG": 0x400, "POLLRDHUP": 0x2000,
    "EPOLLIN": 0x1, "EPOLLPRI": 0x2, "EPOLLOUT": 0x4, "EPOLLERR": 0x8, "EPOLLHUP": 0x10,
    "EPOLLRDNORM": 0x40, "EPOLLRDBAND": 0x80, "EPOLLWRNORM": 0x100, "EPOLLWRBAND": 0x200,
    "EPOLLMSG": 0x400, "EPOLLRDHUP": 0x2000, "EPOLLEXCLUSIVE": 1 << 28,
    "EPOLLWAKEUP": 1 << 29, "EPOLLONESHOT": 1 << 30, "EPOLLET": 1 << 31,
    "EPOLL_CLOEXEC": 0x80000, "PIPE_BUF": 4096,
}  # fmt: skip
_K = SELECT_CONSTANTS

#: ``poll-events`` flag to the ``POLL*``/``EPOLL*`` bits it reports, and the
#: bits that ask for it.
_EVENTS = [
    (E.READABLE, _K["POLLIN"], _K["POLLIN"] | _K["POLLRDNORM"]),
    (E.PRIORITY, _K["POLLPRI"], _K["POLLPRI"]),
    (E.WRITABLE, _K["POLLOUT"], _K["POLLOUT"] | _K["POLLWRNORM"]),
    (E.READ_HANGUP, _K["POLLRDHUP"], _K["POLLRDHUP"]),
    (E.ERROR, _K["POLLERR"], 0),
    (E.HANGUP, _K["POLLHUP"], 0),
    (E.INVALID, _K["POLLNVAL"], 0),
]
#: Reported whether asked for or not.
_ALWAYS = _K["POLLERR"] | _K["POLLHUP"] | _K["POLLNVAL"]


def _interest(mask):
    """The WIT events ``POLL*`` bits ask for."""
    result = E(0)
    for flag, _, asking in _EVENTS:
        if mask & asking:
            result |= flag
    return result


def _revents(events, mask):
    """The ``POLL*`` bits of WIT events, as Linux masks them by the bits
    asked for; ``POLLRDNORM`` and ``POLLWRNORM`` come with ``POLLIN`` and
    ``POLLOUT`` when asked for."""
    bits = 0
    for flag, reported, _ in _EVENTS:
        if flag in events:
            bits |= reported
    if bits & _K["POLLIN"]:
        bits |= _K["POLLRDNORM"]
    if bits & _K["POLLOUT"]:
        bits |= _K["POLLWRNORM"]
    return bits & (mask | _ALWAYS)


def _fd_of(target):
    """The descriptor of an int or an object with ``fileno()``."""
    if isinstance(target, int):
        fd = target
    else:
        try:
            fileno = target.fileno
        except AttributeError:
            raise TypeError("argument must be an int, or have a fileno() method.") from None
        fd = fileno()
        if not isinstance(fd, int):
            raise TypeError("fileno() returned a non-integer")
    if fd < 0:
        raise ValueError(f"file descriptor cannot be a negative integer ({fd})")
    return fd


def _socket_of(fd):
    """The WIT socket numbered ``fd``; ``EBADF`` for anything else."""
    resource = fds.get(fd)
    if not isinstance(resource, wit.Socket):
        raise os_error(NUMBERS["EBADF"])
    return resource


def _sleep(nanoseconds):
    """Wait with nothing to wait for: ``nanoseconds``, or forever."""
    if nanoseconds is None:
        while True:
            time.sleep(3600)
    time.sleep(nanoseconds / 1e9)


class _Select:
    """``select(rlist, wlist, xlist[, timeout])``: wait until some sockets
    are ready for reading, writing or an exceptional condition.

    A callable object rather than a function, so that it does not become a
    method when stored in a class, as ``selectors`` stores it."""

    __name__ = "select"
    __qualname__ = "select"

    def __call__(self, rlist, wlist, xlist, timeout=None, /):
        if timeout is not None:
            if not isinstance(timeout, (int, float)):
                raise TypeError("timeout must be a float or None")
            if timeout < 0:
                raise ValueError("timeout must be non-negative")
        lists = [_as_list(rlist), _as_list(wlist), _as_list(xlist)]
        # Each target's descriptor, asked for once, as CPython does.
        fd_lists = [[_fd_of(target) for target in targets] for targets in lists]
        wanted = {}
        for asking, fds_asked in zip((E.READABLE, E.WRITABLE, E.PRIORITY), fd_lists, strict=True):
            for fd in fds_asked:
                wanted[fd] = wanted.get(fd, E(0)) | asking
        if not wanted:
            _sleep(durations.nanoseconds(timeout))
            return [], [], []
        order = list(wanted)
        ready = call(wit.poll, [(_socket_of(fd), wanted[fd]) for fd in order], durations.nanoseconds(timeout))
        events = {order[index]: flags for index, flags in ready}
        conditions = (
            E.READABLE | E.HANGUP | E.ERROR | E.READ_HANGUP,
            E.WRITABLE | E.ERROR,
            E.PRIORITY,
        )
        return tuple(
            [t for t, fd in zip(targets, fds_asked, strict=True) if events.get(fd, E(0)) & condition]
            for targets, fds_asked, condition in zip(lists, fd_lists, conditions, strict=True)
        )


def _as_list(sequence):
    try:
        return list(sequence)
    except TypeError:
        raise TypeError("arguments 1-3 must be sequences") from None


select = _Select()


class poll:
    """A set of descriptors to wait on, as ``select.poll()`` returns."""

    def __init__(self):
        self._masks = {}

    def register(self, fd, eventmask=_K["POLLIN"] | _K["POLLPRI"] | _K["POLLOUT"], /):
        """Watch ``fd`` for the events in ``eventmask``."""
        self._masks[_fd_of(fd)] = eventmask

    def modify(self, fd, eventmask, /):
        """Change the events ``fd`` is watched for."""
        fd = _fd_of(fd)
        if fd not in self._masks:
            raise os_error(NUMBERS["ENOENT"])
        self._masks[fd] = eventmask

    def unregister(self, fd, /):
        """Stop watching ``fd``."""
        del self._masks[_fd_of(fd)]

    def poll(self, timeout=None, /):
        """Wait up to ``timeout`` milliseconds (``None`` or negative: without
        limit) and return ``(fd, revents)`` pairs of the ready descriptors."""
        if timeout is not None and not isinstance(timeout, (int, float)):
            raise TypeError("timeout must be an integer or None")
        wait = None if timeout is None or timeout < 0 else math.ceil(timeout * 1e6)
        sockets, invalid = [], []
        for fd, mask in self._masks.items():
            resource = fds.lookup(fd)
            if isinstance(resource, wit.Socket):
                sockets.append((fd, resource, mask))
            else:
                invalid.append((fd, _K["POLLNVAL"]))
        if not sockets:
            if not invalid:
                _sleep(wait)
            return invalid
        ready = call(
            wit.poll,
            [(resource, _interest(mask)) for _, resource, mask in sockets],
            0 if invalid else wait,
        )
        result = invalid
        for index, flags in ready:
            fd, _, mask = sockets[index]
            revents = _revents(flags, mask)
            if revents:
                result.append((fd, revents))
        return result


class epoll:
    """An epoll instance, as ``select.epoll()`` returns, on a host
    ``poller``; registered sockets carry their descriptor as the key.
    ``EPOLLONESHOT`` is emulated: a reported socket is modified to ask for
    nothing. The poller is created on first use."""

    def __init__(self, sizehint=-1, flags=0):
        if sizehint == 0 or sizehint < -1:
            raise ValueError("negative sizehint")
        self._fd = None
        self._closed = False
        self._masks = {}

    @classmethod
    def fromfd(cls, fd, /):
        """An epoll object for the poller numbered ``fd``."""
        instance = cls()
        if not isinstance(fds.get(fd), wit.Poller):
            raise os_error(NUMBERS["EINVAL"])
        instance._fd = fd
        return instance

    def __enter__(self):
        self._poller()
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _poller(self):
        if self._closed:
            raise ValueError("I/O operation on closed epoll object")
        if self._fd is None:
            self._fd = fds.add(call(wit.create_poller))
        return fds.get(self._fd)

    @property
    def closed(self):
        """Whether the epoll object is closed."""
        return self._closed

    def close(self):
        """Close the epoll object; its sockets stay open."""
        if not self._closed and self._fd is not None:
            fds.close(self._fd)
        self._closed = True

    def fileno(self):
        """The descriptor number of the poller."""
        self._poller()
        return self._fd

    def _control(self, method, fd, eventmask):
        poller = self._poller()
        fd = _fd_of(fd)
        edge = bool(eventmask & _K["EPOLLET"])
        try:
            method(poller, _socket_of(fd), fd, _interest(eventmask), edge)
        except Err as err:
            raise from_wit(err.value) from None
        self._masks[fd] = eventmask

    def register(self, fd, eventmask=_K["EPOLLIN"] | _K["EPOLLPRI"] | _K["EPOLLOUT"]):
        """Watch ``fd`` for the events in ``eventmask``."""
        self._control(wit.Poller.register, fd, eventmask)

    def modify(self, fd, eventmask):
        """Change the events ``fd`` is watched for."""
        self._control(wit.Poller.modify, fd, eventmask)

    def unregister(self, fd):
        """Stop watching ``fd``."""
        poller = self._poller()
        fd = _fd_of(fd)
        try:
            poller.deregister(_socket_of(fd))
        except Err as err:
            raise from_wit(err.value) from None
        self._masks.pop(fd, None)

    def poll(self, timeout=None, maxevents=-1):
        """Wait up to ``timeout`` seconds (``None`` or negative: without
        limit) and return ``(fd, events)`` pairs of at most ``maxevents``
        ready sockets."""
        poller = self._poller()
        if maxevents == -1:
            maxevents = 1023
        elif maxevents <= 0:
            raise ValueError(f"maxevents must be greater than 0, got {maxevents}")
        wait = None if timeout is None or timeout < 0 else durations.nanoseconds(timeout)
        ready = call(poller.wait, maxevents, wait)
        result = []
        for fd, flags in ready:
            mask = self._masks.get(fd, 0)
            result.append((fd, _revents(flags, mask)))
            resource = fds.lookup(fd)
            if mask & _K["EPOLLONESHOT"] and isinstance(resource, wit.Socket):
                self._masks[fd] = 0
                call(poller.modify, resource, fd, E(0), bool(mask & _K["EPOLLET"]))
        return result
