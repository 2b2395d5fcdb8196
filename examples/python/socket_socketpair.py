"""socketpair(): two connected Unix sockets. One end plays the parent and
sends 'ping'; the other plays the child and answers 'pong'. (The classic
version forks; both ends live in this one process here.)
"""

import socket

parent, child = socket.socketpair()

parent.sendall(b'ping')

message = child.recv(1024)
print('message from parent: {!r}'.format(message))
child.sendall(b'pong')
child.close()

response = parent.recv(1024)
print('response from child: {!r}'.format(response))
parent.close()
