"""How a script runs: its name, arguments, file, path, tracebacks and
exit handlers."""

import atexit
import os
import sys
import traceback

print('name:', __name__)
print('argv:', os.path.basename(sys.argv[0]), sys.argv[1:])
print('file:', os.path.isabs(__file__), os.path.basename(__file__))
print('path:', sys.path[0] == os.path.dirname(__file__))

try:
    raise ValueError('boom')
except ValueError:
    print('traceback:', traceback.format_exc().splitlines()[1].strip())

atexit.register(print, 'exit handler ran')
print('done')
