"""How waitress runs the app: the one place wsgi.py, the benchmark and the tests ask.

waitress's own defaults let 100 idle connections shut everyone else out for two
minutes (connection_limit 100, channel_timeout 120 s): a slow-client attack
from one machine. We take many more connections, drop silent ones sooner, and
look for them more often; the numbers are settings (SERVER_* in blog/config.py).
"""

import gc
import logging
import os
import sys
import warnings

try:
    import resource
except ImportError:  # Windows: no open-file limit to read or raise
    resource = None

DEFAULT_THREADS = 8

# Measured (notes on issue 3): on CPython 3.11 (pyenv's 3.11.7 and Debian's
# 3.11.2) a mixed load on 8 waitress threads crashed the server with SIGSEGV
# within 20 s in every run, on SQLite and on PostgreSQL, always while the cyclic
# garbage collector was running. With the collector switched off, or on CPython
# 3.12, whose collector runs only between bytecodes, no run crashed. One
# thread is slower but safe, so that is what 3.11 gets.
THREADS_ARE_SAFE = sys.version_info >= (3, 12)

# Open files the process needs besides its connections: the database pool,
# log files, an SMTP connection, waitress's wake-up pipe, the listening socket.
RESERVED_FILES = 100


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


def server_options(config, threads=None):
    """Every waitress setting we choose, as keyword arguments for serve() or create_server().

    May raise this process's open-file limit so the connection limit fits (see
    fit_connection_limit).
    """
    return {
        "threads": worker_threads(threads),
        "connection_limit": fit_connection_limit(config["SERVER_CONNECTION_LIMIT"]),
        "channel_timeout": config["SERVER_CHANNEL_TIMEOUT"],
        "cleanup_interval": config["SERVER_CLEANUP_INTERVAL"],
        # select() fails on descriptors numbered 1024 and up; poll() has no such limit.
        "asyncore_use_poll": True,
    }


def create_server(app, host, port, threads=None):
    """A waitress server for `app` on host:port (0: a free port), not yet running."""
    from waitress.server import create_server as waitress_server

    return waitress_server(app, host=host, port=port, **server_options(app.config, threads))


def plan_open_files(wanted, soft, hard):
    """(the soft limit to set or None, the connections that fit) for `wanted` connections.

    `soft` and `hard` are the process's open-file limits (RLIMIT_NOFILE, -1 for
    none). An unprivileged process may raise its soft limit up to the hard one.
    """
    needed = wanted + RESERVED_FILES
    if soft < 0 or soft >= needed:
        return None, wanted
    new_soft = needed if hard < 0 else min(needed, hard)
    room = new_soft - RESERVED_FILES
    return (new_soft if new_soft > soft else None), min(wanted, max(1, room))


def fit_connection_limit(wanted):
    """Raise the open-file limit for `wanted` connections; fewer, with a warning, if it cannot."""
    if resource is None:
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    new_soft, connections = plan_open_files(wanted, soft, hard)
    if new_soft is not None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (new_soft, hard))
    if connections < wanted:
        warnings.warn(
            f"The open-file limit ({new_soft or soft}) leaves room for {connections} "
            f"connections, not SERVER_CONNECTION_LIMIT={wanted}: raise it to at least "
            f"{wanted + RESERVED_FILES} (ulimit -n, or LimitNOFILE= in a systemd unit).",
            RuntimeWarning,
            stacklevel=2,
        )
    return connections


OWN_LOGS = ("blog.security", "blog.access")


def set_up_logging():
    """Python's logging as waitress sets it up, without printing our own logs twice.

    waitress.serve() calls logging.basicConfig(), which gives the root logger
    a stderr handler; the security event log and the access log have their
    own sinks (a file or stderr), and their lines reached the root handler
    too, so each line was printed twice. Call this before serving.
    """
    logging.basicConfig()  # what waitress does; it changes nothing when logging is set up
    for handler in logging.getLogger().handlers:
        handler.addFilter(lambda record: record.name not in OWN_LOGS)


def set_startup_objects_aside():
    """Take what starting the app built out of the cyclic garbage collector's sight.

    Modules, routes, the schema, compiled statements: about 130,000 objects that live
    as long as the process. Each full collection walked them all again, 43 to 95 ms
    with every thread held (measured on a 1k SQLite site, one process), so now and then
    one request in a hundred waited that long: a member's article page or the page
    comment cycle at 126 to 212 ms in the benchmark's p99. Frozen (gc.freeze), a full
    collection walks only what came after: 1 to 3 ms. Call once, just before serving.
    """
    gc.collect()  # what starting left as garbage is freed, not kept for good
    gc.freeze()
