"""The socket, select and errno modules look as they do on Linux."""

import errno
import os
import select
import socket

for name in [
    'AF_UNIX', 'AF_INET', 'AF_INET6', 'AF_PACKET', 'SOCK_STREAM', 'SOCK_DGRAM',
    'SOCK_SEQPACKET', 'SOCK_RAW', 'SOCK_NONBLOCK', 'SOCK_CLOEXEC', 'SO_REUSEADDR',
    'SO_REUSEPORT', 'SO_PEERCRED', 'SCM_RIGHTS', 'SCM_CREDENTIALS', 'MSG_PEEK',
    'MSG_NOSIGNAL', 'MSG_WAITALL', 'TCP_NODELAY', 'TCP_KEEPIDLE', 'TCP_INFO',
    'IPPROTO_TCP', 'IPPROTO_UDP', 'IPPROTO_IPV6', 'IPV6_V6ONLY', 'IP_TTL',
    'IP_MULTICAST_TTL', 'IP_ADD_MEMBERSHIP', 'AI_PASSIVE', 'AI_CANONNAME',
    'NI_NUMERICHOST', 'EAI_NONAME', 'EAI_AGAIN', 'SHUT_RDWR', 'SOMAXCONN',
    'INADDR_ANY', 'INADDR_LOOPBACK',
]:
    print(name, getattr(socket, name))

print(repr(socket.AddressFamily(1)), repr(socket.SocketKind(5)), repr(socket.MSG_PEEK))
print(socket.AF_INET6.name, socket.SOCK_DGRAM.name)
print(socket.socket.__mro__[1].__module__, socket.SocketType.__name__)
print(socket.timeout is TimeoutError, socket.error is OSError)
print(socket.gaierror.__module__, socket.gaierror.__name__, issubclass(socket.gaierror, OSError))
print(socket.herror.__module__, socket.herror.__name__, issubclass(socket.herror, OSError))
print(socket.has_ipv6)

print(errno.ECONNREFUSED, errno.EAGAIN, errno.EWOULDBLOCK, errno.EINPROGRESS, errno.EADDRINUSE)
print(errno.errorcode[111], errno.errorcode[98], os.strerror(errno.ECONNRESET))

print(select.POLLIN, select.POLLOUT, select.POLLRDHUP, select.EPOLLET, select.EPOLLONESHOT)
print(select.error is OSError, callable(select.select))
print(hasattr(select, 'poll'), hasattr(select, 'epoll'))
