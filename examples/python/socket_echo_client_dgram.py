"""UDP echo client: sends one datagram and waits for it to come back.

Usage: socket_echo_client_dgram.py [host] [port]   (default: localhost 10000)
"""

import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 10000

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
message = b'This is the message.  It will be repeated.'

try:
    print('sending {!r}'.format(message))
    sent = sock.sendto(message, (host, port))

    print('waiting to receive')
    data, server = sock.recvfrom(4096)
    print('received {!r}'.format(data))
finally:
    print('closing socket')
    sock.close()
