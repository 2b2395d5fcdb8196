"""The socket object: attributes, modes, addresses and the errors of
misuse, as Linux reports them."""

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


sock = socket.socket()
show('family', lambda: repr(sock.family))
show('type', lambda: repr(sock.type))
show('proto', lambda: sock.proto)
show('timeout', sock.gettimeout)
show('blocking', sock.getblocking)
sock.settimeout(2.5)
show('timeout mode', lambda: (sock.gettimeout(), sock.getblocking(), sock.timeout))
sock.setblocking(False)
show('non-blocking', lambda: (sock.gettimeout(), sock.getblocking()))
sock.setblocking(True)
show('bad timeout', lambda: sock.settimeout(-1))
show('timeout as text', lambda: sock.settimeout('1'))
show('unbound name', sock.getsockname)
show('peer of unconnected', sock.getpeername)
show('shutdown of unconnected', lambda: sock.shutdown(socket.SHUT_RDWR))
show('bind a string', lambda: sock.bind('localhost'))
show('bind a bad port', lambda: sock.bind(('127.0.0.1', 70000)))
sock.bind(('127.0.0.1', 0))
host, port = sock.getsockname()
show('bound host', lambda: host)
show('bind again', lambda: sock.bind(('127.0.0.1', 0)))
other = socket.socket()
show('address in use', lambda: other.bind(('127.0.0.1', port)))
other.close()
sock.close()
show('fileno after close', sock.fileno)
show('recv after close', lambda: sock.recv(1))
show('closing twice', sock.close)

show('connect_ex to a closed port', lambda: socket.socket().connect_ex(('127.0.0.1', port)))
show('connect to a closed port', lambda: socket.socket().connect(('127.0.0.1', port)))
show('unknown family', lambda: socket.socket(12345, socket.SOCK_STREAM))
show('unknown type', lambda: socket.socket(socket.AF_INET, 99))

datagram = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
datagram.bind(('127.0.0.1', 0))
show('listen on a datagram socket', lambda: datagram.listen())
show('send unconnected datagram', lambda: datagram.send(b'x'))
show('send a str', lambda: datagram.sendto('text', ('127.0.0.1', port)))
datagram.close()

listener = socket.create_server(('127.0.0.1', 0))
show('accepting', lambda: listener.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN))
client = socket.create_connection(listener.getsockname(), timeout=5)
server, address = listener.accept()
show('client timeout', client.gettimeout)
show('accepted timeout', server.gettimeout)
show('peer is client', lambda: server.getpeername() == client.getsockname())
show('address is peer', lambda: address == server.getpeername())
show('send', lambda: client.send(b'hello'))
show('recv', lambda: server.recv(1024))
show('sendto on a connected stream', lambda: client.sendto(b'x', ('127.0.0.1', 9)))
writer = client.makefile('wb')
reader = server.makefile('rb')
writer.write(b'a line\n')
writer.flush()
show('makefile', reader.readline)
writer.close()
reader.close()
server.settimeout(0.05)
show('recv timeout', lambda: server.recv(1))
server.setblocking(False)
show('recv would block', lambda: server.recv(1))
server.setblocking(True)
client.shutdown(socket.SHUT_WR)
show('recv after peer shutdown', lambda: server.recv(1))
with client, server, listener:
    pass
show('closed by with', lambda: (client.fileno(), server.fileno(), listener.fileno()))

socket.setdefaulttimeout(3.0)
show('default timeout', lambda: socket.socket().gettimeout())
socket.setdefaulttimeout(None)
show('default timeout reset', lambda: socket.socket().gettimeout())
show('nonblocking type flag', lambda: socket.socket(type=socket.SOCK_STREAM | socket.SOCK_NONBLOCK).gettimeout())
