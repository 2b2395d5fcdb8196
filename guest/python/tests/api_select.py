"""select, poll, epoll and selectors on sockets."""

import select
import selectors
import socket

left, right = socket.socketpair()

print('select idle:', select.select([left], [left], [left], 0) == ([], [left], []))
right.send(b'x')
print('select readable:', select.select([left, left.fileno()], [], [], 5) == ([left, left.fileno()], [], []))
print('select nothing:', select.select([], [], [], 0.01))
left.recv(1)
print('select times out:', select.select([left], [], [], 0.05))
for bad in (float('nan'), float('inf')):
    try:
        select.select([left], [], [], bad)
    except (ValueError, OverflowError) as exc:
        print('select with timeout', bad, type(exc).__name__, exc)

poller = select.poll()
poller.register(left, select.POLLIN | select.POLLRDNORM)
print('poll idle:', poller.poll(0))
right.send(b'y')
print('poll readable:', [(fd == left.fileno(), events) for fd, events in poller.poll(5000)])
poller.modify(left, select.POLLOUT)
print('poll writable:', [(fd == left.fileno(), events) for fd, events in poller.poll(0)])
poller.unregister(left)
left.recv(1)
closed = socket.socket()
closed_fd = closed.fileno()
poller.register(closed_fd, select.POLLIN)
closed.close()
print('poll closed:', [(fd == closed_fd, events) for fd, events in poller.poll(0)])

with select.epoll() as epoll:
    epoll.register(left.fileno(), select.EPOLLIN)
    print('epoll idle:', epoll.poll(0))
    right.send(b'z')
    print('epoll level:', [events for fd, events in epoll.poll(5)], [events for fd, events in epoll.poll(0)])
    left.recv(1)
    epoll.modify(left.fileno(), select.EPOLLIN | select.EPOLLET)
    right.send(b'e')
    print('epoll edge:', [events for fd, events in epoll.poll(5)], epoll.poll(0))
    left.recv(1)
    epoll.modify(left.fileno(), select.EPOLLIN | select.EPOLLONESHOT)
    right.send(b'o')
    print('epoll oneshot:', [events for fd, events in epoll.poll(5)], epoll.poll(0))
    left.recv(1)
    epoll.unregister(left.fileno())
    try:
        epoll.unregister(left.fileno())
    except OSError as exc:
        print('epoll unregister twice:', type(exc).__name__, exc)
    right.close()
    epoll.register(left.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
    print('epoll hangup:', sorted(select.__dict__[name] for name in ('EPOLLIN', 'EPOLLRDHUP')), [events for fd, events in epoll.poll(5)])
print('epoll closed:', epoll.closed)

with selectors.DefaultSelector() as selector:
    print('default selector:', type(selector).__name__)
    a, b = socket.socketpair()
    selector.register(a, selectors.EVENT_READ, 'data for a')
    b.send(b'!')
    print('selector:', [(key.fileobj is a, key.data, mask) for key, mask in selector.select(5)])
