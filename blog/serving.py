"""Settings for the process that serves the app with waitress."""

import threading

# Measured: 16 clients asking at once for an article with ~160 comments
# crashed `python wsgi.py` (SIGSEGV inside sqlite3's fetchall) with the
# default 8 MiB worker stacks, 2 runs out of 2; with 32 MiB stacks the same
# load ran clean, 2 out of 2. The memory is reserved, not used, until needed.
# This is a mitigation, not the cause: scripts/benchmark.py's mixed load can
# still crash a multi-threaded server (see the notes on issue 3).
WORKER_STACK_BYTES = 32 * 1024 * 1024


def prepare_worker_threads():
    """Give threads started from now on (waitress's workers) a larger C stack."""
    threading.stack_size(WORKER_STACK_BYTES)
