"""Look up the host name, aliases and addresses of an address.

Usage: socket_gethostbyaddr.py [address]   (default: 127.0.0.1)
"""

import socket
import sys

hostname, aliases, addresses = socket.gethostbyaddr(sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1')

print('Hostname :', hostname)
print('Aliases  :', aliases)
print('Addresses:', addresses)
