"""The production entry point: waitress-serve wsgi:app, or python wsgi.py."""

import os

from blog import create_app
from blog.outbox import start_worker

app = create_app()
# Outbox delivery runs beside the web server; without it mail waits for `send-mail`.
start_worker(app)


def main():
    """Serve with waitress on HOST:PORT (127.0.0.1:8000 by default), THREADS threads."""
    from waitress import serve

    from blog.serving import worker_threads

    threads = worker_threads()
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    name = app.config["SITE_NAME"]
    print(f"Serving {name} at http://{host}:{port} with {threads} threads  (Ctrl+C to stop)",
          flush=True)
    serve(app, host=host, port=port, threads=threads)


if __name__ == "__main__":
    main()
