"""The words of the demo community: names, bios, tags, titles and the texts of
articles and comments (plain data; blog/seed/seeder.py picks from them)."""

DEMO_USERS = [
    ("alice", "Alice Liddell", "Writes about Python and the web."),
    ("bob", "Bob Builder", "Backend engineer. Databases, queues, things that scale."),
    ("carol", "Carol Danvers", "Frontend, accessibility and design systems."),
]
# The demo's staff, to try moderation with (same password): (username, name, bio, role).
DEMO_STAFF = [
    ("dana", "Dana Scully", "Runs this demo site (an admin).", "admin"),
    ("milo", "Milo Ward", "Keeps the demo community friendly (a moderator).", "moderator"),
]
FIRST_NAMES = [
    "Ada", "Alan", "Amara", "Ana", "Arjun", "Bea", "Chen", "Dara", "Diego", "Elif", "Emma",
    "Femi", "Grace", "Hana", "Ines", "Ivan", "Jin", "Joao", "Kai", "Kemal", "Lena", "Linus",
    "Maya", "Mei", "Nadia", "Noor", "Omar", "Priya", "Rosa", "Sam", "Sofia", "Taro", "Uma",
    "Vera", "Yusuf", "Zoe",
]
LAST_NAMES = [
    "Adeyemi", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hopper", "Ito",
    "Jensen", "Kim", "Kowalski", "Lopez", "Lovelace", "Mendes", "Nakamura", "Novak", "Okafor",
    "Park", "Patel", "Quinn", "Rossi", "Silva", "Singh", "Tanaka", "Turing", "Varga", "Wang",
    "Weber", "Yilmaz",
]
BIOS = [
    "Backend developer. Coffee, queues and quiet on-call weeks.",
    "Frontend engineer who cares about accessibility.",
    "Data engineer; I turn CSV files into dashboards.",
    "Learning in public. Writing what I wish I had read.",
    "SRE. Ask me about incident reviews.",
    "",
]
# (how titles name it, the tag its articles carry)
TECHS = [
    ("Python", "python"), ("JavaScript", "javascript"), ("TypeScript", "typescript"),
    ("Rust", "rust"), ("Go", "go"), ("PostgreSQL", "postgres"), ("SQLite", "sqlite"),
    ("React", "react"), ("Flask", "flask"), ("Django", "django"), ("Docker", "docker"),
    ("Kubernetes", "kubernetes"), ("Linux", "linux"), ("Git", "git"), ("CSS", "css"),
    ("Node.js", "node"), ("Redis", "redis"), ("GitHub Actions", "devops"),
]
TAGS = sorted({tag for _, tag in TECHS} | {
    "webdev", "beginners", "tutorial", "performance", "security", "testing", "career",
    "opensource", "database", "architecture", "productivity", "a11y",
})
TOPICS = [
    "caching", "error handling", "logging", "migrations", "background jobs", "testing",
    "pagination", "authentication", "rate limiting", "full-text search", "deployments",
    "code review", "observability", "configuration", "connection pooling", "type hints",
]
TITLES = [
    "Understanding {topic} in {tech}", "{n} things I wish I knew about {topic} in {tech}",
    "A gentle introduction to {topic} with {tech}", "How we fixed {topic} with {tech}",
    "{tech} {topic}: a field guide", "Stop worrying about {topic} in {tech}",
    "What {tech} taught me about {topic}", "{topic} in {tech}, the boring way",
]
COMMENT_BODIES = [
    "Great write-up, thanks! The part about the edge cases saved me an afternoon.",
    "Have you tried doing this with a `WITH` query instead? It was simpler for us.",
    "This matches what we saw in production:\n\n- it is fast at first\n- then the cache fills up",
    "Bookmarked. Could you share the benchmark setup?",
    "I disagree a little: for small teams the **simple** version is usually enough.",
    "Thanks for the [link to the docs](https://docs.python.org/3/), very useful.",
]
DESCRIPTIONS = [
    "Notes on {topic} with {tech}: what worked, what did not, and what I would try next.",
    "A short tour of {topic} in {tech}, with the mistakes I made on the way.",
    "What we changed about {topic} after a rough month with {tech} in production.",
    "{Topic} with {tech}, explained the way I wish someone had explained it to me.",
    "The small habits that made {topic} in {tech} boring, in the best sense.",
    "A practical look at {topic} with {tech}, from the first attempt to the one we kept.",
]
# Paragraphs of the demo articles: each body picks a few, in its own order, so no two
# articles read alike and no body repeats itself.
PARAGRAPHS = [
    "Most of the time the problem is not the tool but the assumptions we bring to it. We "
    "measured first, wrote down what we expected, and only then changed the code.",
    "The first version worked on my laptop and nowhere else. The difference turned out to "
    "be a default that production overrode: a timeout of thirty seconds instead of five.",
    "We kept a log of every change we tried, with the number before and after. Half of "
    "the ideas made no difference at all, and one of them made things slower.",
    "It is tempting to reach for a new library at this point. We did not: the one we had "
    "already did what we needed, once we read its documentation to the end.",
    "The fix that came out of it was smaller than any of the ideas we had at the start: "
    "eleven lines, most of them a test that fails without the change.",
    "A colleague asked why we did not simply add more machines. The honest answer is that "
    "more machines would have hidden the problem for a month, not solved it.",
    "Reading the query plan was the turning point. The database was doing exactly what we "
    "asked; we had simply asked for every row and then thrown most of them away.",
    "None of this is new. It is written down in the manual, in a section we had all "
    "skipped because its title sounded like something we already knew.",
    "If you take one thing from this post, make it this: write down what you expect "
    "before you run the experiment. It keeps you honest when the result surprises you.",
    "We rolled the change out to one server first and watched it for a day. Nothing "
    "happened, which is the most pleasant outcome a deployment can have.",
    "There is a version of this story where we rewrite everything. I am glad we did not: "
    "the old code had years of bug fixes in it that nobody remembered making.",
    "The tests caught two regressions on the way. Both were in code we had not touched, "
    "which is exactly why we keep the tests that look boring.",
]
SNIPPETS = [
    ("python", "def retry(call, attempts=3):\n    for attempt in range(attempts):\n"
               "        try:\n            return call()\n        except TimeoutError:\n"
               "            if attempt == attempts - 1:\n                raise"),
    ("sql", "SELECT author_id, count(*) AS articles\nFROM articles\n"
            "WHERE status = 'published'\nGROUP BY author_id\nORDER BY articles DESC;"),
    ("js", "const response = await fetch('/api/articles?limit=20');\n"
           "const { articles } = await response.json();\nconsole.log(articles.length);"),
    ("go", "func handler(w http.ResponseWriter, r *http.Request) {\n"
           "\tctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)\n"
           "\tdefer cancel()\n\tfmt.Fprintln(w, lookup(ctx, r.URL.Query().Get(\"q\")))\n}"),
    ("rust", "fn average(values: &[f64]) -> Option<f64> {\n    if values.is_empty() {\n"
             "        return None;\n    }\n"
             "    Some(values.iter().sum::<f64>() / values.len() as f64)\n}"),
    ("bash", "docker compose up -d db\nmake test\ngit push origin main"),
    ("yaml", "jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - uses: actions/checkout@v4\n      - run: make test"),
]
HEADINGS = ["The setup", "What we tried first", "What we learned", "The fix", "Measuring it",
            "Rolling it out", "What I would do differently", "Next steps"]
TABLE = (
    "| Change | Before | After |\n|:-------|-------:|------:|\n"
    "| Index on the list query | 180 ms | 4 ms |\n| Smaller pages | 120 KB | 38 KB |\n"
    "| Cache for visitors | 210 req/s | 1,900 req/s |"
)


def article_bodies(rng, count=12):
    """`count` Markdown bodies of different lengths, each with headings, code and a list.

    `rng` (random.Random) chooses the paragraphs and their order, the code's language,
    and which bodies carry a table, so a seed gives the same site every time.
    """
    bodies = []
    for index in range(count):
        paragraphs = rng.sample(PARAGRAPHS, (2, 3, 5, 8, 11)[index % 5])  # short and long reads
        headings = rng.sample(HEADINGS[1:-1], 2)
        language, code = SNIPPETS[index % len(SNIPPETS)]
        parts = [paragraphs[0], "## The setup",
                 "- measure before you change anything\n- keep the change small\n"
                 "- write the test first", f"```{language}\n{code}\n```",
                 f"## {headings[0]}", *paragraphs[1:-1]]
        if index % 3 == 0:
            parts += ["Here is what each change did to the page we cared about:", TABLE]
        parts += [f"## {headings[1]}", paragraphs[-1],
                  "> The best fix is the one you can explain.",
                  "## Next steps", "1. Try it on your own project.\n2. Tell me what broke."]
        bodies.append("\n\n".join(parts) + "\n")
    return bodies


def capitalised(title):
    """A title with its first letter upper case ("caching in Go" -> "Caching in Go")."""
    return title[:1].upper() + title[1:]
