"""How waitress runs the app: the one place wsgi.py and the benchmark ask."""

import os
import sys
import warnings

DEFAULT_THREADS = 8

# Measured (notes on issue 3): on CPython 3.11 (pyenv's 3.11.7 and Debian's
# 3.11.2) a mixed load on 8 waitress threads crashed the server with SIGSEGV
# within 20 s in every run, on SQLite and on PostgreSQL, always while the cyclic
# garbage collector was running. With the collector switched off, or on CPython
# 3.12, whose collector runs only between bytecodes, no run crashed. One
# thread is slower but safe, so that is what 3.11 gets.
THREADS_ARE_SAFE = sys.version_info >= (3, 12)


def worker_threads(requested=None):
    """Waitress worker threads: THREADS (default 8), but only one on Python 3.11."""
    threads = max(1, requested or int(os.environ.get("THREADS", DEFAULT_THREADS)))
    if threads > 1 and not THREADS_ARE_SAFE:
        warnings.warn(
            f"Python {sys.version.split()[0]} can crash with several server threads; "
            "serving with one. Use Python 3.12 or newer for more.",
            RuntimeWarning,
            stacklevel=2,
        )
        return 1
    return threads
