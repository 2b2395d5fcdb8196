"""Print the name of this host (inside wasock: the name the policy shows)."""

import socket

print(socket.gethostname())
