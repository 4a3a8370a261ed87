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
    """Serve with waitress on HOST:PORT (127.0.0.1:8000 by default), THREADS threads."""
    from waitress import serve

    from blog.serving import server_options, set_startup_objects_aside, set_up_logging

    set_up_logging()
    options = server_options(app.config)
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    name = app.config["SITE_NAME"]
    turns = app.extensions["app_turns"] or options["threads"]  # blog/web/turns.py
    print(f"Serving {name} at http://{host}:{port} with {options['threads']} threads "
          f"({min(turns, options['threads'])} at a time in the app), "
          f"up to {options['connection_limit']} connections  (Ctrl+C to stop)", flush=True)
    set_startup_objects_aside()
    serve(app, host=host, port=port, **options)


if __name__ == "__main__":
    main()
