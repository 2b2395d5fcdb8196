"""sendmsg, recvmsg and their relatives, descriptor passing included."""

import array
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
show('pair', lambda: (left.family.name, left.type.name, right.getsockname()))
show('sendmsg', lambda: left.sendmsg([b'first ', bytearray(b'second '), memoryview(b'third')]))
show('recvmsg', lambda: right.recvmsg(1024))

left.send(b'peek')
show('peek', lambda: right.recv(4, socket.MSG_PEEK))
show('read', lambda: right.recv(4))
show('dontwait', lambda: right.recv(4, socket.MSG_DONTWAIT))

left.send(b'into a buffer')
buffer = bytearray(8)
show('recv_into', lambda: (right.recv_into(buffer, 4), bytes(buffer)))
show('recvfrom_into', lambda: right.recvfrom_into(buffer))
show('buffer', lambda: bytes(buffer))
left.send(b'scattered')
first, second = bytearray(4), bytearray(8)
show('recvmsg_into', lambda: right.recvmsg_into([first, second]))
show('buffers', lambda: (bytes(first), bytes(second)))
left.send(b'waiting for all')
show('waitall', lambda: right.recv(15, socket.MSG_WAITALL))

near, far = socket.socketpair()
show('send_fds', lambda: socket.send_fds(left, [b'one socket'], [near.fileno()]))
message, fds, flags, address = socket.recv_fds(right, 1024, 1)
show('recv_fds', lambda: (message, len(fds), flags, address))
passed = socket.socket(fileno=fds[0])
show('passed socket', lambda: (passed.family.name, passed.type.name))
passed.sendall(b'through the passed socket')
show('received through it', lambda: far.recv(1024))
passed.close()

item = (socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [near.fileno(), near.fileno()]))
show('two rights', lambda: left.sendmsg([b'x'], [item]))
data, ancdata, flags, address = right.recvmsg(16, socket.CMSG_SPACE(2 * 4))
show('two received', lambda: (data, [(level, kind, len(payload)) for level, kind, payload in ancdata]))
for level, kind, payload in ancdata:
    for fd in array.array('i', payload):
        socket.close(fd)
show('rights that do not fit', lambda: left.sendmsg([b'y'], [item]))
data, ancdata, flags, address = right.recvmsg(16, socket.CMSG_LEN(4))
show('truncated control', lambda: (data, len(ancdata), bool(flags & socket.MSG_CTRUNC)))
for level, kind, payload in ancdata:
    for fd in array.array('i', payload):
        socket.close(fd)

show('bad ancillary', lambda: left.sendmsg([b'z'], [(socket.SOL_SOCKET, 99, b'')]))

datagrams = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
datagrams[0].send(b'0123456789')
show('truncated datagram', lambda: datagrams[1].recvmsg(4))
show('datagram peer', lambda: datagrams[0].getpeername())

packets = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
packets[0].sendmsg([b'one ', b'record'])
packets[0].send(b'two')
show('seqpacket records', lambda: (packets[1].recv(100), packets[1].recv(100)))

udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(('127.0.0.1', 0))
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
show('sendmsg to an address', lambda: sender.sendmsg([b'da', b'tagram'], [], 0, udp.getsockname()))
data, ancdata, flags, address = udp.recvmsg(100)
show('recvmsg from', lambda: (data, ancdata, flags, address == sender.getsockname()))
show('cmsg sizes', lambda: (socket.CMSG_LEN(0), socket.CMSG_LEN(4), socket.CMSG_SPACE(4), socket.CMSG_SPACE(12)))
