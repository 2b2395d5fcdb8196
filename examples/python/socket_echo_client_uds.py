"""Unix-domain echo client: the TCP echo client on a socket file. When it
cannot connect it prints why and exits with status 1.

Usage: socket_echo_client_uds.py [path]   (default: ./uds_socket)
"""

import socket
import sys

server_address = sys.argv[1] if len(sys.argv) > 1 else './uds_socket'

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
print('connecting to {}'.format(server_address))
try:
    sock.connect(server_address)
except OSError as msg:
    print(msg)
    sys.exit(1)

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
