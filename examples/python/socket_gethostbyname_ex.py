"""Look up the canonical name, aliases and IPv4 addresses of some host names.

Usage: socket_gethostbyname_ex.py [name ...]
"""

import socket
import sys

HOSTS = sys.argv[1:] or ['localhost', 'nonexistent.invalid']

for host in HOSTS:
    print(host)
    try:
        name, aliases, addresses = socket.gethostbyname_ex(host)
        print('  Hostname:', name)
        print('  Aliases :', aliases)
        print(' Addresses:', addresses)
    except socket.error as msg:
        print('ERROR:', msg)
    print()
