"""``_socket.socket``: the socket object, one ``wasock:sockets`` socket
resource behind a descriptor number, with CPython's blocking, timeout and
non-blocking modes carried out by the host."""

import operator
import warnings

from componentize_py_types import Err
from wit_world.imports import socket as wit
from wit_world.imports import types

from . import addresses, ancillary, durations, fds, options
from .constants import SOCKET_CONSTANTS as C
from .errnos import NUMBERS
from .errors import call, from_wit, os_error, timed_out
from .kinds import (
    TYPE_FLAGS,
    family_number,
    family_to_wit,
    flags_number,
    flags_to_wit,
    type_number,
    type_to_wit,
)

_default_timeout = None

#: ``listen``'s backlog when none is given, as CPython chooses it.
_DEFAULT_BACKLOG = min(C["SOMAXCONN"], 128)

_SHUTDOWN = {
    C["SHUT_RD"]: types.ShutdownHow.READ,
    C["SHUT_WR"]: types.ShutdownHow.WRITE,
    C["SHUT_RDWR"]: types.ShutdownHow.BOTH,
}


def getdefaulttimeout():
    """The timeout new sockets start with, in seconds (``None``: blocking)."""
    return _default_timeout


def setdefaulttimeout(timeout, /):
    """Set the timeout new sockets start with."""
    global _default_timeout
    _default_timeout = _parse_timeout(timeout)


def _parse_timeout(value):
    """A timeout as CPython accepts it: ``None``, or seconds as a float or an
    integer, not negative."""
    if value is None:
        return None
    seconds = float(value if isinstance(value, float) else operator.index(value))
    durations.check(seconds)
    if seconds < 0:
        raise ValueError("Timeout value out of range")
    return seconds


def _bytes(data):
    """The bytes of a bytes-like argument."""
    if isinstance(data, bytes):
        return data
    try:
        return bytes(memoryview(data))
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{type(data).__name__}'") from None


def _writable(buffer):
    """A writable byte view of a buffer argument."""
    view = memoryview(buffer)
    if view.readonly:
        raise TypeError("recv_into() argument 'buffer' must be read-write bytes-like object")
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view


def wit_socket(fd):
    """The WIT socket numbered ``fd``; ``ENOTSOCK`` for another resource."""
    resource = fds.get(fd)
    if not isinstance(resource, wit.Socket):
        raise os_error(NUMBERS["ENOTSOCK"])
    return resource


class socket:
    """socket(family=AF_INET, type=SOCK_STREAM, proto=0) -> socket object
    socket(family=-1, type=-1, proto=-1, fileno=None) -> socket object

    Open a socket of the given type, or adopt the socket numbered
    ``fileno`` (a descriptor from ``dup``, ``detach``, ``recvmsg`` or an
    inherited socket), its family, type and protocol read from it."""

    __slots__ = ("_fd", "_family", "_type", "_proto", "_timeout")

    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        self._fd = -1
        if fileno is None:
            family = C["AF_INET"] if family == -1 else family
            type = C["SOCK_STREAM"] if type == -1 else type
            proto = 0 if proto == -1 else proto
            handle = call(wit.create_socket, family_to_wit(family), type_to_wit(type), proto)
            self._fd = fds.add(handle)
        else:
            if not isinstance(fileno, int):
                raise TypeError(
                    f"'{fileno.__class__.__name__}' object cannot be interpreted as an integer"
                )
            if fileno < 0:
                raise ValueError("negative file descriptor")
            handle = wit_socket(fileno)
            family = family_number(handle.family()) if family == -1 else family
            type = type_number(handle.type()) if type == -1 else type
            proto = handle.protocol() if proto == -1 else proto
            self._fd = fileno
        self._family = family
        self._type = type & ~TYPE_FLAGS
        self._proto = proto
        self._set_timeout(0.0 if type & C["SOCK_NONBLOCK"] else _default_timeout)

    def __repr__(self):
        return (
            f"<socket object, fd={self._fd}, family={self._family}, "
            f"type={self._type}, proto={self._proto}>"
        )

    def __del__(self):
        if getattr(self, "_fd", -1) != -1:
            warnings.warn(f"unclosed {self!r}", ResourceWarning, stacklevel=2, source=self)
            self.close()

    @property
    def family(self):
        """The socket family."""
        return self._family

    @property
    def type(self):
        """The socket type."""
        return self._type

    @property
    def proto(self):
        """The socket protocol."""
        return self._proto

    @property
    def timeout(self):
        """The timeout in seconds (``None``: blocking)."""
        return self._timeout

    def _handle(self):
        """The WIT socket; ``EBADF`` once closed."""
        if self._fd == -1:
            raise os_error(NUMBERS["EBADF"])
        return wit_socket(self._fd)

    def _call(self, method, *args):
        """Call a WIT method, raising CPython's error: ``TimeoutError("timed
        out")`` when a timeout expires in timeout mode."""
        try:
            return method(*args)
        except Err as err:
            if err.value.code == types.ErrorCode.TIMED_OUT and self._timeout:
                raise timed_out() from None
            raise from_wit(err.value) from None

    def _address(self, address, caller):
        return addresses.to_wit(self._family, address, caller)

    def fileno(self):
        """The descriptor number, -1 once closed or detached."""
        return self._fd

    def close(self):
        """Close the socket; closing twice is no error."""
        fd, self._fd = self._fd, -1
        if fd != -1:
            try:
                fds.close(fd)
            except OSError as err:
                if err.errno != NUMBERS["ECONNRESET"]:
                    raise

    def detach(self):
        """Forget the socket without closing it; return its descriptor."""
        fd, self._fd = self._fd, -1
        return fd

    def _set_timeout(self, seconds):
        self._timeout = seconds
        if self._fd != -1:
            self._handle().set_timeout(durations.nanoseconds(seconds))

    def settimeout(self, value, /):
        """Set the timeout: ``None`` blocks, 0 is non-blocking, anything else
        bounds each blocking call (``TimeoutError`` when it expires)."""
        self._set_timeout(_parse_timeout(value))

    def gettimeout(self):
        """The timeout in seconds, ``None`` in blocking mode."""
        return self._timeout

    def setblocking(self, flag, /):
        """Blocking mode (``True``) or non-blocking mode (``False``)."""
        self._set_timeout(None if flag else 0.0)

    def getblocking(self):
        """``False`` in non-blocking mode, ``True`` otherwise."""
        return self._timeout != 0.0

    def bind(self, address, /):
        """Bind to a local address."""
        self._call(self._handle().bind, self._address(address, "bind"))

    def listen(self, backlog=_DEFAULT_BACKLOG, /):
        """Listen for connections, with at most ``backlog`` pending."""
        self._call(self._handle().listen, max(backlog, 0))

    def _accept(self):
        """Accept a connection: ``(descriptor, address)``."""
        connection, address = self._call(self._handle().accept)
        return fds.add(connection), addresses.from_wit(address)

    def connect(self, address, /):
        """Connect to a remote address."""
        self._call(self._handle().connect, self._address(address, "connect"))

    def connect_ex(self, address, /):
        """Connect, returning 0 or the ``errno`` instead of raising."""
        target = self._address(address, "connect_ex")
        try:
            self._call(self._handle().connect, target)
        except TimeoutError as err:
            return NUMBERS["EAGAIN"] if err.errno is None else err.errno
        except OSError as err:
            if err.errno is None:
                raise
            return err.errno
        return 0

    def getsockname(self):
        """The local address."""
        return addresses.from_wit(self._call(self._handle().local_address))

    def getpeername(self):
        """The address of the peer."""
        return addresses.from_wit(self._call(self._handle().remote_address))

    def shutdown(self, how, /):
        """Shut down reading (``SHUT_RD``), writing (``SHUT_WR``) or both."""
        try:
            mode = _SHUTDOWN[how]
        except KeyError:
            raise os_error(NUMBERS["EINVAL"]) from None
        self._call(self._handle().shutdown, mode)

    def send(self, data, flags=0, /):
        """Send data; return how many bytes were sent."""
        return self._call(self._handle().send, _bytes(data), flags_to_wit(flags))

    def sendall(self, data, flags=0, /):
        """Send all of ``data``; the timeout bounds the whole call."""
        self._call(self._handle().send_all, _bytes(data), flags_to_wit(flags))

    def sendto(self, data, flags_or_address, address=None, /):
        """``sendto(data[, flags], address)``: send a datagram to an address."""
        flags = flags_or_address if address is not None else 0
        target = address if address is not None else flags_or_address
        wit_address = self._address(target, "sendto")
        return self._call(self._handle().send_to, _bytes(data), flags_to_wit(flags), wit_address)

    def sendmsg(self, buffers, ancdata=(), flags=0, address=None, /):
        """Send data gathered from ``buffers`` with ancillary data, to
        ``address`` if given; return the bytes sent."""
        data = [_bytes(buffer) for buffer in buffers]
        items = ancillary.outgoing(ancdata)
        target = None if address is None else self._address(address, "sendmsg")
        return self._call(self._handle().send_msg, data, items, flags_to_wit(flags), target)

    def recv(self, bufsize, flags=0, /):
        """Receive at most ``bufsize`` bytes."""
        if bufsize < 0:
            raise ValueError("negative buffersize in recv")
        return self._call(self._handle().recv, bufsize, flags_to_wit(flags))

    def recvfrom(self, bufsize, flags=0, /):
        """Receive at most ``bufsize`` bytes: ``(data, address)``; the
        address of an unnamed sender is ``None``, as Linux gives none."""
        if bufsize < 0:
            raise ValueError("negative buffersize in recvfrom")
        data, address = self._call(self._handle().recv_from, bufsize, flags_to_wit(flags))
        unnamed = isinstance(address, types.SocketAddress_Unnamed)
        return data, None if unnamed else addresses.from_wit(address)

    def recv_into(self, buffer, nbytes=0, flags=0):
        """Receive into ``buffer``; return the number of bytes received."""
        view = _writable(buffer)
        size = _into_size(view, nbytes, "recv_into")
        data = self.recv(size, flags)
        view[: len(data)] = data
        return len(data)

    def recvfrom_into(self, buffer, nbytes=0, flags=0):
        """Receive into ``buffer``: ``(nbytes, address)``."""
        view = _writable(buffer)
        size = _into_size(view, nbytes, "recvfrom_into")
        data, address = self.recvfrom(size, flags)
        view[: len(data)] = data
        return len(data), address

    def recvmsg(self, bufsize, ancbufsize=0, flags=0, /):
        """Receive a message: ``(data, ancdata, msg_flags, address)``."""
        if bufsize < 0:
            raise ValueError("negative buffer size in recvmsg()")
        if ancbufsize < 0:
            raise ValueError("invalid ancillary data buffer length")
        message = self._call(self._handle().recv_msg, bufsize, ancbufsize, flags_to_wit(flags))
        address = None if message.address is None else addresses.from_wit(message.address)
        return (
            message.data,
            ancillary.incoming(message.ancillary),
            flags_number(message.flags),
            address,
        )

    def recvmsg_into(self, buffers, ancbufsize=0, flags=0, /):
        """Receive a message scattered into ``buffers``: ``(nbytes, ancdata,
        msg_flags, address)``."""
        views = [_writable(buffer) for buffer in buffers]
        data, ancdata, msg_flags, address = self.recvmsg(
            sum(len(v) for v in views), ancbufsize, flags
        )
        offset = 0
        for view in views:
            chunk = data[offset : offset + len(view)]
            view[: len(chunk)] = chunk
            offset += len(chunk)
        return len(data), ancdata, msg_flags, address

    def setsockopt(self, level, optname, value, optlen=None, /):
        """Set a socket option: an ``int``, a bytes-like value, or ``None``
        with ``optlen``."""
        options.setsockopt(self._handle(), level, optname, value, optlen)

    def getsockopt(self, level, optname, buflen=None, /):
        """Get a socket option: an ``int``, or at most ``buflen`` bytes."""
        return options.getsockopt(self._handle(), level, optname, buflen)


def _into_size(view, nbytes, caller):
    """The byte count of a ``*_into`` call, checked as CPython checks it."""
    if nbytes < 0:
        raise ValueError(f"negative buffersize in {caller}")
    if nbytes == 0:
        return len(view)
    if nbytes > len(view):
        raise ValueError("buffer too small for requested bytes")
    return nbytes


socket.__module__ = "_socket"


def socketpair(family=C["AF_UNIX"], type=C["SOCK_STREAM"], proto=0, /):
    """A pair of connected sockets."""
    first, second = call(wit.socketpair, family_to_wit(family), type_to_wit(type), proto)
    return (
        socket(family, type, proto, fds.add(first)),
        socket(family, type, proto, fds.add(second)),
    )


def dup(fd, /):
    """A new descriptor for the socket numbered ``fd``."""
    return fds.add(call(wit_socket(fd).dup))


def close(fd, /):
    """Close the socket numbered ``fd``."""
    fds.close(fd)
