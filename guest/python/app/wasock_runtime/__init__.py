"""What the Python component does besides sockets: pre-import the standard
library, run work submitted to thread pools in the calling thread, and run a
script as ``__main__``."""
