"""Demo data in bulk: members, articles, tags, comments, likes and follows.

Used by `flask --app blog seed-demo` and scripts/benchmark.py. Rows go in
with SQLAlchemy Core executemany, in batches, in one transaction, and look
like what the app itself writes: verified members sharing one password hash
(argon2 runs once), Markdown rendered once per distinct body, unique slugs,
and likes_count / comments_count equal to the rows inserted. Comments and
likes go to the published articles of this run, so nothing can collide
with earlier rows.

The package: seeder.py plans the rows, bulk.py inserts them, words.py holds
the names and texts they are made of.
"""

from .seeder import SeedCounts, Seeder, SeedError
from .words import DEMO_STAFF, DEMO_USERS

__all__ = ["DEMO_STAFF", "DEMO_USERS", "SeedCounts", "SeedError", "Seeder"]
