"""TCP echo server on every local address (INADDR_ANY).

Usage: socket_echo_server_any.py [port]   (default: 10000)
"""

import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 10000

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.bind(('', port))
print('starting up on {} port {}'.format(*sock.getsockname()))
sock.listen(1)

while True:
    print('waiting for a connection')
    connection, client_address = sock.accept()
    try:
        print('client connected:', client_address)
        while True:
            data = connection.recv(16)
            print('received {!r}'.format(data))
            if not data:
                break
            connection.sendall(data)
    finally:
        connection.close()
