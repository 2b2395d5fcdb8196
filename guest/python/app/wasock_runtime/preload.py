"""The standard library inside the component.

Only modules imported while the component is built are part of it: there is
no standard library on the guest's file system at run time. These are
imported then, so that a script may import any of them; others fail with
``ModuleNotFoundError``.
"""

import importlib

#: Modules a socket program is likely to import, and what they import.
MODULES = """
    abc argparse array ast asyncio atexit base64 binascii bisect calendar codecs collections
    collections.abc concurrent.futures contextlib contextvars copy csv dataclasses datetime
    decimal difflib email email.message email.parser email.utils encodings.idna enum errno
    fnmatch fractions functools getopt gettext glob gzip hashlib heapq hmac html html.parser
    http http.client http.server inspect io ipaddress itertools json linecache locale logging
    logging.handlers math mimetypes numbers operator optparse os pathlib pickle platform
    pprint queue random re reprlib secrets select selectors shlex shutil signal socket
    socketserver stat statistics string struct sys tempfile textwrap threading time timeit
    token tokenize traceback types typing unicodedata urllib urllib.error urllib.parse
    urllib.request uuid warnings weakref wsgiref.simple_server xml.dom.minidom
    xml.etree.ElementTree xmlrpc.client xmlrpc.server zipfile zlib
""".split()


def preload():
    """Import every module of :data:`MODULES`."""
    for name in MODULES:
        importlib.import_module(name)
