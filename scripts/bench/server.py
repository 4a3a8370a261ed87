"""The app under waitress in a child process, with a hello-world WSGI app beside it.

Requests for CEILING_PATH go to the hello-world app before the blog sees them: the same
waitress server, threads and connection settings, so its req/s is the ceiling the
blog's pages are measured against, in the same run, from the same clients.
"""

import faulthandler
import logging
import multiprocessing
import os

from .endpoints import CEILING_PATH

# The access and security logs are written as in production, to a file nobody reads:
# their cost counts, their lines do not cover the results. Limits off: writes are
# measured, not refused.
DEMO_CONFIG = {"BLOG_ENV": "development", "RATELIMIT_ENABLED": False, "MAIL_SERVER": None,
               "ACCESS_LOG_FILE": os.devnull, "SECURITY_LOG_FILE": os.devnull,
               "FLOW_INSPECTOR": False}
HELLO = b"Hello, World!"


def make_app(database_url, secret_key, **settings):
    """The blog as the benchmark serves it: demo settings, then `settings`."""
    from blog import create_app

    return create_app(DEMO_CONFIG | {"DATABASE_URL": database_url, "SECRET_KEY": secret_key}
                      | settings)


def hello_world(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(HELLO)))])
    return [HELLO]


def with_ceiling(app):
    """`app`, but CEILING_PATH answered by hello_world."""

    def dispatch(environ, start_response):
        if environ.get("PATH_INFO") == CEILING_PATH:
            return hello_world(environ, start_response)
        return app(environ, start_response)

    return dispatch


def serve(database_url, secret_key, settings, threads, port_queue):
    """Child process: the app under waitress on a free loopback port, reported back."""
    from waitress.server import create_server

    from blog.serving import server_options, set_startup_objects_aside

    faulthandler.enable()  # a crash in the server prints where it happened
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = make_app(database_url, secret_key, **settings)
    # The settings wsgi.py serves with (threads: one on Python 3.11).
    server = create_server(with_ceiling(app), host="127.0.0.1", port=0,
                           **server_options(app.config, threads))
    set_startup_objects_aside()  # as wsgi.py does
    port_queue.put(server.effective_port)
    server.run()


class Server:
    """One child process serving the app with `settings`; `label` names it in the tables."""

    def __init__(self, label, settings, groups, ceiling=True):
        self.label, self.settings, self.groups = label, settings, groups
        self.kind = label  # what it is, when the label also names the dataset
        self.ceiling = ceiling  # whether it serves CEILING_PATH
        self.process = self.port = None

    def start(self, database_url, secret_key, threads):
        context = multiprocessing.get_context("spawn")
        port_queue = context.Queue()
        self.process = context.Process(
            target=serve, daemon=True,
            args=(database_url, secret_key, self.settings, threads, port_queue))
        self.process.start()
        try:
            self.port = port_queue.get(timeout=120)
        except BaseException:
            self.stop()
            raise

    def died(self):
        return self.process is not None and self.process.exitcode is not None

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.join(timeout=10)


def plan_servers(page_cache, flow_inspector):
    """The servers to compare: by default the page cache on (every group) and off (visitors).

    --flow-inspector both compares the inspector off and on instead; the page cache is
    off in both, since the inspector's pages are never cached: only their work compares.
    """
    everything = ("visitor", "member", "write")
    if flow_inspector == "both":
        return [Server(f"inspector {word}", {"FLOW_INSPECTOR": on, "PAGE_CACHE": False},
                       everything) for word, on in (("off", False), ("on", True))]
    inspector = {"FLOW_INSPECTOR": flow_inspector == "on"}
    cached = Server("cached", inspector | {"PAGE_CACHE": True}, everything)
    if page_cache == "on":
        return [cached]
    miss = Server("miss", inspector | {"PAGE_CACHE": False},
                  ("visitor",) if page_cache == "both" else everything)
    return [cached, miss] if page_cache == "both" else [miss]
