"""The figures: req/s, p50/p95/p99 and share of the ceiling per endpoint and server; the
errors, loudly; the flow inspector's comparison; and the results saved as JSON."""

import json
import statistics
from collections import defaultdict

from .load import Tally

GROUP_TITLES = {"visitor": "Visitors: pages and public API GETs (no cookie, no token)",
                "member": "Members: pages with a session cookie, API GETs with a token",
                "write": "Writes (each member its own client; every cycle undoes itself)"}


def percentiles(values):
    """p50, p95, p99 of `values` (seconds) in milliseconds."""
    values = [v * 1000 for v in values]
    if len(values) < 2:
        return (values * 3) if values else [0.0] * 3
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


class Results:
    """Every run's tallies, by (server label, group, row), over every round."""

    def __init__(self):
        self.tallies = defaultdict(Tally)
        self.elapsed = defaultdict(float)
        self.rows = {}  # (group, row) -> (path, the cycle's step rows or None), in order
        self.ceilings = defaultdict(list)  # label -> req/s of each ceiling run

    def add(self, label, endpoints, tallies, elapsed):
        for endpoint in endpoints:
            steps = [step.row for step in endpoint.steps]
            if len(steps) > 1:
                self.rows.setdefault((endpoint.group, endpoint.name), ("", steps))
            for step in endpoint.steps:
                path = step.path.replace("{location}", "(where it redirected)")
                self.rows.setdefault((endpoint.group, step.row), (path, None))
                self.elapsed[(label, endpoint.group, step.row)] += elapsed
        for (group, row), tally in tallies.items():
            self.tallies[(label, group, row)].merge(tally)
        if endpoints and endpoints[0].group == "ceiling":
            self.ceilings[label].append(len(tallies[("ceiling", endpoints[0].name)].seconds)
                                        / elapsed)

    def ceiling(self, label):
        runs = self.ceilings.get(label)
        return statistics.median(runs) if runs else None

    def labels(self, group):
        return [label for label in dict.fromkeys(k[0] for k in self.tallies) if any(
            key[:2] == (label, group) for key in self.tallies)]

    def figures(self, label, group, row):
        """{reqs, rps, p50, p95, p99, errors, statuses, share} or None when not measured."""
        path, steps = self.rows[(group, row)]
        keys = [(label, group, step) for step in (steps or [row])]
        if not all(key in self.tallies for key in keys):
            return None
        tally = Tally()
        for key in keys:
            tally.merge(self.tallies[key])
        elapsed = self.elapsed[keys[0]]
        rps = len(tally.seconds) / elapsed if elapsed else 0.0
        p50, p95, p99 = percentiles(tally.seconds)
        ceiling = self.ceiling(label)
        return {"path": path, "reqs": len(tally.seconds), "rps": rps, "p50": p50, "p95": p95,
                "p99": p99, "errors": tally.errors, "statuses": dict(tally.statuses),
                "share": 100 * rps / ceiling if ceiling else None}

    def as_json(self):
        rows = []
        for label in dict.fromkeys(k[0] for k in self.tallies):
            for group, row in self.rows:
                found = self.figures(label, group, row)
                if found:
                    found["statuses"] = {str(k): v for k, v in found["statuses"].items()}
                    steps = self.rows[(group, row)][1]
                    rows.append({"server": label, "group": group, "row": row,
                                 "cycle": steps or None} | found)
        return {"ceiling": {label: self.ceiling(label) for label in self.ceilings},
                "ceiling_runs": dict(self.ceilings), "rows": rows}


def cell(found):
    if found is None:
        return f"{'':>8} {'':>7} {'':>7} {'':>6} {'':>4}"
    share = f"{found['share']:.1f}" if found["share"] is not None else "-"
    errors = f"{found['errors']}" if not found["errors"] else f"{found['errors']}!"
    return (f"{found['rps']:>8.1f} {found['p50']:>7.1f} {found['p99']:>7.1f} {share:>6} "
            f"{errors:>4}")


def print_tables(results):
    """One table per group: a block of columns for each server that served it."""
    for label in results.ceilings:
        runs = ", ".join(f"{rps:,.0f}" for rps in results.ceilings[label])
        print(f"\nCeiling, {label}: hello-world WSGI app on the same waitress: "
              f"{results.ceiling(label):,.0f} req/s (runs: {runs})")
    for group, title in GROUP_TITLES.items():
        labels = results.labels(group)
        if not labels:
            continue
        print(f"\n{title}\n{'':<32} {'':<30} " + " | ".join(f"{label:^36}" for label in labels))
        print(f"{'endpoint':<32} {'path':<30} " + " | ".join(
            f"{'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'%ceil':>6} {'err':>4}" for _ in labels))
        in_cycles = {(g, step) for (g, _), (_, steps) in results.rows.items()
                     for step in steps or ()}
        for (row_group, row), (path, _) in results.rows.items():
            if row_group != group:
                continue
            name = f"  {row}" if (group, row) in in_cycles else row
            cells = [cell(results.figures(label, group, row)) for label in labels]
            print(f"{name[:32]:<32} {path[:30]:<30} " + " | ".join(cells))


def print_errors(results):
    """Every row with an error, its statuses and the first answers; returns the count."""
    total = sum(tally.errors for tally in results.tallies.values())
    requests = sum(sum(tally.statuses.values()) for tally in results.tallies.values())
    if not total:
        print(f"\n0 errors in {requests:,} requests (every answer had the expected status).")
        return 0
    print(f"\n{'!' * 78}\nERRORS: {total:,} of {requests:,} requests did not get the expected "
          "answer")
    for (label, group, row), tally in results.tallies.items():
        if tally.errors:
            statuses = ", ".join(f"{status}: {n}" for status, n in tally.statuses.items())
            print(f"  [{label}] {group} / {row}: {tally.errors} errors ({statuses})")
            for example in tally.examples:
                print(f"      {example[:600]!r}")
    print("!" * 78)
    return total


def print_comparison(results, before, after):
    """The flow inspector's cost: req/s and latency on each server, and after/before."""
    print(f"\n{before} -> {after} (ratio: req/s below 1 and latency above 1 mean slower)")
    print(f"{'endpoint':<32} {'req/s':>8} {'':>7} {'ratio':>6}  {'p50':>7} {'':>7} "
          f"{'ratio':>6}  {'p99':>7} {'':>7} {'ratio':>6}")
    for group, row in results.rows:
        one, two = (results.figures(label, group, row) for label in (before, after))
        if not (one and two):
            continue
        cells = []
        for name in ("rps", "p50", "p99"):
            ratio = two[name] / one[name] if one[name] else float("nan")
            cells.append(f"{one[name]:>8.1f} {two[name]:>7.1f} {ratio:>6.2f}")
        print(f"{(group + ': ' + row)[:32]:<32} " + "  ".join(cells))


def save(path, meta, results):
    with open(path, "w", encoding="utf-8") as file:
        json.dump({"meta": meta} | results.as_json(), file, indent=1)
    print(f"Saved the results in {path}")
