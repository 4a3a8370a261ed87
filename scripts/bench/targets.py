"""Issue 13's targets checked against saved benchmark results, as a Markdown table.

    python scripts/bench/targets.py [--brief] results.json [more.json]

Each file is what `scripts/benchmark.py --save FILE.json` wrote. With two datasets (one
run of --seed-articles 1000,100000, or two files) each endpoint also shows the second's
req/s and p99 as a multiple of the first's. The targets (measured with 8 clients):

- visitors' pages and public API GETs: >= 30 % of the ceiling cached, >= 5 % on a miss;
- members' pages and API GETs: >= 5 %; writes: >= 3 % and p99 <= 100 ms;
- from the smaller dataset to the larger, and from the short discussion to the long one
  (10 to 10,000 comments): req/s within 0.8x, p99 within 1.3x.

A write's figures are its whole cycle's (like + unlike, comment + delete, ...). --brief
names the targets an endpoint misses instead of giving every figure again.
Standard library only: it runs on its own, or is imported by the benchmark.
"""

import json
import sys

SHARES = {"cached": 30, "miss": 5, "member": 5, "write": 3}
WRITE_P99_MS = 100
KEEPS_RPS, KEEPS_P99 = 0.8, 1.3
# What a failed check of each kind is called in a brief table (--brief).
BRIEF = {"share": "share", "p99": "p99", "discussion": "long discussion", "growth": "growth",
         "errors": "errors"}


def load(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def endpoints(run):
    """{(server, group, row): figures}: whole endpoints (a cycle, not its steps)."""
    steps = {(r["group"], step) for r in run["rows"] for step in r.get("cycle") or ()}
    return {(r["server"], r["group"], r["row"]): r for r in run["rows"]
            if (r["group"], r["row"]) not in steps and r["group"] != "ceiling"}


def share_wanted(server, group):
    if group == "visitor":
        return SHARES["cached"] if server == "cached" else SHARES["miss"]
    return SHARES[group]


def short_twin(row, run):
    """The same endpoint on the short discussion, for a row of the long one (else None)."""
    found = run["meta"].get("targets") or {}
    short, long = found.get("short_comments"), found.get("long_comments")
    if not (short and long) or f"{long:,}" not in row:
        return None
    return row.replace(f"{long:,}", f"{short:,}")


def grows(before, after, what, kind):
    """Checks that `after` kept up with `before`: req/s within 0.8x, p99 within 1.3x."""
    rps = after["rps"] / before["rps"] if before["rps"] else 0.0
    p99 = after["p99"] / before["p99"] if before["p99"] else float("inf")
    return [(rps >= KEEPS_RPS, f"req/s x{rps:.2f} {what}", kind),
            (p99 <= KEEPS_P99, f"p99 x{p99:.2f} {what}", kind)]


def checks(key, runs):
    """[(met, what, kind)] for one endpoint over the runs it was measured in; the kinds
    are the keys of BRIEF."""
    server, group, row = key
    found = []
    for run in runs:
        figures = endpoints(run).get(key)
        if figures is None:
            continue
        size = size_name(run)
        wanted = share_wanted(server, group)
        if figures["share"] is not None:
            found.append((figures["share"] >= wanted,
                          f"{figures['share']:.1f} % < {wanted} % at {size}", "share"))
        if group == "write":
            found.append((figures["p99"] <= WRITE_P99_MS,
                          f"p99 {figures['p99']:.0f} > {WRITE_P99_MS} ms at {size}", "p99"))
        twin = endpoints(run).get((server, group, short_twin(row, run)))
        if twin:
            found += grows(twin, figures, f"vs {short_twin(row, run)!r} at {size}",
                           "discussion")
        if figures["errors"]:
            found.append((False, f"{figures['errors']} errors at {size}", "errors"))
    measured = [endpoints(run).get(key) for run in runs[:2]]
    if len(runs) > 1 and all(measured):
        found += grows(*measured, f"{size_name(runs[0])} -> {size_name(runs[1])}", "growth")
    return found


def size_name(run):
    articles = (run["meta"].get("seeded") or {}).get("articles")
    if articles is None:
        return "the database"
    return f"{articles // 1000}k" if articles >= 1000 and articles % 1000 == 0 else f"{articles}"


def cell(figures):
    if figures is None:
        return ""
    share = f" · {figures['share']:.1f} %" if figures["share"] is not None else ""
    return f"{figures['rps']:,.0f}{share} · {figures['p50']:.0f}/{figures['p99']:.0f} ms"


def verdict(results, brief):
    failed = [(what, kind) for ok, what, kind in results if not ok]
    if not failed:
        return "met"
    if brief:
        return "**not met**: " + ", ".join(dict.fromkeys(BRIEF[kind] for _, kind in failed))
    return "**not met**: " + "; ".join(what for what, _ in failed)


def table(runs, brief=False):
    """The Markdown table's lines, and (targets met, targets checked)."""
    names = [f"{size_name(run)} ({run['meta'].get('database', '?')})" for run in runs]
    lines = ["| Endpoint | Server | " + " | ".join(f"{n}: req/s · ceiling · p50/p99" for n in names)
             + (" | growth: req/s, p99 |" if len(runs) > 1 else " |") + " Targets |",
             "|" + " --- |" * (3 + len(runs) + (len(runs) > 1))]
    ceilings = [f"{run['ceiling'].get('cached') or next(iter(run['ceiling'].values()), 0):,.0f}"
                for run in runs]
    lines.append("| hello-world WSGI app (the ceiling) | same waitress | "
                 + " | ".join(ceilings) + (" | |" if len(runs) > 1 else " |") + " |")
    met = checked = 0
    keys = list(dict.fromkeys(key for run in runs for key in endpoints(run)))
    order, first_seen = {"visitor": 0, "member": 1, "write": 2}, {}
    for _, group, row in keys:
        first_seen.setdefault((group, row), len(first_seen))
    # Visitors' endpoints each cached then on a miss, then members', then writes.
    keys.sort(key=lambda k: (order.get(k[1], 3), first_seen[k[1:]], k[0] != "cached"))
    for key in keys:
        server, group, row = key
        found = [endpoints(run).get(key) for run in runs]
        results = checks(key, runs)
        met += sum(ok for ok, _, _ in results)
        checked += len(results)
        growth = ""
        if len(runs) > 1:
            growth = (f" x{found[1]['rps'] / found[0]['rps']:.2f}, "
                      f"x{found[1]['p99'] / found[0]['p99']:.2f} |"
                      if all(found) and found[0]["rps"] and found[0]["p99"] else " |")
        lines.append(f"| {group}: {row} | {server} | " + " | ".join(cell(f) for f in found)
                     + f" |{growth} {verdict(results, brief)} |")
    return lines, (met, checked)


def datasets(saved):
    """A saved run as one run per dataset it measured, its servers named without the
    dataset ("1k cached" -> "cached")."""
    meta, servers = saved["meta"], saved["meta"].get("servers") or {}
    if not meta.get("datasets"):
        return [saved]  # a running site's (--url)
    found = []
    for name, about in meta["datasets"].items():
        kinds = {label: s["server"] for label, s in servers.items() if s["dataset"] == name}
        found.append({
            "meta": meta | about | {"dataset": name},
            "ceiling": {kinds[label]: v for label, v in saved["ceiling"].items() if label in kinds},
            "rows": [row | {"server": kinds[row["server"]]} for row in saved["rows"]
                     if row["server"] in kinds],
        })
    return found


def summary(runs):
    """A few lines for the end of a run: how many checks were met, and each one that was not."""
    keys = list(dict.fromkeys(key for run in runs for key in endpoints(run)))
    results = {key: checks(key, runs) for key in keys}
    met = sum(ok for found in results.values() for ok, _, _ in found)
    lines = [f"Issue 13's targets in this run: {met} of "
             f"{sum(map(len, results.values()))} checks met (scripts/bench/targets.py)"]
    for (server, group, row), found in results.items():
        failed = [what for ok, what, _ in found if not ok]
        if failed:
            lines.append(f"  not met: {group} {row} [{server}]: {'; '.join(failed)}")
    return lines


def main(arguments):
    brief = "--brief" in arguments
    paths = [argument for argument in arguments if argument != "--brief"]
    runs = [run for path in paths for run in datasets(load(path))]
    if len(runs) > 2:
        sys.exit("At most two datasets in all: the table compares two.")
    lines, (met, checked) = table(runs, brief)
    print("\n".join(lines))
    print(f"\n{met} of {checked} checks met.")


if __name__ == "__main__":
    if not 1 <= len([a for a in sys.argv[1:] if a != "--brief"]) <= 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
