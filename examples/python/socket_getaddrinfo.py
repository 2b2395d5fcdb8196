"""Print every address getaddrinfo() gives for a host and the http service.

Usage: socket_getaddrinfo.py [host]   (default: localhost)
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

for response in socket.getaddrinfo(host, 'http'):
    family, socktype, proto, canonname, sockaddr = response

    print('Family        :', families[family])
    print('Type          :', types[socktype])
    print('Protocol      :', protocols[proto])
    print('Canonical name:', canonname)
    print('Socket address:', sockaddr)
    print()
