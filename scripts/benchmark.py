"""Throughput and latency of every page and API endpoint, against the ceiling of the same
server in the same run: `python scripts/benchmark.py --help`.

By default it seeds a throw-away SQLite database (1,000 articles, and two articles with
10 and 10,000 comments), serves the app with waitress in child processes on free loopback
ports, the page cache on in one and off in the other, and lets CLIENTS clients request
one endpoint at a time for DURATION seconds: visitors' pages and public API GETs on both
servers (cached, and a miss), members' pages (a session cookie) and API GETs (a token),
and writes (like, follow, comment, favorite; each undone in the same cycle). The same
waitress also serves a hello-world WSGI app: its req/s, measured first and after each
group with the same clients (the median of those runs), is the ceiling each endpoint's
req/s is a share of. It prints req/s,
p50/p99 latency, share of the ceiling and errors per endpoint; any answer but the one
expected is an error, listed loudly, and the exit status is 1.

--postgres seeds a PostgreSQL database instead (created beside the one named, dropped at
the end); --database-url serves an existing database; --url measures a running site as a
visitor. --flow-inspector both compares the flow inspector off and on (issue 11).
Nothing leaves this machine. Client and server share its cores, so the numbers are for
comparing changes, and the shares for comparing with the ceiling, not promises.
"""

import contextlib
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from bench import endpoints as listed  # noqa: E402 - found through the path above
from bench.load import Clients  # noqa: E402
from bench.options import parse_args, sizes  # noqa: E402
from bench.report import (  # noqa: E402
    Results,
    print_comparison,
    print_errors,
    print_tables,
    save,
)
from bench.run import Site, make_site, measure, serve, stop  # noqa: E402
from bench.server import Server  # noqa: E402
from bench.targets import datasets, summary  # noqa: E402
from bench.wire import Connection  # noqa: E402


def targets_from_html(host, port):
    """What to request on a running site: names found in links on its home page."""
    html = Connection(host, port).request("GET", "/?tab=latest").text()

    def first(pattern):
        match = re.search(pattern, html)
        return match.group(1) if match else ""

    slug = first(r'href="/articles/([^"/?#]+)"')
    return listed.Targets(first(r'href="/t/([^"/?#]+)"'), first(r'href="/@([^"/?#]+)"'),
                          slug, None, slug, None)


def running_site(args):
    """--url: a site on this machine, as a visitor (no ceiling: it is not served by us)."""
    parts = urlsplit(args.url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("--url: a site on this machine only (loopback)")
    server = Server(args.url, {}, ("visitor",), ceiling=False)
    server.port = parts.port or 80
    targets = targets_from_html("127.0.0.1", server.port)
    return Site(args.url, args.url, targets,
                {"visitor": listed.chosen(listed.visitor_reads(targets), args.pages)}, [server])


def size_name(articles):
    return f"{articles // 1000}k" if articles >= 1000 and articles % 1000 == 0 else str(articles)


def seeded_sites(args, meta, stack):
    """A site per dataset: seeded in a throw-away database, or --database-url's."""
    from bench.database import find_targets, seed, throwaway

    if args.database_url:
        found = [("database", args.database_url, None, find_targets(args.database_url))]
    else:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="blog-bench-"))
        found = []
        for articles in args.seed_articles:
            name = size_name(articles)
            url = stack.enter_context(throwaway(args.postgres, f"{folder}/{name}.sqlite3"))
            discussions = seed(url, sizes(args, articles), args.discussions)
            found.append((name, url, sizes(args, articles), find_targets(url, discussions)))
    sites = []
    for name, url, seeded, targets in found:
        sites.append(make_site(name, url, targets, args, prefix=len(found) > 1))
        meta["datasets"][name] = {"seeded": seeded, "targets": targets.__dict__,
                                  "database": url.split(":", 1)[0].split("+", 1)[0]}
        print(f"Measuring {name}: tag {targets.tag!r}, @{targets.author}, articles with "
              f"{targets.short_comments:,} and {targets.long_comments:,} comments", flush=True)
    return sites


def measure_everything(args, meta, results):
    """Seed, serve, measure; everything started is stopped, every database dropped."""
    with contextlib.ExitStack() as stack:
        if args.url:
            sites = [running_site(args)]
        else:
            sites = seeded_sites(args, meta, stack)
            stack.callback(stop, sites, results)
            serve(sites, args)
        clients = Clients(args.clients, args.client_processes)
        stack.callback(clients.close)
        print(f"{args.clients} clients ({args.client_processes} processes), "
              f"{args.duration:g} s per {'group' if args.mix else 'endpoint'}, "
              f"{args.rounds} round(s); load average {os.getloadavg()[0]:.2f}", flush=True)
        measure(sites, clients, args, results)
    return sites


def _exit_on_sigterm(signum, frame):
    # Killed without this, the servers and client processes kept serving and measuring
    # after the script was gone. They stop now; then a SystemExit unwinds as an error
    # would, and the temporary databases go.
    for child in multiprocessing.active_children():
        child.terminate()
    sys.exit(128 + signum)


def main(argv=None):
    args = parse_args(__doc__.splitlines()[0], argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    started, load_before = time.perf_counter(), os.getloadavg()
    meta = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "clients": args.clients,
            "threads": args.threads, "app_turns": args.app_turns,
            "duration": args.duration, "mix": args.mix,
            "rounds": args.rounds, "python": sys.version.split()[0], "cores": os.cpu_count(),
            "datasets": {}}
    results = Results()
    sites = measure_everything(args, meta, results)
    meta["servers"] = {server.label: {"dataset": site.name, "server": server.kind}
                       for site in sites for server in site.servers}
    print_tables(results)
    if args.flow_inspector == "both":
        for site in sites:
            print_comparison(results, site.servers[0].label, site.servers[1].label)
    if results.ceilings:
        print("\n" + "\n".join(summary(datasets({"meta": meta} | results.as_json()))))
    errors = print_errors(results)
    meta |= {"load_before": load_before, "load_after": os.getloadavg(), "errors": errors,
             "seconds": round(time.perf_counter() - started)}
    print(f"Took {meta['seconds']} s; load average before {load_before[0]:.2f}, "
          f"after {meta['load_after'][0]:.2f} (1 min; {os.cpu_count()} cores)")
    if args.save:
        save(args.save, meta, results)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
