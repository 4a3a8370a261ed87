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
_PARAGRAPH = (
    "Most of the time the problem is not the tool but the assumptions we bring to it. "
    "We measured first, wrote down what we expected, and only then changed the code. "
    "That habit turned a week of guessing into an afternoon of careful reading, and the "
    "fix that came out of it was smaller than any of the ideas we had at the start."
)
_SNIPPETS = [
    ("python", "def retry(call, attempts=3):\n    for attempt in range(attempts):\n"
               "        try:\n            return call()\n        except TimeoutError:\n"
               "            if attempt == attempts - 1:\n                raise"),
    ("sql", "SELECT author_id, count(*) AS articles\nFROM articles\n"
            "WHERE status = 'published'\nGROUP BY author_id\nORDER BY articles DESC;"),
    ("js", "const response = await fetch('/api/articles?limit=20');\n"
           "const { articles } = await response.json();\nconsole.log(articles.length);"),
    ("bash", "docker compose up -d db\nmake test\ngit push origin main"),
]


def article_bodies():
    """A few Markdown bodies of different lengths, each with headings, a list and code."""
    bodies = []
    for index, (language, code) in enumerate(_SNIPPETS * 2):
        middle = "\n\n".join([_PARAGRAPH] * (1 + index * 2))
        bodies.append(
            f"{_PARAGRAPH}\n\n## The setup\n\n- measure before you change anything\n"
            f"- keep the change small\n- write the test first\n\n```{language}\n{code}\n```\n\n"
            f"## What we learned\n\n{middle}\n\n> The best fix is the one you can explain.\n\n"
            f"## Next steps\n\n1. Try it on your own project.\n2. Tell me what broke.\n"
        )
    return bodies
