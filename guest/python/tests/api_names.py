"""Name services beyond the lookup examples, and their errors."""

import errno
import socket


def show(label, function):
    try:
        result = function()
    except Exception as exc:
        number = getattr(exc, 'errno', None)
        name = errno.errorcode.get(number, '') if isinstance(number, int) and number > 0 else ''
        result = '{}: {} {}'.format(type(exc).__name__, exc, name).strip()
    print('{}: {}'.format(label, result))


show('getnameinfo numeric', lambda: socket.getnameinfo(('127.0.0.1', 80), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV))
show('getnameinfo', lambda: socket.getnameinfo(('127.0.0.1', 80), 0))
show('getnameinfo udp', lambda: socket.getnameinfo(('127.0.0.1', 53), socket.NI_DGRAM))
show('getnameinfo ipv6', lambda: socket.getnameinfo(('::1', 22, 0, 0), socket.NI_NUMERICHOST))
show('getnameinfo not a tuple', lambda: socket.getnameinfo('127.0.0.1', 0))
show('getnameinfo not numeric', lambda: socket.getnameinfo(('localhost', 80), 0))
show('passive', lambda: socket.getaddrinfo(None, 0, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_PASSIVE))
show('numeric', lambda: socket.getaddrinfo('127.0.0.1', 53, type=socket.SOCK_DGRAM))
show('numeric ipv6', lambda: socket.getaddrinfo('::1', 'http', socket.AF_INET6, socket.SOCK_STREAM))
show('numeric only', lambda: socket.getaddrinfo('localhost', 80, flags=socket.AI_NUMERICHOST))
show('unknown service', lambda: socket.getaddrinfo('127.0.0.1', 'no-such-service'))
show('unknown name', lambda: socket.getaddrinfo('nonexistent.invalid', 80))
show('bad flags', lambda: socket.getaddrinfo('127.0.0.1', 80, flags=0x4000000))
show('bad port type', lambda: socket.getaddrinfo('127.0.0.1', 1.5))
show('gethostbyname numeric', lambda: socket.gethostbyname('127.1'))
show('gethostbyname wildcard', lambda: socket.gethostbyname(''))
show('gethostbyname broadcast', lambda: socket.gethostbyname('<broadcast>'))
show('gethostbyaddr unknown name', lambda: socket.gethostbyaddr('nonexistent.invalid'))
show('getservbyname udp', lambda: socket.getservbyname('domain', 'udp'))
show('getservbyname unknown', lambda: socket.getservbyname('no-such-service'))
show('getservbyport udp', lambda: socket.getservbyport(53, 'udp'))
show('getservbyport unknown', lambda: socket.getservbyport(1, 'udp'))
show('getservbyport range', lambda: socket.getservbyport(70000))
show('getprotobyname unknown', lambda: socket.getprotobyname('no-such-protocol'))
show('if_nametoindex', lambda: socket.if_nametoindex('lo'))
show('if_indextoname', lambda: socket.if_indextoname(1))
show('if_indextoname unknown', lambda: socket.if_indextoname(999999))
show('if_nameindex has lo', lambda: (1, 'lo') in socket.if_nameindex())
show('if_nametoindex unknown', lambda: socket.if_nametoindex('no-such-interface'))

show('inet_aton short form', lambda: socket.inet_aton('10.1'))
show('inet_aton bad', lambda: socket.inet_aton('300.1.1.1'))
show('inet_ntoa bad', lambda: socket.inet_ntoa(b'abc'))
show('inet_pton mapped', lambda: socket.inet_pton(socket.AF_INET6, '::ffff:10.0.0.1').hex())
show('inet_pton bad', lambda: socket.inet_pton(socket.AF_INET, '1.2.3'))
show('inet_pton bad family', lambda: socket.inet_pton(12345, '1.2.3.4'))
show('inet_ntop compressed', lambda: socket.inet_ntop(socket.AF_INET6, bytes.fromhex('20010db8000000000000000000000001')))
show('inet_ntop mapped', lambda: socket.inet_ntop(socket.AF_INET6, bytes.fromhex('00000000000000000000ffff0a000001')))
show('inet_ntop bad length', lambda: socket.inet_ntop(socket.AF_INET, b'\0' * 5))
show('byte order', lambda: (socket.htons(1), socket.ntohs(256), socket.htonl(1), socket.ntohl(16777216)))
show('htons range', lambda: socket.htons(70000))
