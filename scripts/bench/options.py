"""The command line, and the sizes of the demo data it asks for."""

import argparse

GROUPS = ("visitor", "member", "write")


def parse_args(description, argv=None):
    parser = argparse.ArgumentParser(description=description)
    where = parser.add_argument_group("what is measured")
    target = where.add_mutually_exclusive_group()
    target.add_argument("--url", help="measure this running site as a visitor, e.g. "
                        "http://127.0.0.1:8000 (no ceiling: it is not served by us)")
    target.add_argument("--database-url", help="serve this existing database (nothing seeded; "
                        "the writes undo themselves)")
    target.add_argument("--postgres", metavar="SERVER_URL",
                        help="seed a throw-away database on this PostgreSQL server, e.g. "
                        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres (created and "
                        "dropped); SQLite otherwise")
    where.add_argument("--pages", help="only the endpoints whose names start with one of "
                       "these comma-separated words, e.g. home,article,API")
    where.add_argument("--groups", default=",".join(GROUPS),
                       help="comma-separated, of visitor,member,write (all)")
    where.add_argument("--page-cache", choices=("on", "off", "both"), default="both",
                       help="serve with the page cache on (visitors get kept pages), off (every "
                       "page built: a miss), or both, visitors measured on each (both)")
    where.add_argument("--flow-inspector", choices=("off", "on", "both"), default="off",
                       help="serve with FLOW_INSPECTOR off (as in production), on (as on `make "
                       "run`), or both, the page cache off, and compare (off)")

    data = parser.add_argument_group("the demo data (a seeded database)")
    data.add_argument("--seed-articles", default="1000", help="1000 (the default), or two "
                      "datasets served side by side and measured in turns: 1000,100000")
    data.add_argument("--seed-users", type=int, help="(articles / 100, at least 200)")
    data.add_argument("--seed-comments", type=int, help="(2 per article)")
    data.add_argument("--seed-likes", type=int, help="(5 per article)")
    data.add_argument("--seed-follows", type=int, help="(10 per member)")
    data.add_argument("--discussions", default="10,10000", help="the comments of the two "
                      "articles measured, a short and a long discussion (10,10000)")

    how = parser.add_argument_group("how")
    how.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    how.add_argument("--duration", type=float, default=5,
                     help="seconds per endpoint, or per group with --mix (5)")
    how.add_argument("--mix", action="store_true", help="each client takes a group's endpoints "
                     "in turn, one run per group (short runs; req/s is then shared)")
    how.add_argument("--threads", type=int, default=8, help="waitress threads (8)")
    how.add_argument("--app-turns", type=int, help="requests let into the app at once "
                     "(SERVER_APP_TURNS: by default 1 on SQLite, 2 on PostgreSQL; 0: no limit)")
    how.add_argument("--client-processes", type=int, default=2, help="processes the clients' "
                     "threads are spread over, so the client keeps up with the ceiling (2)")
    how.add_argument("--rounds", type=int, default=1,
                     help="turns each server takes at each endpoint, in alternating order (1)")
    how.add_argument("--save", metavar="FILE.json", help="also write the results here "
                     "(scripts/bench/targets.py makes the README's table from them)")
    args = parser.parse_args(argv)
    args.groups = tuple(g for g in GROUPS if g in args.groups.split(","))
    args.seed_articles = tuple(int(n) for n in args.seed_articles.split(","))
    args.discussions = tuple(int(n) for n in args.discussions.split(","))
    if len(args.discussions) != 2:
        parser.error("--discussions takes two numbers, e.g. 10,10000")
    return args


def sizes(args, articles):
    """How many of each row to seed with `articles`: what was asked, the rest in proportion."""
    users = args.seed_users or max(200, articles // 100)
    return {"users": users, "articles": articles,
            "comments": 2 * articles if args.seed_comments is None else args.seed_comments,
            "likes": 5 * articles if args.seed_likes is None else args.seed_likes,
            "follows": 10 * users if args.seed_follows is None else args.seed_follows}
