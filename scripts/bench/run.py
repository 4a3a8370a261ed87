"""One run: the sites (a dataset each, served by one or two servers), the members logged
in on them, and every endpoint requested on every server in turn.

Two datasets (--seed-articles 1000,100000) are served side by side and measured
endpoint by endpoint in alternation, like the page cache on and off: whatever else the
machine is doing falls on both alike, so their ratio is worth more than two runs'.
"""

import contextlib
import os
import secrets
from dataclasses import dataclass, field

from . import endpoints as listed
from .server import plan_servers
from .wire import Connection, LoginFailed, cookie_header, log_in_api, log_in_page


@dataclass
class Site:
    """A dataset and what is measured on it."""

    name: str  # "1k", "100k": prefixes its servers' labels when there are several
    database_url: str
    targets: listed.Targets
    groups: dict  # group -> [Endpoint]
    servers: list = field(default_factory=list)
    credentials: dict = field(default_factory=dict)  # client index -> jar, csrf, token


def make_site(name, database_url, targets, args, prefix):
    site = Site(name, database_url, targets, {
        group: listed.chosen(found, args.pages)
        for group, found in listed.every_endpoint(targets, args.groups).items()})
    site.servers = plan_servers(args.page_cache, args.flow_inspector)
    if args.app_turns is not None:
        for server in site.servers:
            server.settings = server.settings | {"SERVER_APP_TURNS": args.app_turns}
    for server in site.servers:
        server.label = f"{name} {server.kind}" if prefix else server.kind
    return site


def log_in(site, port, members):
    """Each member logged in on a page (cookie, CSRF token) and through the API (token)."""
    from blog.cli import DEMO_PASSWORD

    connection = Connection("127.0.0.1", port)
    for index, (username, email) in enumerate(members):
        jar, csrf = log_in_page(connection, username, DEMO_PASSWORD,
                                f"/articles/{site.targets.short}")
        token = log_in_api(connection, email, DEMO_PASSWORD)
        site.credentials[index] = {"jar": jar, "csrf": csrf, "token": token}
    connection.close()


def warm_up(port, endpoint, credential):
    """One request to each read (it fills the page cache); writes are not warmed up."""
    if endpoint.group == "write":
        return
    headers = {}
    if endpoint.who == "member":
        headers["Cookie"] = cookie_header(credential["jar"])
    elif endpoint.who == "token":
        headers["Authorization"] = f"Token {credential['token']}"
    with contextlib.suppress(OSError):
        Connection("127.0.0.1", port).request("GET", endpoint.steps[0].path, headers)


def measure_ceilings(pairs, clients, args, results):
    ceiling = [listed.ceiling()]
    for _, server in pairs:
        if server.ceiling:
            tallies, _, elapsed = clients.run(server.port, ceiling, None, args.duration)
            results.add(server.label, ceiling, tallies, elapsed)


def measure(sites, clients, args, results):
    """The ceilings, then every endpoint (or group, with --mix) on every server that serves
    its group, in alternating order round by round, and the ceilings again after each
    group: a shared VM's speed moves with its neighbours, so the ceiling is the median of
    runs spread over the whole measurement (report.Results.ceiling)."""
    pairs = [(site, server) for site in sites for server in site.servers]
    measure_ceilings(pairs, clients, args, results)
    for turn in range(args.rounds):
        for group, endpoints in sites[0].groups.items():
            for index in [None] if args.mix else range(len(endpoints)):
                for site, server in pairs if turn % 2 == 0 else pairs[::-1]:
                    if group in server.groups and group in site.groups:
                        batch = site.groups[group]
                        run_one(site, server, batch if index is None else [batch[index]],
                                clients, args, results)
            measure_ceilings(pairs, clients, args, results)


def run_one(site, server, batch, clients, args, results):
    """One run of `batch` on `server`, its clients' cookies kept, and a line of progress."""
    credentials = site.credentials if batch[0].group != "visitor" else None
    for endpoint in batch:
        warm_up(server.port, endpoint, site.credentials.get(0))
    tallies, jars, elapsed = clients.run(server.port, batch, credentials, args.duration)
    for index, jar in jars.items():
        site.credentials[index]["jar"] = jar
    results.add(server.label, batch, tallies, elapsed)
    answered = sum(len(tally.seconds) for tally in tallies.values())
    errors = sum(tally.errors for tally in tallies.values())
    name = batch[0].name if len(batch) == 1 else f"all {len(batch)}"
    print(f"  [{server.label}] {batch[0].group:<7} {name[:36]:<36} "
          f"{answered / elapsed:>8.1f} req/s" + (f"  {errors} ERRORS" if errors else ""),
          flush=True)


def serve(sites, args):
    """Start every site's servers and log its members in (or leave out its member and
    write groups, saying why)."""
    from blog.web.turns import turns_for

    from .database import find_members

    secret_key = secrets.token_urlsafe(32)
    for site in sites:
        asked = os.environ.get("SERVER_APP_TURNS") if args.app_turns is None else args.app_turns
        turns = turns_for({"SERVER_APP_TURNS": asked}, site.database_url) or "no"
        for server in site.servers:
            server.start(site.database_url, secret_key, args.threads)
            print(f"Serving: {server.label} at http://127.0.0.1:{server.port} "
                  f"({args.threads} threads, {turns} turn{'s' if turns != 1 else ''} in the app; "
                  f"{', '.join(server.groups)})", flush=True)
        if "member" in site.groups or "write" in site.groups:
            members = find_members(site.database_url, args.clients, site.targets.author)
            try:
                log_in(site, site.servers[0].port, members)
            except LoginFailed as error:
                print(f"Members and writes left out on {site.name}: {error} "
                      "(not a seeded database?)")
                site.groups = {g: e for g, e in site.groups.items() if g == "visitor"}


def stop(sites, results):
    """Stop the servers; one that died during the run counts as an error."""
    for site in sites:
        for server in site.servers:
            if server.died():
                print(f"THE SERVER ({server.label}) DIED during the run "
                      f"(exit code {server.process.exitcode}).")
                results.tallies[(server.label, "server", "died")].errors += 1
            server.stop()
