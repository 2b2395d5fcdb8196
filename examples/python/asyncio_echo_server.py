"""Echo server built on asyncio streams: each client's lines are sent back
until it closes its side.

Usage: asyncio_echo_server.py [host] [port]   (default: localhost 8888)
"""

import asyncio
import sys


async def handle_echo(reader, writer):
    address = writer.get_extra_info('peername')
    print('connection from', address)
    while True:
        data = await reader.readline()
        if not data:
            break
        print('received {!r}'.format(data))
        writer.write(data)
        await writer.drain()
    print('closing the connection from', address)
    writer.close()
    await writer.wait_closed()


async def main(host, port):
    server = await asyncio.start_server(handle_echo, host, port)
    address = server.sockets[0].getsockname()
    print('serving on {} port {}'.format(*address))
    async with server:
        await server.serve_forever()


host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8888
asyncio.run(main(host, port))
