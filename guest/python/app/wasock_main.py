"""The Python component behind ``wasock python``: CPython with ``_socket``
and ``select`` on ``wasock:sockets``, the standard library pre-imported, and
a ``wasi:cli/run`` that runs the script the host hands over.

``_socket`` and ``select`` are installed first, before anything imports
``socket``, ``select`` or ``selectors``.
"""

import wasock_socket

wasock_socket.install()

import traceback  # noqa: E402

import wit_world.exports  # noqa: E402
from componentize_py_types import Err  # noqa: E402
from wasock_runtime import preload, script, threads  # noqa: E402

preload.preload()
threads.install()


class Run(wit_world.exports.Run):
    """``wasi:cli/run``."""

    def run(self):
        """Adopt inherited sockets and run the script; fail when it failed."""
        try:
            wasock_socket.adopt_inherited()
            status = script.run()
        except BaseException:
            traceback.print_exc()
            status = 1
        if status != 0:
            raise Err(None)
