"""The production entry point: python wsgi.py (waitress with blog/serving.py's settings).

`waitress-serve wsgi:app` works too, but with waitress's own defaults, which
100 idle connections exhaust: pass the flags from blog/serving.py then.
"""

import os

from blog import create_app
from blog.mailer import start_worker

app = create_app()
# Outbox delivery runs beside the web server; without it mail waits for `send-mail`.
start_worker(app)


def main():
    """Serve with waitress on HOST:PORT (127.0.0.1:8000 by default; PORT=0: a free port,
    printed), THREADS threads."""
    from blog.serving import create_server, set_startup_objects_aside, set_up_logging

    set_up_logging()
    host = os.environ.get("HOST", "127.0.0.1")
    server = create_server(app, host, int(os.environ.get("PORT", "8000")))
    # One address, or several (a HOST that names both IPv4 and IPv6): the port is theirs.
    port = getattr(server, "effective_port", None) or server.effective_listen[0][1]
    threads = server.adj.threads
    turns = app.extensions["app_turns"] or threads  # blog/web/turns.py
    print(f"Serving {app.config['SITE_NAME']} at http://{host}:{port} with "
          f"{threads} threads ({min(turns, threads)} at a time in the app), "
          f"up to {server.adj.connection_limit} connections  (Ctrl+C to stop)", flush=True)
    set_startup_objects_aside()
    server.run()


if __name__ == "__main__":
    main()
