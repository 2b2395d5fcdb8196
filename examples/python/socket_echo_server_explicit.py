"""TCP echo server on the address given on the command line.

Usage: socket_echo_server_explicit.py host [port]   (default port: 10000)
"""

import socket
import sys

server_name = sys.argv[1]
port = int(sys.argv[2]) if len(sys.argv) > 2 else 10000

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.bind((server_name, port))
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
