"""TCP echo client built on create_connection(), which tries each address
of the host in turn; it names the family, type and protocol it got.

Usage: socket_echo_client_easy.py [host] [port]   (default: localhost 10000)
"""

import socket
import sys


def constant_names(prefix):
    """Map the values of the socket module's constants starting with
    prefix back to their names."""
    return {
        getattr(socket, name): name
        for name in dir(socket)
        if name.startswith(prefix)
    }


families = constant_names('AF_')
types = constant_names('SOCK_')
protocols = constant_names('IPPROTO_')

host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 10000

sock = socket.create_connection((host, port))

print('Family  :', families[sock.family])
print('Type    :', types[sock.type])
print('Protocol:', protocols[sock.proto])
print()

try:
    message = b'This is the message.  It will be repeated.'
    print('sending {!r}'.format(message))
    sock.sendall(message)

    received = 0
    while received < len(message):
        data = sock.recv(16)
        received += len(data)
        print('received {!r}'.format(data))
finally:
    print('closing socket')
    sock.close()
