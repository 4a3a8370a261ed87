"""What the flow inspector keeps: one Record per request, in a bounded ring in memory.

Never in the database: the last FLOW_INSPECTOR_KEEP requests of this
process, oldest dropped first. Each record belongs to the browser that sent
it (a random cookie) and, for API calls, to the member of the token.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field


@dataclass
class Step:
    """One thing that happened, told in a sentence, with its detail for who wants more."""

    kind: str  # arrived, csrf, who, rule, validation, sql, email, flash, event, answer, browser
    text: str
    at_ms: float
    detail: dict = field(default_factory=dict)
    took_ms: float | None = None
    code: dict | None = None  # {"function", "file", "line"} of our code that did it


@dataclass
class Record:
    """The story of one request."""

    id: str
    browser: str | None
    method: str
    path: str
    endpoint: str | None
    started: str  # ISO time
    kind: str = "page"  # page, form, fetch, api
    member_id: int | None = None
    member_name: str | None = None
    status: int | None = None
    duration_ms: float | None = None
    sql_count: int = 0
    sql_ms: float = 0.0
    changes: dict = field(default_factory=dict)  # table -> {"inserted": n, ...}
    steps: list = field(default_factory=list)
    view: dict | None = None
    came_from: str | None = None  # the record this one followed (a redirect)
    browser_half: dict | None = None
    replay: str | None = None  # what a what-if replay changed
    replayable: dict | None = None  # a write's request, masked, to send again (sendable.py)
    secrets: list = field(default_factory=list, repr=False)

    def step(self, kind, text, at_ms, **extra):
        """Add a step; returns it."""
        added = Step(kind, text, round(at_ms, 2), **extra)
        self.steps.append(added)
        return added

    def changed(self, table, verb, rows):
        """Note `rows` rows of `table` inserted, updated or deleted (None: a count not told).

        A statement with RETURNING tells its row count only as its rows are
        read, after the statement event: those count as "some".
        """
        counts = self.changes.setdefault(table, {})
        if rows is None or counts.get(verb) == "some":
            counts[verb] = "some"
        elif rows > 0:
            counts[verb] = counts.get(verb, 0) + rows
        if not counts:
            del self.changes[table]


class Ring:
    """The last `size` records, findable by id; safe across the server's threads."""

    def __init__(self, size):
        self.size = size
        self._records = OrderedDict()
        self._lock = threading.Lock()

    def add(self, record):
        with self._lock:
            self._records[record.id] = record
            while len(self._records) > self.size:
                self._records.popitem(last=False)

    def get(self, record_id):
        with self._lock:
            return self._records.get(record_id)

    def newest_first(self):
        with self._lock:
            return list(reversed(self._records.values()))

    def __len__(self):
        return len(self._records)


def may_see(record, browser, member):
    """A person sees their own browser's records and their own API calls; an admin sees all."""
    if member is not None and member.is_authenticated and member.is_admin:
        return True
    if browser and record.browser == browser:
        return True
    return (record.kind == "api" and member is not None and member.is_authenticated
            and record.member_id == member.id)
