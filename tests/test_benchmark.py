"""The benchmark (scripts/benchmark.py) on a tiny dataset, run as a developer runs it.

About a second per group of endpoints (--mix), two clients: what it proves is that every
endpoint it names is requested and answers as expected (0 errors, the exit status 0),
that the hello-world ceiling is measured on each server, and that the results it saves
carry what the README's table is made from. On PostgreSQL when DATABASE_URL names it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from bench.endpoints import Targets, every_endpoint  # noqa: E402 - found through the path above


def run_benchmark(tmp_path, *options):
    saved = tmp_path / "results.json"
    command = [sys.executable, str(ROOT / "scripts" / "benchmark.py"), "--seed-articles", "60",
               "--seed-users", "20", "--discussions", "10,100", "--mix", "--duration", "1",
               "--clients", "2", "--client-processes", "1", "--save", str(saved), *options]
    database = os.environ.get("DATABASE_URL", "")
    if database.startswith(("postgres://", "postgresql")):
        command += ["--postgres", database]
    run = subprocess.run(command, capture_output=True, text=True, timeout=150, cwd=ROOT,
                         check=False)
    assert run.returncode == 0, f"{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
    return run.stdout, json.loads(saved.read_text())


def test_every_endpoint_answers_with_no_errors_against_the_ceiling(tmp_path):
    out, results = run_benchmark(tmp_path)

    assert "0 errors in" in out and "ERRORS" not in out
    for server in ("cached", "miss"):
        assert results["ceiling"][server] > 0
        assert f"Ceiling, {server}: hello-world WSGI app on the same waitress" in out
    targets = Targets(**results["meta"]["datasets"]["60"]["targets"])
    assert (targets.short_comments, targets.long_comments) == (10, 100)
    measured = {(row["server"], row["group"], row["row"]): row for row in results["rows"]}
    expected = [("cached", endpoint) for group in every_endpoint(targets).values()
                for endpoint in group]
    expected += [("miss", endpoint) for endpoint in every_endpoint(targets)["visitor"]]
    for server, endpoint in expected:
        for row in [endpoint.name] + [step.row for step in endpoint.steps]:
            found = measured[(server, endpoint.group, row)]
            assert found["reqs"] > 0 and found["errors"] == 0, (server, row, found)
            assert found["share"] > 0
    # The names the targets speak of are all there.
    names = {row for _, _, row in measured}
    for name in ("home, following", "tag", "profile", "article, 100 comments", "Atom feed",
                 "API articles?tag=", "API comments, 100", "API profile", "API tags",
                 "page: like", "API: favorite", "API: follow", "page: comment"):
        assert name in names


def test_an_unexpected_answer_is_reported_loudly_with_the_request(capsys):
    from bench.endpoints import read
    from bench.load import Tally
    from bench.report import Results, print_errors

    tally = Tally()
    tally.add(0.01, 200, True, None)
    tally.add(0.02, 500, False, "GET /t/go -> 500: Internal Server Error")
    results = Results()
    results.add("cached", [read("visitor", "tag", "/t/go")], {("visitor", "tag"): tally}, 1.0)

    assert print_errors(results) == 1
    out = capsys.readouterr().out
    assert "ERRORS: 1 of 2 requests" in out
    assert "[cached] visitor / tag: 1 errors (200: 1, 500: 1)" in out
    assert "GET /t/go -> 500: Internal Server Error" in out


def test_the_seeded_database_is_as_a_running_site_keeps_it(tmp_path):
    # On PostgreSQL, vacuumed as autovacuum keeps a site's tables (the index-only scans
    # of the counts read the table's pages until then); on both, the two discussions.
    from bench.database import seed, throwaway
    from sqlalchemy import create_engine, text

    database = os.environ.get("DATABASE_URL", "")
    server = database if database.startswith(("postgres://", "postgresql")) else None
    sizes = {"users": 20, "articles": 30, "comments": 20, "likes": 20, "follows": 20}
    with throwaway(server, tmp_path / "seeded.db") as url:
        ids = seed(url, sizes, (3, 5))
        engine = create_engine(url)
        with engine.connect() as connection:
            counts = [connection.scalar(text("SELECT count(*) FROM comments WHERE "
                                             "article_id = :id"), {"id": i}) for i in ids]
            vacuumed = server is None or connection.scalar(text(
                "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables "
                "WHERE relname = 'articles'"))
        engine.dispose()
    assert counts == [3, 5] and vacuumed
