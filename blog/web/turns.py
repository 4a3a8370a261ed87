"""Requests take turns in the app: waitress keeps its threads, Python runs one or two.

CPython runs one thread's Python at a time. With eight waitress threads all building
pages, each SQLite row fetched (and each statement sent to PostgreSQL) hands the
interpreter's lock to another thread, and the thread that gave it up waits to get it
back: on the 2-core VM a visitor's Latest answered 297 req/s on 8 threads and 431 on
one (issue 13's notes). So only SERVER_APP_TURNS requests run the app at once; the
other threads wait on a lock, which costs no CPU, each still holding its own
connection. By default one on SQLite, whose work is all in this process, and two on
PostgreSQL, where one request's Python runs while another waits for the database.
Kept pages are answered before this (page_cache_wsgi), without waiting.

A request with long work outside Python (argon2 hashing a password, the database ranking
a search, Pillow re-encoding a picture, PostgreSQL counting the API's articlesCount, a
write queued behind another writer on SQLite) gives its turn up as that work starts
(runtime.give_up_turn) and ends beside the others, as every request did before; it never
waits for a turn again, so no request holding one waits on it. Not SQLite's count, a
millisecond or two: measured, the rest of such a request racing the next one cost more
than the turn gave. The access log times a request from its arrival (ARRIVED), its
wait for a turn included.

A freed turn goes to the request that has waited longest (FirstComeGate). Python's own
semaphore let a request arriving just then take it first, and the one it had woken found
none and waited again, from the back. Measured on the writes (SQLite, 1k, 8 clients, in
alternation): p99 56 to 117 ms with this gate, 84 to 157 with the semaphore, at like req/s.
"""

import collections
import threading
import time

from ..runtime import give_up_turn, held_turn, hold_turn

# Where the access log finds when the request arrived, before it waited for a turn.
ARRIVED = "blog.arrived"


def turns_for(config, database_url):
    """SERVER_APP_TURNS, or by the database: 1 for SQLite, 2 for a server. 0: no limit."""
    turns = config.get("SERVER_APP_TURNS")
    if turns is None:
        turns = 1 if database_url.startswith("sqlite") else 2
    return max(0, int(turns))


class FirstComeGate:
    """At most `turns` holders at once; a freed turn is handed to the longest waiter."""

    def __init__(self, turns):
        self.turns = turns
        self._lock = threading.Lock()
        self._free = turns
        self._waiting = collections.deque()  # one locked lock per waiting thread

    def acquire(self):
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return
            baton = threading.Lock()
            baton.acquire()
            self._waiting.append(baton)
        try:
            baton.acquire()  # until release() hands this thread the turn
        except BaseException:  # interrupted (a signal): leave the queue, or pass the turn on
            with self._lock:
                handed = baton not in self._waiting
                if not handed:
                    self._waiting.remove(baton)
            if handed:
                self.release()
            raise

    def release(self):
        with self._lock:
            if self._waiting:
                # Handed over, never put back: a newcomer cannot take it meanwhile.
                self._waiting.popleft().release()
            elif self._free < self.turns:
                self._free += 1
            else:
                raise ValueError("a turn was given back that nobody held")

    @property
    def waiting(self):
        """How many threads wait for a turn."""
        return len(self._waiting)


class TakingTurns:
    """WSGI middleware: at most `turns` requests inside `wsgi_app` at once."""

    def __init__(self, wsgi_app, turns):
        self.wsgi_app = wsgi_app
        self.gate = FirstComeGate(turns)

    def __call__(self, environ, start_response):
        environ.setdefault(ARRIVED, time.perf_counter())
        outer = held_turn()
        if outer is self.gate:  # the app called from inside one of its own requests
            return self.wsgi_app(environ, start_response)
        self.gate.acquire()
        hold_turn(self.gate)
        try:
            # The answer is made inside (Flask closes the request, and with it the
            # database session, before returning): only sending it happens outside.
            return self.wsgi_app(environ, start_response)
        finally:
            give_up_turn()
            hold_turn(outer)  # another app's request around this one keeps its own


def init_app(app):
    """Wrap Flask's own wsgi_app (inside the kept pages' middleware) when turns are limited."""
    turns = turns_for(app.config, app.config["SQLALCHEMY_DATABASE_URI"])
    if turns:
        app.wsgi_app = TakingTurns(app.wsgi_app, turns)
        app.extensions["app_turn_gate"] = app.wsgi_app.gate
    app.extensions["app_turns"] = turns
