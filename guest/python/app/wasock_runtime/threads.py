"""Thread pools without threads.

WASI 0.2 guests cannot start threads, so ``ThreadPoolExecutor`` runs each
submitted call at once, in the submitting thread, with the same worker
context (initializer included) a pool thread would use. Everything a pool
is used for still works, one call at a time: ``asyncio``'s
``run_in_executor`` and ``to_thread``, and its name lookups for host names.
Starting a ``threading.Thread`` still fails with ``RuntimeError``.
"""

from asyncio import base_events
from concurrent.futures import Future, thread


def _submit_inline(self, fn, /, *args, **kwargs):
    """``ThreadPoolExecutor.submit``, run before it returns."""
    if self._shutdown or thread._shutdown:
        raise RuntimeError("cannot schedule new futures after shutdown")
    context = self.__dict__.get("_inline_context")
    if context is None:
        context = self._create_worker_context()
        context.initialize()
        self._inline_context = context
    future = Future()
    thread._WorkItem(future, self._resolve_work_item_task(fn, args, kwargs)).run(context)
    return future


async def _shutdown_default_executor(self, timeout=None):
    """``BaseEventLoop.shutdown_default_executor`` without the helper thread
    it would start: with nothing running in the pool, shut it down here."""
    self._executor_shutdown_called = True
    if self._default_executor is not None:
        self._default_executor.shutdown(wait=True)


def install():
    """Make ``ThreadPoolExecutor`` run submitted calls inline, and
    ``asyncio`` shut its default executor down without a thread."""
    thread.ThreadPoolExecutor.submit = _submit_inline
    base_events.BaseEventLoop.shutdown_default_executor = _shutdown_default_executor
