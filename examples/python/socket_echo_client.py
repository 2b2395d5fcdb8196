"""TCP echo client: sends a message and reads the echo back in pieces.

Usage: socket_echo_client.py [host] [port]   (default: localhost 10000)
"""

import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 10000

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
print('connecting to {} port {}'.format(host, port))
sock.connect((host, port))

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
