"""Running the script ``wasock python`` was given, as CPython runs a script
file: in a fresh ``__main__`` module, with ``sys.argv`` as given, its
directory first on ``sys.path``, tracebacks showing its lines, ``atexit``
handlers run at the end.

The host reads the script and hands over its text and absolute path in the
environment variables below, which the script does not see.
"""

import atexit
import builtins
import linecache
import os
import sys
import types

import componentize_py_types
import wit_world

SOURCE_VARIABLE = "WASOCK_PYTHON_SOURCE"
FILE_VARIABLE = "WASOCK_PYTHON_FILE"


def _configure_streams():
    """Buffer standard output by line on a terminal or with
    ``PYTHONUNBUFFERED`` set (as ``python -u``), and standard error always,
    as CPython does."""
    unbuffered = bool(os.environ.get("PYTHONUNBUFFERED"))
    if unbuffered or sys.stdout.isatty():
        sys.stdout.reconfigure(line_buffering=True, write_through=unbuffered)
    sys.stderr.reconfigure(line_buffering=True, write_through=unbuffered)


def _reseed():
    """Seed ``random`` afresh: the component was built with it imported, so
    its generator would otherwise start from the same state every run."""
    random = sys.modules.get("random")
    if random is not None:
        random.seed()


def _main_module(path):
    module = types.ModuleType("__main__")
    module.__file__ = path
    module.__cached__ = None
    module.__builtins__ = builtins
    sys.modules["__main__"] = module
    return module


#: Where the component's own modules and the generated bindings live while
#: it is built; their frames stand for C code in CPython and are left out
#: of tracebacks.
def _import_root(module):
    """The directory ``module`` was imported from (above its package)."""
    path = module.__file__
    depth = module.__name__.count(".") + 1 + (os.path.basename(path) == "__init__.py")
    for _ in range(depth):
        path = os.path.dirname(path)
    return path + os.sep


_OWN_FILES = tuple(
    _import_root(module) for module in (sys.modules[__name__], componentize_py_types, wit_world)
)


def _hide_own_frames(error, seen=None):
    """Drop the runner's and the socket shim's frames from the tracebacks
    of ``error`` and of the exceptions chained to it."""
    seen = set() if seen is None else seen
    if error is None or id(error) in seen:
        return
    seen.add(id(error))
    frames = []
    tb = error.__traceback__
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(_OWN_FILES):
            frames.append(tb)
        tb = tb.tb_next
    rebuilt = None
    for frame in reversed(frames):
        rebuilt = types.TracebackType(rebuilt, frame.tb_frame, frame.tb_lasti, frame.tb_lineno)
    error.with_traceback(rebuilt)
    _hide_own_frames(error.__cause__, seen)
    if not error.__suppress_context__:
        _hide_own_frames(error.__context__, seen)


def _exit_status(code):
    """The status of ``SystemExit(code)``, printing a non-integer code as
    CPython does. WASI 0.2 reports only success and failure."""
    if code is None or code == 0:
        return 0
    if not isinstance(code, int):
        print(code, file=sys.stderr)
    return 1


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def run():
    """Run the script; return 0 when it succeeded and 1 when it failed."""
    source = os.environ.pop(SOURCE_VARIABLE, None)
    path = os.environ.pop(FILE_VARIABLE, None)
    if source is None or path is None:
        print("wasock python: no script was handed to the interpreter", file=sys.stderr)
        return 1
    _configure_streams()
    _reseed()
    sys.path.insert(0, os.path.dirname(path))
    linecache.cache[path] = (len(source), None, source.splitlines(True), path)
    module = _main_module(path)
    try:
        exec(compile(source, path, "exec"), module.__dict__)
        status = 0
    except SystemExit as exit:
        status = _exit_status(exit.code)
    except BaseException as error:
        _hide_own_frames(error)
        sys.excepthook(type(error), error, error.__traceback__)
        status = 1
    try:
        atexit._run_exitfuncs()
    except SystemExit as exit:
        status = _exit_status(exit.code)
    _flush()
    return status
