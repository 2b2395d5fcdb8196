"""Look up protocol numbers, with the IPPROTO_ constant of the same value."""

import socket


def constant_names(prefix):
    """Map the values of the socket module's constants starting with
    prefix back to their names."""
    return {
        getattr(socket, name): name
        for name in dir(socket)
        if name.startswith(prefix)
    }


protocols = constant_names('IPPROTO_')

for name in ['icmp', 'udp', 'tcp']:
    proto_num = socket.getprotobyname(name)
    const_name = protocols[proto_num]
    print('{:>4} -> {:2d} (socket.{:<12} = {:2d})'.format(
        name, proto_num, const_name,
        getattr(socket, const_name)))
