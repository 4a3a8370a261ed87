"""Throughput and latency of every page and API endpoint, against the ceiling of the same
server in the same run: `python scripts/benchmark.py --help`.

By default it seeds a throw-away SQLite database (1,000 articles, and two articles with
10 and 10,000 comments), serves the app with waitress in child processes on free loopback
ports, the page cache on in one and off in the other, and lets CLIENTS clients request
one endpoint at a time for DURATION seconds: visitors' pages and public API GETs on both
servers (cached, and a miss), members' pages (a session cookie) and API GETs (a token),
and writes (like, follow, comment, favorite; each undone in the same cycle). The same
waitress also serves a hello-world WSGI app: its req/s, measured first and last with the
same clients, is the ceiling each endpoint's req/s is a share of. It prints req/s,
p50/p99 latency, share of the ceiling and errors per endpoint; any answer but the one
expected is an error, listed loudly, and the exit status is 1.

--postgres seeds a PostgreSQL database instead (created beside the one named, dropped at
the end); --database-url serves an existing database; --url measures a running site as a
visitor. --flow-inspector both compares the flow inspector off and on (issue 11).
Nothing leaves this machine. Client and server share its cores, so the numbers are for
comparing changes, and the shares for comparing with the ceiling, not promises.
"""

import contextlib
import os
import re
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from bench import endpoints as listed  # noqa: E402 - found through the path above
from bench import targets  # noqa: E402
from bench.load import Clients  # noqa: E402
from bench.options import parse_args, sizes  # noqa: E402
from bench.report import (  # noqa: E402
    Results,
    print_comparison,
    print_errors,
    print_tables,
    save,
)
from bench.server import plan_servers  # noqa: E402
from bench.wire import Connection, LoginFailed, log_in_api, log_in_page  # noqa: E402


def targets_from_html(host, port):
    """What to request on a running site: names found in links on its home page."""
    html = Connection(host, port).request("GET", "/?tab=latest").text()

    def first(pattern):
        match = re.search(pattern, html)
        return match.group(1) if match else ""

    slug = first(r'href="/articles/([^"/?#]+)"')
    return listed.Targets(first(r'href="/t/([^"/?#]+)"'), first(r'href="/@([^"/?#]+)"'),
                          slug, None, slug, None)


def log_in(port, members, targets):
    """Each member logged in on a page (cookie, CSRF token) and through the API (token)."""
    from blog.cli import DEMO_PASSWORD

    connection, credentials = Connection("127.0.0.1", port), {}
    for index, (username, email) in enumerate(members):
        jar, csrf = log_in_page(connection, username, DEMO_PASSWORD, f"/articles/{targets.short}")
        token = log_in_api(connection, email, DEMO_PASSWORD)
        credentials[index] = {"jar": jar, "csrf": csrf, "token": token}
    connection.close()
    return credentials


def warm_up(port, endpoint, credential):
    """One request to each read (it fills the page cache); writes are not warmed up."""
    if endpoint.group == "write":
        return
    step = endpoint.steps[0]
    headers = {}
    if endpoint.who == "member":
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in credential["jar"].items())
    elif endpoint.who == "token":
        headers["Authorization"] = f"Token {credential['token']}"
    with contextlib.suppress(OSError):
        Connection("127.0.0.1", port).request("GET", step.path, headers)


def measure(servers, groups, credentials, clients, args, results):
    """Every endpoint (or group, with --mix) on every server that serves its group."""
    ceiling = [listed.ceiling()]
    for server in servers:
        if server.ceiling:
            results.add(server.label, ceiling, *_run(clients, server.port, ceiling, None,
                                                     args)[::2])
    for turn in range(args.rounds):
        for group, endpoints in groups.items():
            for batch in [endpoints] if args.mix else [[e] for e in endpoints]:
                for server in servers if turn % 2 == 0 else servers[::-1]:
                    if group not in server.groups:
                        continue
                    for endpoint in batch:
                        warm_up(server.port, endpoint, credentials.get(0))
                    tallies, jars, elapsed = _run(clients, server.port, batch,
                                                  credentials if group != "visitor" else None,
                                                  args)
                    for index, jar in jars.items():
                        if index in credentials:
                            credentials[index]["jar"] = jar
                    results.add(server.label, batch, tallies, elapsed)
                    answered = sum(len(t.seconds) for t in tallies.values())
                    errors = sum(t.errors for t in tallies.values())
                    name = batch[0].name if len(batch) == 1 else f"all {len(batch)}"
                    print(f"  [{server.label}] {group:<7} {name[:36]:<36} "
                          f"{answered / elapsed:>8.1f} req/s"
                          + (f"  {errors} ERRORS" if errors else ""), flush=True)
    for server in servers:
        if server.ceiling:
            results.add(server.label, ceiling, *_run(clients, server.port, ceiling, None,
                                                     args)[::2])


def _run(clients, port, batch, credentials, args):
    return clients.run(port, batch, credentials, args.duration)


def serve_and_measure(database_url, targets, args):
    """Start the servers and the clients, log the members in, measure: the Results."""
    servers = plan_servers(args.page_cache, args.flow_inspector)
    groups = {group: listed.chosen(found, args.pages) for group, found
              in listed.every_endpoint(targets, args.groups).items()}
    secret_key = secrets.token_urlsafe(32)
    results, credentials = Results(), {}
    clients = Clients(args.clients, args.client_processes)
    try:
        for server in servers:
            server.start(database_url, secret_key, args.threads)
            print(f"Serving: {server.label} at http://127.0.0.1:{server.port} "
                  f"({args.threads} threads; {', '.join(server.groups)})")
        if "member" in groups or "write" in groups:
            from bench.database import find_members

            members = find_members(database_url, args.clients, targets.author)
            try:
                credentials = log_in(servers[0].port, members, targets)
            except LoginFailed as error:
                print(f"Members and writes left out: {error} (not a seeded database?)")
                groups = {g: e for g, e in groups.items() if g == "visitor"}
        print(f"{args.clients} clients ({args.client_processes} processes), "
              f"{args.duration:g} s per {'group' if args.mix else 'endpoint'}, "
              f"{args.rounds} round(s); load average {os.getloadavg()[0]:.2f}", flush=True)
        measure(servers, groups, credentials, clients, args, results)
        for server in servers:
            if server.died():
                print(f"THE SERVER ({server.label}) DIED during the run "
                      f"(exit code {server.process.exitcode}).")
                results.tallies[(server.label, "server", "died")].errors += 1
    finally:
        clients.close()
        for server in servers:
            server.stop()
    return results, servers


def measure_running_site(args):
    """--url: a site on this machine, as a visitor (no ceiling: it is not served by us)."""
    from bench.server import Server

    parts = urlsplit(args.url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("--url: a site on this machine only (loopback)")
    site = Server(args.url, {}, ("visitor",), ceiling=False)
    site.port = parts.port or 80
    targets = targets_from_html("127.0.0.1", site.port)
    groups = {"visitor": listed.chosen(listed.visitor_reads(targets), args.pages)}
    results, clients = Results(), Clients(args.clients, args.client_processes)
    try:
        measure([site], groups, {}, clients, args, results)
    finally:
        clients.close()
    return results, [site]


def measure_seeded_site(args, meta):
    """Seed (or take --database-url), serve and measure."""
    from bench.database import find_targets, seed, throwaway

    with contextlib.ExitStack() as stack:
        if args.database_url:
            database_url, discussions = args.database_url, None
        else:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="blog-bench-"))
            database_url = stack.enter_context(throwaway(args.postgres, folder))
            discussions = seed(database_url, sizes(args), args.discussions)
            meta["seeded"] = sizes(args)
        meta["database"] = database_url.split(":", 1)[0].split("+", 1)[0]
        targets = find_targets(database_url, discussions)
        meta["targets"] = targets.__dict__
        print(f"Measuring: tag {targets.tag!r}, @{targets.author}, articles with "
              f"{targets.short_comments:,} and {targets.long_comments:,} comments", flush=True)
        return serve_and_measure(database_url, targets, args)


def main(argv=None):
    args = parse_args(__doc__.splitlines()[0], argv)
    started, load_before = time.perf_counter(), os.getloadavg()
    meta = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "clients": args.clients,
            "threads": args.threads, "duration": args.duration, "mix": args.mix,
            "rounds": args.rounds, "python": sys.version.split()[0], "cores": os.cpu_count()}
    if args.url:
        results, servers = measure_running_site(args)
    else:
        results, servers = measure_seeded_site(args, meta)
    print_tables(results)
    if args.flow_inspector == "both":
        print_comparison(results, servers[0].label, servers[1].label)
    if results.ceilings:
        print("\n" + "\n".join(targets.summary({"meta": meta} | results.as_json())))
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
