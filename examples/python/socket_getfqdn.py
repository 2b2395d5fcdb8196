"""Print the fully qualified name of some host names.

Usage: socket_getfqdn.py [name ...]
"""

import socket
import sys

for host in sys.argv[1:] or ['localhost', socket.gethostname()]:
    print('{:>10} : {}'.format(host, socket.getfqdn(host)))
