"""setsockopt and getsockopt: integers, structures and buffer lengths."""

import errno
import socket
import struct


def show(label, function):
    try:
        result = function()
    except Exception as exc:
        number = getattr(exc, 'errno', None)
        name = errno.errorcode.get(number, '') if isinstance(number, int) else ''
        result = '{}: {} {}'.format(type(exc).__name__, exc, name).strip()
    print('{}: {}'.format(label, result))


def roundtrip(sock, level, name, value):
    sock.setsockopt(level, name, value)
    return sock.getsockopt(level, name)


tcp = socket.socket()
S, T, IP = socket.SOL_SOCKET, socket.IPPROTO_TCP, socket.IPPROTO_IP
show('SO_REUSEADDR', lambda: roundtrip(tcp, S, socket.SO_REUSEADDR, 1))
show('SO_REUSEPORT', lambda: roundtrip(tcp, S, socket.SO_REUSEPORT, True))
show('SO_KEEPALIVE', lambda: roundtrip(tcp, S, socket.SO_KEEPALIVE, 1))
show('SO_KEEPALIVE off', lambda: roundtrip(tcp, S, socket.SO_KEEPALIVE, 0))
show('SO_RCVBUF', lambda: roundtrip(tcp, S, socket.SO_RCVBUF, 65536))
show('SO_TYPE', lambda: tcp.getsockopt(S, socket.SO_TYPE))
show('SO_DOMAIN', lambda: tcp.getsockopt(S, socket.SO_DOMAIN))
show('SO_PROTOCOL', lambda: tcp.getsockopt(S, socket.SO_PROTOCOL))
show('SO_ERROR', lambda: tcp.getsockopt(S, socket.SO_ERROR))
show('SO_ACCEPTCONN', lambda: tcp.getsockopt(S, socket.SO_ACCEPTCONN))
show('SO_LINGER', lambda: struct.unpack('ii', (tcp.setsockopt(S, socket.SO_LINGER, struct.pack('ii', 1, 5)), tcp.getsockopt(S, socket.SO_LINGER, 8))[1]))
show('SO_LINGER as int', lambda: tcp.getsockopt(S, socket.SO_LINGER))
show('SO_LINGER too short', lambda: tcp.setsockopt(S, socket.SO_LINGER, 1))
show('SO_RCVTIMEO', lambda: struct.unpack('ll', (tcp.setsockopt(S, socket.SO_RCVTIMEO, struct.pack('ll', 1, 500000)), tcp.getsockopt(S, socket.SO_RCVTIMEO, struct.calcsize('ll')))[1]))
show('TCP_NODELAY', lambda: roundtrip(tcp, T, socket.TCP_NODELAY, 1))
show('TCP_KEEPIDLE', lambda: roundtrip(tcp, T, socket.TCP_KEEPIDLE, 30))
show('TCP_KEEPINTVL', lambda: roundtrip(tcp, T, socket.TCP_KEEPINTVL, 7))
show('TCP_KEEPCNT', lambda: roundtrip(tcp, T, socket.TCP_KEEPCNT, 4))
show('TCP_USER_TIMEOUT', lambda: roundtrip(tcp, T, socket.TCP_USER_TIMEOUT, 1500))
show('TCP_MAXSEG', lambda: tcp.getsockopt(T, socket.TCP_MAXSEG))
show('TCP_CONGESTION', lambda: tcp.getsockopt(T, socket.TCP_CONGESTION, 16).rstrip(b'\0') != b'')
show('IP_TTL', lambda: roundtrip(tcp, IP, socket.IP_TTL, 32))
show('IP_TOS', lambda: roundtrip(tcp, IP, socket.IP_TOS, 0x10))
show('IP_TTL as bytes', lambda: (tcp.setsockopt(IP, socket.IP_TTL, struct.pack('i', 17)), tcp.getsockopt(IP, socket.IP_TTL, 4))[1])
show('unknown option', lambda: tcp.getsockopt(S, 12345))
show('bad buflen', lambda: tcp.getsockopt(S, socket.SO_TYPE, 0))

listener = socket.create_server(('127.0.0.1', 0))
show('SO_ACCEPTCONN listening', lambda: listener.getsockopt(S, socket.SO_ACCEPTCONN))
client = socket.create_connection(listener.getsockname())
server, _ = listener.accept()
show('TCP_INFO state', lambda: client.getsockopt(T, socket.TCP_INFO, 104)[0])
show('TCP_INFO length', lambda: len(client.getsockopt(T, socket.TCP_INFO, 104)))

udp6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
show('IPV6_V6ONLY', lambda: roundtrip(udp6, socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1))
show('IPV6_UNICAST_HOPS', lambda: roundtrip(udp6, socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 9))
show('IP_MULTICAST_TTL', lambda: roundtrip(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), IP, socket.IP_MULTICAST_TTL, 3))

unix = socket.socketpair()[0]
show('SO_PASSCRED', lambda: roundtrip(unix, S, socket.SO_PASSCRED, 1))
show('SO_PEERCRED size', lambda: len(unix.getsockopt(S, socket.SO_PEERCRED, 12)))
show('TCP option on a Unix socket', lambda: unix.getsockopt(T, socket.TCP_NODELAY))
