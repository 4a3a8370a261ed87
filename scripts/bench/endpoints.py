"""What the benchmark requests: every page and API endpoint issue 13 names.

An Endpoint is what one client does again and again for the length of a run: a read is
one request; a write is a short cycle that leaves the site as it found it (like, then
unlike; comment, then delete that comment), so any number of rounds adds nothing up.
Each step is reported on its own row, and a cycle also as a whole.

Plain data (no functions), so it can be sent to the client processes.
"""

from dataclasses import dataclass, field

CEILING_PATH = "/_bench_ceiling"
COMMENT_TEXT = "Measured by the benchmark: this comment is deleted a moment later."


@dataclass(frozen=True)
class Step:
    """One request. `path` may hold {comment} or {location}, taken from an earlier answer."""

    row: str
    method: str
    path: str
    expect: tuple = (200,)
    form: dict = field(default_factory=dict)  # a page's form (the member's CSRF token added)
    json: str = ""  # an API request's JSON body
    buttons: bool = False  # as blog/static/js/buttons.js sends it: token in a header, JSON back
    capture: str = ""  # "location", "comment-location" or "comment-json": see load.capture


@dataclass(frozen=True)
class Endpoint:
    group: str  # ceiling | visitor | member | write
    name: str
    steps: tuple
    who: str = "visitor"  # visitor (nothing), member (session cookie), token (API token)


@dataclass(frozen=True)
class Targets:
    """Real rows the requests name (blog/… never chooses them: the database does)."""

    tag: str
    author: str  # wrote the most articles: the profile measured, and the one followed
    short: str  # an article's slug, and how many comments it has
    short_comments: int | None
    long: str
    long_comments: int | None


def ceiling():
    return Endpoint("ceiling", "ceiling: hello-world WSGI app",
                    (Step("ceiling: hello-world WSGI app", "GET", CEILING_PATH),))


def read(group, name, path, who="visitor"):
    return Endpoint(group, name, (Step(name, "GET", path),), who)


def discussions(t):
    """(what to call it, slug) of the articles measured: a short and a long discussion."""
    if t.long_comments is None:  # a running site's: their comments are not counted
        return [("", t.short)]
    return [(f", {t.short_comments:,}", t.short), (f", {t.long_comments:,}", t.long)]


def articles(t):
    return [(f"article{n}{' comments' if n else ''}", f"/articles/{slug}")
            for n, slug in discussions(t)]


def api_reads(t):
    return [
        ("API articles", "/api/articles"),
        ("API articles?tag=", f"/api/articles?tag={t.tag}"),
        ("API article", f"/api/articles/{t.short}"),
        *((f"API comments{n}", f"/api/articles/{slug}/comments") for n, slug in discussions(t)),
        ("API profile", f"/api/profiles/{t.author}"),
        ("API tags", "/api/tags"),
    ]


def visitor_reads(t):
    pages = [
        ("home, latest", "/?tab=latest"),
        ("home, top (week)", "/?tab=top"),
        ("home, top (all time)", "/?tab=top&period=all"),
        ("tag", f"/t/{t.tag}"),
        ("profile", f"/@{t.author}"),
        *articles(t),
        ("Atom feed", "/feed.atom"),
        ("Atom feed of a tag", f"/t/{t.tag}/feed.atom"),
        *searches(),
    ]
    return [read("visitor", name, path) for name, path in pages + api_reads(t)]


def searches():
    """The search page at its worst: a word of every seeded article ("assumptions"), two
    common words, a phrase, and the members and tags tabs on a short prefix."""
    return [
        ("search, a word in every article", "/search?q=assumptions"),
        ("search, two words", "/search?q=caching+python"),
        ("search, a phrase", "/search?q=%22connection+pooling%22"),
        ("search, members", "/search?q=a&tab=members"),
        ("search, tags", "/search?q=p&tab=tags"),
    ]


def member_reads(t):
    pages = [
        ("home, following", "/?tab=following"),
        ("home, latest", "/?tab=latest"),
        ("home, top (week)", "/?tab=top"),
        ("tag", f"/t/{t.tag}"),
        ("profile", f"/@{t.author}"),
        *articles(t),
    ]
    api = [("API feed", "/api/articles/feed"), *api_reads(t)]
    return ([read("member", name, path, "member") for name, path in pages]
            + [read("member", name, path, "token") for name, path in api])


def writes(t):
    """Each cycle ends where it began. The member's own CSRF token and cookie are added."""
    slug, author = t.short, t.author
    comment_json = f'{{"comment": {{"body": "{COMMENT_TEXT}"}}}}'
    return [
        Endpoint("write", "page: like + unlike", (
            Step("page: like", "POST", f"/articles/{slug}/like", buttons=True),
            Step("page: unlike", "POST", f"/articles/{slug}/unlike", buttons=True),
        ), "member"),
        Endpoint("write", "page: follow + unfollow", (
            Step("page: follow", "POST", f"/@{author}/follow", buttons=True),
            Step("page: unfollow", "POST", f"/@{author}/unfollow", buttons=True),
        ), "member"),
        # A browser follows each redirect: the page shows (and so clears) the flashed
        # message, which would otherwise pile up in the session cookie.
        Endpoint("write", "page: comment + delete", (
            Step("page: comment", "POST", f"/articles/{slug}/comments", (302,),
                 form={"body": COMMENT_TEXT}, capture="comment-location"),
            Step("page: article after commenting", "GET", "{location}"),
            Step("page: delete the comment", "POST", "/comments/{comment}/delete", (302,),
                 form={}, capture="location"),
            Step("page: article after deleting", "GET", "{location}"),
        ), "member"),
        Endpoint("write", "API: favorite + unfavorite", (
            Step("API: favorite", "POST", f"/api/articles/{slug}/favorite"),
            Step("API: unfavorite", "DELETE", f"/api/articles/{slug}/favorite"),
        ), "token"),
        Endpoint("write", "API: follow + unfollow", (
            Step("API: follow", "POST", f"/api/profiles/{author}/follow"),
            Step("API: unfollow", "DELETE", f"/api/profiles/{author}/follow"),
        ), "token"),
        Endpoint("write", "API: comment + delete", (
            Step("API: comment", "POST", f"/api/articles/{slug}/comments", (201,),
                 json=comment_json, capture="comment-json"),
            Step("API: delete the comment", "DELETE",
                 f"/api/articles/{slug}/comments/{{comment}}", (204,)),
        ), "token"),
    ]


def every_endpoint(targets, groups=("visitor", "member", "write")):
    """{group: [Endpoint]} for the groups asked for, in the order they are measured."""
    makers = {"visitor": visitor_reads, "member": member_reads, "write": writes}
    return {group: makers[group](targets) for group in groups}


def chosen(endpoints, wanted):
    """Only endpoints whose names start with one of the comma-separated words (None: all)."""
    words = tuple(word.strip() for word in (wanted or "").split(",") if word.strip())
    if not words:
        return endpoints
    return [endpoint for endpoint in endpoints if endpoint.name.startswith(words)]
