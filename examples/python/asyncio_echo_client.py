"""Echo client built on asyncio streams: sends a few lines, reads each one
back, then closes.

Usage: asyncio_echo_client.py [host] [port]   (default: localhost 8888)
"""

import asyncio
import sys

MESSAGES = [
    b'This is the message.  ',
    b'It will be sent ',
    b'in parts.\n',
    b'And a second line.\n',
]


async def echo_client(host, port):
    reader, writer = await asyncio.open_connection(host, port)
    print('connected to {} port {}'.format(host, port))

    for message in MESSAGES:
        print('sending {!r}'.format(message))
        writer.write(message)
    await writer.drain()

    for _ in range(2):
        line = await reader.readline()
        print('received {!r}'.format(line))

    print('closing')
    writer.close()
    await writer.wait_closed()


host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8888
asyncio.run(echo_client(host, port))
