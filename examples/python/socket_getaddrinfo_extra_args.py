"""getaddrinfo() narrowed to IPv4 TCP, asking for the canonical name.

Usage: socket_getaddrinfo_extra_args.py [host]   (default: localhost)
"""

import socket
import sys


def constant_names(prefix):
    """Map the values of the socket module's constants starting with
    prefix back to their names."""
    return {
        getattr(socket, name): name
        for name in dir(socket)
        if name.startswith(prefix)
    }


families = constant_names('AF_')
types = constant_names('SOCK_')
protocols = constant_names('IPPROTO_')

host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'

responses = socket.getaddrinfo(
    host=host,
    port='http',
    family=socket.AF_INET,
    type=socket.SOCK_STREAM,
    proto=socket.IPPROTO_TCP,
    flags=socket.AI_CANONNAME,
)

for response in responses:
    family, socktype, proto, canonname, sockaddr = response

    print('Family        :', families[family])
    print('Type          :', types[socktype])
    print('Protocol      :', protocols[proto])
    print('Canonical name:', canonname)
    print('Socket address:', sockaddr)
    print()
