"""TCP echo client for the server named on the command line.

Usage: socket_echo_client_explicit.py host [port]   (default port: 10000)
"""

import socket
import sys

server_address = (sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10000)

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
print('connecting to {} port {}'.format(*server_address))
sock.connect(server_address)

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
