"""Thread pools and asyncio's executor: host-name lookups and calls run
in the pool."""

import asyncio
import concurrent.futures
import socket


async def main():
    print('to_thread:', await asyncio.to_thread(sum, [1, 2, 3]))
    loop = asyncio.get_running_loop()
    found = await loop.getaddrinfo('localhost', 80, family=socket.AF_INET, type=socket.SOCK_STREAM)
    print('loop.getaddrinfo:', [(family.name, kind.name, address) for family, kind, _, _, address in found])
    listener = socket.create_server(('127.0.0.1', 0))
    reader, writer = await asyncio.open_connection('localhost', listener.getsockname()[1])
    print('open_connection by name:', writer.get_extra_info('peername') == listener.getsockname())
    writer.close()
    await writer.wait_closed()
    listener.close()


asyncio.run(main())

with concurrent.futures.ThreadPoolExecutor(max_workers=1, initializer=print, initargs=('worker started',)) as pool:
    print('submit:', pool.submit(pow, 2, 10).result())
    print('map:', list(pool.map(len, ['a', 'bb', 'ccc'])))
