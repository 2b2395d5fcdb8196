"""Descriptors: dup, detach, fromfd, socket(fileno=...) and close(fd)."""

import errno
import socket


def show(label, function):
    try:
        result = function()
    except Exception as exc:
        number = getattr(exc, 'errno', None)
        name = errno.errorcode.get(number, '') if isinstance(number, int) else ''
        result = '{}: {} {}'.format(type(exc).__name__, exc, name).strip()
    print('{}: {}'.format(label, result))


left, right = socket.socketpair()
copy = left.dup()
show('dup is another descriptor', lambda: copy.fileno() != left.fileno())
show('dup keeps the mode', lambda: (copy.family.name, copy.type.name, copy.gettimeout()))
copy.sendall(b'through the copy')
show('received', lambda: right.recv(100))
left.close()
copy.sendall(b'the copy outlives the original')
show('received', lambda: right.recv(100))

fd = copy.detach()
show('detached', copy.fileno)
adopted = socket.socket(fileno=fd)
show('adopted', lambda: (adopted.fileno() == fd, adopted.family.name, adopted.type.name, adopted.proto))
adopted.sendall(b'adopted')
show('received', lambda: right.recv(100))

twin = socket.fromfd(adopted.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
twin.sendall(b'from fromfd')
show('received', lambda: right.recv(100))

number = twin.detach()
socket.close(number)
show('close a closed descriptor', lambda: socket.close(number))
show('adopt a closed descriptor', lambda: socket.socket(fileno=number))
show('negative descriptor', lambda: socket.socket(fileno=-5))
adopted.close()
show('peer sees the end', lambda: right.recv(100))
