"""Throughput and latency of the main pages: `python scripts/benchmark.py --help`.

By default it seeds a throw-away SQLite database with demo data, serves the
app with waitress in a child process on a free loopback port, lets CLIENTS
threads request the pages in turn for DURATION seconds, and prints
requests per second, p50/p95/p99 latency and errors per page. With
--database-url it serves an existing database instead (nothing is added to
it); with --url it measures a site that is already running. Nothing leaves
this machine, and the temporary database is deleted at the end.

--flow-inspector both serves the same database from two processes, the
flow inspector off in one and on in the other, measures them in turns
(--rounds) and compares the two (its cost, issue 11).

Client and server share this machine's cores, so the numbers are for
comparing changes, not a promise about production.
"""

import argparse
import faulthandler
import http.client
import logging
import multiprocessing
import os
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The access log is written as in production, to a file nobody reads: its cost counts, its
# lines do not cover the results.
DEMO_CONFIG = {"BLOG_ENV": "development", "RATELIMIT_ENABLED": False, "MAIL_SERVER": None,
               "ACCESS_LOG_FILE": os.devnull}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--url", help="measure this running site, e.g. http://127.0.0.1:8000")
    target.add_argument("--database-url", help="serve this existing database (not seeded)")
    parser.add_argument("--seed-users", type=int, default=200)
    parser.add_argument("--seed-articles", type=int, default=10_000)
    parser.add_argument("--seed-comments", type=int, default=20_000)
    parser.add_argument("--seed-likes", type=int, default=50_000)
    parser.add_argument("--seed-follows", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--duration", type=float, default=10, help="seconds to run (10)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (8)")
    parser.add_argument("--pages", help="only the pages whose names start with one of these "
                        "comma-separated words, e.g. home,article")
    parser.add_argument("--flow-inspector", choices=("off", "on", "both"), default="off",
                        help="serve with FLOW_INSPECTOR off (as in production), on (as on "
                        "`make run`), or both, taking turns, and compare (off)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="turns of DURATION seconds each server takes (1)")
    return parser.parse_args(argv)


def make_app(database_url, flow_inspector=False):
    from blog import create_app

    return create_app(DEMO_CONFIG | {
        "DATABASE_URL": database_url, "SECRET_KEY": secrets.token_urlsafe(32),
        "FLOW_INSPECTOR": flow_inspector,
    })


def seed_database(database_url, args):
    """Create the schema and add demo data in bulk; prints how long it took."""
    from flask_migrate import upgrade

    from blog.cli import DEMO_PASSWORD
    from blog.extensions import db
    from blog.seed import Seeder

    app = make_app(database_url)
    with app.app_context():
        logging.disable(logging.INFO)  # Alembic's configuration would log every migration
        upgrade()
        logging.disable(logging.NOTSET)
        started = time.perf_counter()
        seeder = Seeder(DEMO_PASSWORD, seed=1)
        seeder.add_members(args.seed_users)
        seeder.add_articles(args.seed_articles, args.seed_comments, args.seed_likes)
        seeder.add_follows(args.seed_follows)
        seeder.refresh_statistics()
        db.session.commit()
        db.engine.dispose()
    counts = seeder.counts
    print(f"Seeded {counts.users:,} members, {counts.articles:,} articles, "
          f"{counts.comments:,} comments, {counts.likes:,} likes, {counts.follows:,} follows "
          f"in {time.perf_counter() - started:.1f} s")


def pages_from_database(database_url):
    """The pages to request, named after real rows: the most liked article, and so on."""
    from sqlalchemy import func, select

    from blog.extensions import db
    from blog.models import Article, Tag, User, article_tags

    app = make_app(database_url)
    with app.app_context():
        slug = db.session.scalar(select(Article.slug).where(Article.status == "published")
                                 .order_by(Article.likes_count.desc()).limit(1))
        tag = db.session.scalar(select(Tag.name).join(article_tags).group_by(Tag.name)
                                .order_by(func.count().desc()).limit(1))
        username = db.session.scalar(
            select(User.username).join(Article, Article.author_id == User.id)
            .group_by(User.username).order_by(func.count().desc()).limit(1)
        )
        db.engine.dispose()
    return page_list(slug, tag, username)


def pages_from_html(host, port):
    """The pages to request, with names found in links on the home page (for --url)."""
    html = fetch(host, port, "/?tab=latest")[1]

    def first(pattern):
        match = re.search(pattern, html)
        return match.group(1) if match else None

    return page_list(first(r'href="/articles/([^"/?#]+)"'), first(r'href="/t/([^"/?#]+)"'),
                     first(r'href="/@([^"/?#]+)"'))


def page_list(slug, tag, username):
    pages = [("home, latest", "/?tab=latest"), ("home, top of all time", "/?tab=top&period=all")]
    pages += [(name, path) for name, path, found in [
        ("article", f"/articles/{slug}", slug), ("tag", f"/t/{tag}", tag),
        ("profile", f"/@{username}", username)] if found]
    pages.append(("Atom feed", "/feed.atom"))
    pages.append(("API articles", "/api/articles"))
    if tag:
        pages.append(("API tag", f"/api/articles?tag={tag}"))
    return [*pages, ("API tags", "/api/tags")]


def serve(database_url, threads, port_queue, flow_inspector=False):
    """Child process: the app under waitress on a free loopback port, reported back."""
    from blog.serving import create_server

    faulthandler.enable()  # a crash in the server prints where it happened
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    # The settings wsgi.py serves with (threads: one on Python 3.11).
    server = create_server(make_app(database_url, flow_inspector), "127.0.0.1", 0, threads)
    port_queue.put(server.effective_port)
    server.run()


def fetch(host, port, path, connection=None):
    """GET path; returns (status, body text)."""
    connection = connection or http.client.HTTPConnection(host, port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def run_clients(host, port, pages, clients, duration):
    """Each client requests every page in turn, on one keep-alive connection, until time is up."""
    results = defaultdict(list)  # path -> [(seconds, status or None for a failure)]
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(offset):
        connection, mine = http.client.HTTPConnection(host, port, timeout=30), []
        start.wait()
        deadline, turn = time.perf_counter() + duration, offset
        while time.perf_counter() < deadline:
            path = pages[turn % len(pages)][1]
            turn += 1
            began = time.perf_counter()
            try:
                status = fetch(host, port, path, connection)[0]
            except (OSError, http.client.HTTPException):
                status = None
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
            mine.append((path, time.perf_counter() - began, status))
        connection.close()
        with lock:
            for path, seconds, status in mine:
                results[path].append((seconds, status))

    workers = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    return results, time.perf_counter() - began


def report(pages, results, elapsed):
    """One line per page and a total: answered requests/s and their latency, and errors.

    An error is a failed connection or a 5xx answer. Returns {page name: (req/s, p50, p99)}.
    """
    print(f"{'page':<22} {'path':<34} {'status':<8} {'reqs':>6} {'req/s':>7} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}")
    rows = [(name, path, results[path]) for name, path in pages]
    rows.append(("all", "", [sample for _, _, samples in rows for sample in samples]))
    figures = {}
    for name, path, samples in rows:
        if not samples:
            continue
        answered = [seconds * 1000 for seconds, s in samples if s is not None and s < 500]
        statuses = sorted({str(s) for _, s in samples if s is not None})
        p50, p95, p99 = percentiles(answered) if answered else (0, 0, 0)
        figures[name] = (len(answered) / elapsed, p50, p99)
        print(f"{name:<22} {path[:34]:<34} {','.join(statuses)[:8]:<8} {len(answered):>6} "
              f"{len(answered) / elapsed:>7.1f} {p50:>7.1f} {p95:>7.1f} {p99:>7.1f} "
              f"{len(samples) - len(answered):>6}")
    return figures


def compare(off, on):
    """The flow inspector's cost per page: req/s and latency off and on, and on/off."""
    print("\nFlow inspector off -> on (on/off: req/s below 1 and latency above 1 mean slower)")
    print(f"{'page':<22} {'req/s off':>9} {'on':>7} {'on/off':>6}  {'p50 off':>7} {'on':>6} "
          f"{'on/off':>6}  {'p99 off':>7} {'on':>6} {'on/off':>6}")
    for name in off:
        if name not in on:
            continue
        row = [f"{name:<22}"]
        for index, width in ((0, 9), (1, 7), (2, 7)):
            before, after = off[name][index], on[name][index]
            ratio = after / before if before else float("nan")
            row.append(f"{before:>{width}.1f} {after:>6.1f} {ratio:>6.2f} ")
        print(" ".join(row))


def percentiles(values):
    if len(values) < 2:
        return values * 3
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def warm_up(host, port, pages, what):
    print(f"Warming up {what}:")
    for name, path in pages:
        print(f"  {fetch(host, port, path)[0]}  {path}  ({name})")


def measure(host, port, pages, args, what):
    warm_up(host, port, pages, what)
    print(f"{args.clients} clients for {args.duration:g} s...")
    results, elapsed = run_clients(host, port, pages, args.clients, args.duration)
    return report(pages, results, elapsed)


def chosen(pages, wanted):
    """The pages whose names start with one of the comma-separated words in `wanted` (None: all)."""
    if not wanted:
        return pages
    words = [word.strip() for word in wanted.split(",") if word.strip()]
    return [(name, path) for name, path in pages if name.startswith(tuple(words))]


def start_server(database_url, threads, flow_inspector):
    """A child process serving `database_url` on a free loopback port: (process, port)."""
    context = multiprocessing.get_context("spawn")
    port_queue = context.Queue()
    server = context.Process(target=serve, daemon=True,
                             args=(database_url, threads, port_queue, flow_inspector))
    server.start()
    try:
        return server, port_queue.get(timeout=60)
    except BaseException:
        server.terminate()
        raise


def measure_servers(database_url, pages, args, modes):
    """Serve once per flow inspector mode; returns {mode: report()'s figures}.

    With two servers they take turns, args.rounds each (off, on, on, off, ...),
    so a change in the machine's load falls on both alike.
    """
    servers = {mode: start_server(database_url, args.threads, mode) for mode in modes}
    words = {False: "off", True: "on"}
    try:
        results = {mode: defaultdict(list) for mode in modes}
        elapsed = dict.fromkeys(modes, 0.0)
        for mode, (_, port) in servers.items():
            warm_up("127.0.0.1", port, pages, f"waitress ({args.threads} threads) at "
                    f"http://127.0.0.1:{port}, flow inspector {words[mode]}")
        for turn in range(args.rounds):
            for mode in modes if turn % 2 == 0 else modes[::-1]:
                print(f"Flow inspector {words[mode]}: {args.clients} clients for "
                      f"{args.duration:g} s...")
                found, took = run_clients("127.0.0.1", servers[mode][1], pages, args.clients,
                                          args.duration)
                for path, samples in found.items():
                    results[mode][path] += samples
                elapsed[mode] += took
        figures = {}
        for mode in modes:
            print(f"\nFlow inspector {words[mode]}:")
            figures[mode] = report(pages, results[mode], elapsed[mode])
        for mode, (process, _) in servers.items():
            if process.exitcode is not None:
                print(f"The server ({words[mode]}) died during the run "
                      f"(exit code {process.exitcode}).")
        return figures
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.join(timeout=10)


def main(argv=None):
    args = parse_args(argv)
    if args.url:
        parts = urlsplit(args.url)
        host, port = parts.hostname, parts.port or 80
        measure(host, port, chosen(pages_from_html(host, port), args.pages), args, args.url)
        return
    with tempfile.TemporaryDirectory(prefix="blog-bench-") as tmp:
        database_url = args.database_url
        if not database_url:
            database_url = f"sqlite:///{tmp}/bench.sqlite3"
            seed_database(database_url, args)
        pages = chosen(pages_from_database(database_url), args.pages)
        modes = {"off": [False], "on": [True], "both": [False, True]}[args.flow_inspector]
        figures = measure_servers(database_url, pages, args, modes)
        if len(modes) == 2:
            compare(figures[False], figures[True])


if __name__ == "__main__":
    main()
