"""Echo server built on socketserver: one connection at a time, each
handled by an EchoRequestHandler that sends the client's data back.

Usage: socketserver_echo.py [host] [port]   (default: localhost 10000)
"""

import socketserver
import sys


class EchoRequestHandler(socketserver.BaseRequestHandler):
    """Read 16 bytes at a time and send them back until the client is done."""

    def handle(self):
        print('connection from', self.client_address)
        while True:
            data = self.request.recv(16)
            print('received {!r}'.format(data))
            if not data:
                break
            self.request.sendall(data)
        print('done with', self.client_address)


host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 10000

with socketserver.TCPServer((host, port), EchoRequestHandler) as server:
    print('serving on {} port {}'.format(*server.server_address))
    server.serve_forever()
