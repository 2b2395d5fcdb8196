"""TCP echo server: sends every client back what it sent, 16 bytes at a time.

Usage: socket_echo_server.py [host] [port]   (default: localhost 10000)
"""

import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 10000

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.bind((host, port))
sock.listen(1)
print('starting up on {} port {}'.format(host, sock.getsockname()[1]))

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
