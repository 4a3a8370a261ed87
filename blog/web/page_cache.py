"""The page cache: what every visitor sees alike is built once and served to all.

Visitor pages, Atom feeds and public API GETs are kept (cachelib: in this process, or
in Redis when PAGE_CACHE_URL names one, so that several server processes share it).
Each entry carries the database's *content clock*: any commit that changes a table a
visitor page shows moves the clock (blog.database tells us), and an entry from an older
clock is stale. A stale entry is rebuilt by one request at a time (a lock in the cache);
the others meanwhile get the stale copy, for the few milliseconds of that rebuild,
instead of all building the same page at once after every write.

Members' pages, forms (their CSRF token), pages with a flashed message and anything
else `security.is_personal` says belongs to one person are never kept or served. Beside
the pages the store keeps a few numbers that follow only what the site shows and cost
what they count (kept_count: the API's articlesCount of a list, and of a member's feed),
as fresh as a page.
"""

import functools
import hashlib
import logging
import time
import weakref

from cachelib import RedisCache, SimpleCache
from flask import current_app, g, request, request_finished
from redis.exceptions import RedisError

from ..database import database_key, public_content_changed
from .security import is_personal, request_may_share

# The query arguments our pages and API read. A request with any other is answered but
# not kept: made-up arguments (?x=1, ?x=2 ...) must not fill the cache with copies.
KNOWN_ARGS = frozenset({"q", "tab", "period", "page", "tag", "author", "favorited", "limit",
                        "offset", "thread", "replies_from", "comments_from", "sort"})

# Every app's store, by the database it shows: a write through any app of this process
# (or a CLI command) moves the clock of every store on that database.
_stores = weakref.WeakSet()


log = logging.getLogger("blog.pages")


def _tolerant(method):
    """A cache that does not answer (Redis down) makes pages slower, never an error:
    the request is answered as if the page were not kept, and nothing is kept."""

    @functools.wraps(method)
    def wrapper(self, *args):
        try:
            return method(self, *args)
        except (RedisError, OSError) as error:
            log.warning("page cache unreachable (%s): %s", method.__name__, error)
            return None

    return wrapper


class PageStore:
    """Entries, the content clock and the rebuild locks of one app's pages.

    A page is kept in one of `places` places, picked by its key: any Host and any value
    of a known argument (?page=x1, ?tag=t1 ...) makes a key, so keys are unbounded, but
    the places are not, in memory or in Redis. Two pages that share a place take turns.
    """

    def __init__(self, backend, fresh_for, database, places):
        self.backend = backend
        self.fresh_for = fresh_for
        self.database = database
        self.places = places
        self.owed = False  # a tick not yet told to the backend

    def _place(self, key):
        digest = hashlib.sha256(key.encode(errors="replace")).digest()
        return int.from_bytes(digest[:8], "big") % self.places

    @_tolerant
    def clock(self):
        """The content clock now. A lost clock (evicted, Redis restarted) starts again
        from a value never used before, so no entry from before can pass as fresh."""
        if self.owed:
            self._move_clock()
            if self.owed:  # Redis reads but does not write (maxmemory): no clock to trust
                return None
        now = self.backend.get("clock")
        if now is None:
            self.backend.add("clock", time.time_ns(), timeout=0)
            now = self.backend.get("clock")
        return now

    def tick(self):
        # Owed until it is done: a tick Redis did not hear is paid once it answers again.
        self.owed = True
        self._move_clock()

    @_tolerant
    def _move_clock(self):
        if self.backend.get("clock") is None:
            self.backend.add("clock", time.time_ns(), timeout=0)  # never count up from nothing
        self.backend.inc("clock")
        self.owed = False

    def _fresh(self, entry, clock):
        return entry["clock"] == clock and time.time() - entry["at"] < self.fresh_for

    @_tolerant
    def peek(self, key, clock):
        """The entry of `key` when it is fresh and has its headers (ready to send as it
        is, before Flask), else None. Takes no lock: a stale page is Flask's to rebuild."""
        entry = self.backend.get(f"page:{self._place(key)}")
        if entry and entry.get("key") == key and "headers" in entry and self._fresh(entry, clock):
            return entry
        return None

    @_tolerant
    def lookup(self, key, clock):
        """(entry or None, whether this request should build the page)."""
        place = self._place(key)
        entry = self.backend.get(f"page:{place}")
        if entry and entry.get("key") != key:
            entry = None  # another page's turn
        if entry and self._fresh(entry, clock):
            return entry, False
        # Stale or missing: one request builds it; the rest serve what there is.
        building = self.backend.add(f"lock:{place}", 1, timeout=2)
        return (None if building else entry), building

    @_tolerant
    def keep(self, entry):
        """Keep `entry` (key, clock, status, type, body and, when it may be sent before
        Flask, the final headers)."""
        self.backend.set(f"page:{self._place(entry['key'])}", dict(entry, at=time.time()),
                         timeout=self.fresh_for * 2)  # older ones are stale anyway

    @_tolerant
    def kept_number(self, key, clock):
        """The number kept for `key` when it is as fresh as a page must be, else None."""
        entry = self.backend.get(f"number:{self._place(key)}")
        if entry and entry.get("key") == key and self._fresh(entry, clock):
            return entry["value"]
        return None

    @_tolerant
    def keep_number(self, key, clock, value):
        self.backend.set(f"number:{self._place(key)}",
                         {"key": key, "clock": clock, "value": value, "at": time.time()},
                         timeout=self.fresh_for * 2)

    @_tolerant
    def forget(self, key):
        self.backend.delete(f"page:{self._place(key)}")

    @_tolerant
    def unlock(self, key):
        self.backend.delete(f"lock:{self._place(key)}")


def _store_for(app):
    url, places = app.config["PAGE_CACHE_URL"], max(1, app.config["PAGE_CACHE_ENTRIES"])
    database = database_key(app.extensions["sqlalchemy"].engine.url)
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        # Shared by the processes serving this database: the clock and the pages.
        prefix = f"{app.config['PAGE_CACHE_KEY_PREFIX']}:{database}:"
        client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        backend = RedisCache(client, key_prefix=prefix, default_timeout=0)
    else:
        # Room for every place, its lock, its number and the clock: pruning would drop the
        # clock first.
        backend = SimpleCache(threshold=3 * places + 1, default_timeout=0)
    store = PageStore(backend, app.config["PAGE_CACHE_SECONDS"], database, places)
    _stores.add(store)
    return store


@public_content_changed.connect
def _tick(database):
    for store in list(_stores):
        if store.database == database:
            store.tick()


def close(app):
    """Stop moving this app's clock (its database may outlive it, e.g. in tests)."""
    store = app.extensions.pop("page_store", None)
    if store is not None:  # an app built with PAGE_CACHE off has none
        _stores.discard(store)


def init_app(app):
    """Serve and keep shared pages; call after security.init_app (its hook must see ours first)."""
    if not app.config["PAGE_CACHE"]:
        return
    with app.app_context():
        app.extensions["page_store"] = _store_for(app)
    app.before_request(_serve_kept_page)
    app.after_request(_keep_page)
    request_finished.connect(_keep_built_page, app)
    app.teardown_request(_release)


def kept_count(key, count):
    """`count()`, counted once for `key` until the site's content changes.

    For numbers that follow only what the site shows (the tables whose writes move the
    content clock), and that cost what they count: the API's articlesCount of a filtered
    list counts up to 10,000 keys (1.5 ms on SQLite, 3.9 on PostgreSQL at 100,000
    articles), for a member's request too, which is never a kept page (the whole site's
    and a tag's read one row, and are kept all the same). `key` names all the number
    depends on. Kept as a page is (under the content clock, which any write that could
    change it moves, and for PAGE_CACHE_SECONDS at most). Counted each time with the
    page cache off.
    """
    clock = content_clock()
    if clock is None:
        return count()
    store = current_app.extensions["page_store"]
    found = store.kept_number(key, clock)
    if found is None:
        found = count()
        store.keep_number(key, clock, found)
    return found


def content_clock():
    """The content clock now, or None with the page cache off (or unreachable). Any write
    to what visitors see moves it: what was made under the same clock is still true."""
    store = current_app.extensions.get("page_store")
    return store.clock() if store is not None else None


def page_key(request):
    """The key of `request`'s page (a Flask request, or one the middleware made)."""
    # The Host too: a page that spelled it out would otherwise be kept as a client's
    # forged Host made it, for everyone (pages use BASE_URL; this is the second lock).
    variant = "json" if request.path.startswith("/api/") else "page"
    # And the path prefix the site is served under (SCRIPT_NAME): its links carry it.
    return f"{variant}:{request.host}:{request.script_root}{request.full_path}"


def _serve_kept_page():
    g.page_build = g.page_kept = None
    if not request_may_share() or not KNOWN_ARGS.issuperset(request.args.keys()):
        return None
    store = current_app.extensions["page_store"]
    key, clock = page_key(request), store.clock()
    if clock is None:
        return None
    entry, building = store.lookup(key, clock) or (None, False)
    if building:
        g.page_build = (key, clock)
    if entry is None:
        return None
    g.page_kept = True
    return current_app.response_class(entry["body"], status=entry["status"],
                                      content_type=entry["type"])


def _keep_page(response):
    build = g.get("page_build")
    if build:
        store = current_app.extensions["page_store"]
        if (response.status_code == 200 and not response.is_streamed
                and not is_personal(response)
                and len(response.get_data()) <= current_app.config["PAGE_CACHE_PAGE_BYTES"]):
            key, clock = build
            g.page_to_keep = {"key": key, "clock": clock, "status": response.status_code,
                              "type": response.content_type, "body": response.get_data()}
        else:  # the kept copy is not the answer any more (a deleted article's 404)
            store.forget(build[0])
    if g.get("page_kept"):
        response.headers["X-Page-Cache"] = "hit"
    return response


# Sent again by every answer, or made for each: not part of a kept page's headers.
PER_ANSWER_HEADERS = frozenset({"date", "x-request-id", "content-length", "x-page-cache"})


def _keep_built_page(sender, response, **extra):
    """Keep the page built by this request, with the headers every hook has now added
    (security headers, Vary, Cache-Control, ETag): the middleware sends them as they are."""
    entry = g.pop("page_to_keep", None)
    if entry is None:
        return
    headers = [(name, value) for name, value in response.headers.items()
               if name.lower() not in PER_ANSWER_HEADERS]
    # CORS answers an Origin with headers of its own; a cookie is one browser's. Such an
    # entry is served by Flask only, which adds those anew for each request.
    if "HTTP_ORIGIN" not in request.environ and "Set-Cookie" not in response.headers:
        entry["headers"] = headers
    sender.extensions["page_store"].keep(entry)


def _release(exc=None):
    build = g.pop("page_build", None)
    if build:
        current_app.extensions["page_store"].unlock(build[0])
