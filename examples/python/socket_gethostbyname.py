"""Look up the IPv4 address of some host names; a name that does not resolve
prints the resolver's error instead.

Usage: socket_gethostbyname.py [name ...]
"""

import socket
import sys

HOSTS = sys.argv[1:] or ['localhost', 'ip6-localhost', 'nonexistent.invalid']

for host in HOSTS:
    try:
        print('{} : {}'.format(host, socket.gethostbyname(host)))
    except socket.error as msg:
        print('{} : {}'.format(host, msg))
