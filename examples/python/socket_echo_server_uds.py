"""Unix-domain echo server: the TCP echo server on a socket file.

Usage: socket_echo_server_uds.py [path]   (default: ./uds_socket)
"""

import os
import socket
import sys

server_address = sys.argv[1] if len(sys.argv) > 1 else './uds_socket'

# Remove a socket file left by an earlier run.
try:
    os.unlink(server_address)
except OSError:
    if os.path.exists(server_address):
        raise

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
print('starting up on {}'.format(server_address))
sock.bind(server_address)
sock.listen(1)

while True:
    print('waiting for a connection')
    connection, client_address = sock.accept()
    try:
        print('connection from', client_address)
        while True:
            data = connection.recv(16)
            print('received {!r}'.format(data))
            if not data:
                print('no data from', client_address)
                break
            print('sending data back to the client')
            connection.sendall(data)
    finally:
        connection.close()
