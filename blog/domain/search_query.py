"""What a member types into the search box, read into a query that cannot fail.

Words are runs of letters and digits, lowercased, as both search engines index
them (migration 0013_search): punctuation, operators and quotes of the engines'
own syntax never reach them. What we understand:

- words: every one must appear; each also matches longer words (`pyth` finds python),
  from two letters on;
- "a quoted phrase": those words, next to each other, exactly;
- -word or -"a phrase": articles with it are left out;
- #tag: only articles with that tag.

Anything else (stray quotes, AND/OR/NEAR, brackets, emoji) is read as words or
dropped. Each engine gets its query written by us: FTS5 MATCH text for SQLite,
to_tsquery text for PostgreSQL, with every word quoted.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

from .articles import TAG_PATTERN

# A query longer than a long sentence is cut: more words only cost more.
MAX_INPUT = 300
MAX_CLAUSES = 8
MAX_WORDS = 8
MAX_WORD = 60
MIN_PREFIX = 2  # the FTS5 table keeps prefix indexes of 2 and 3 letters
WORD = re.compile(r"[^\W_]+")
TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|#([^\s"]+)|([^\s"]+))')


@dataclass(frozen=True)
class Clause:
    """Words that must appear together; a lone bare word also matches as a prefix."""

    words: tuple
    prefix: bool

    def matches(self, word):
        """Whether the indexed `word` (lowercase) is one this clause looks for."""
        return any(word == w or (self.prefix and word.startswith(w)) for w in self.words)


@dataclass(frozen=True)
class Query:
    required: tuple = ()
    excluded: tuple = ()
    tags: tuple = ()

    @property
    def searches_text(self):
        return bool(self.required)

    @property
    def words(self):
        """The required clauses with each phrase taken apart into its words, unordered:
        what the indexes answer alone (PostgreSQL's checks a phrase in every row it finds)."""
        loose = []
        for clause in self.required:
            parts = [clause] if len(clause.words) == 1 else [
                Clause((word,), prefix=False) for word in clause.words]
            loose += [part for part in parts if part not in loose]
        return tuple(loose)

    @property
    def phrases(self):
        """The required clauses of more than one word, side by side."""
        return tuple(clause for clause in self.required if len(clause.words) > 1)

    def matches(self, word):
        return any(clause.matches(word) for clause in self.required)


def pattern(query):
    """A regular expression finding the words `query` looks for in any text (None if none).

    Case is ignored; a prefix clause's word may go on. Built by the snippets, in C
    rather than word by word in Python (a page holds twenty bodies).
    """
    return _pattern(tuple(dict.fromkeys(
        (word, clause.prefix) for clause in query.required for word in clause.words)))


@functools.lru_cache(maxsize=256)
def _pattern(words):
    if not words:
        return None
    alternatives = sorted((re.escape(w) + (r"[^\W_]*" if prefix else "") for w, prefix in words),
                          key=len, reverse=True)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])", re.I)


def words_of(text):
    """The indexed words of `text`, lowercased, as the engines split them."""
    return [w for w in WORD.findall(text.lower()) if len(w) <= MAX_WORD]


def clean(text):
    """`text` cut to MAX_INPUT, composed (NFC), control characters turned into spaces."""
    text = unicodedata.normalize("NFC", str(text or "")[:MAX_INPUT * 2])[:MAX_INPUT]
    return "".join(c if c.isprintable() else " " for c in text)


def parse(text):
    """The Query that `text` (anything a browser sends) asks for. Never raises."""
    text = clean(text)
    required, excluded, tags = [], [], []
    for negated, phrase, tag, word in TOKEN.findall(text):
        if tag and not negated and TAG_PATTERN.fullmatch(tag.lower()):
            tags.append(tag.lower())
            continue
        raw = phrase if phrase else (tag or word)
        words = tuple(words_of(raw)[:MAX_WORDS])
        if not words:
            continue
        # One letter as a prefix would be every word starting with it (no index has those).
        prefix = not phrase and len(words) == 1 and len(words[0]) >= MIN_PREFIX
        clause = Clause(words, prefix=prefix)
        target = excluded if negated else required
        if clause not in target and len(required) + len(excluded) < MAX_CLAUSES:
            target.append(clause)
    return Query(tuple(required), tuple(excluded), tuple(dict.fromkeys(tags)))


# --- each engine's syntax ------------------------------------------------------------
# Words hold letters and digits only (WORD), so quoting them cannot be escaped from.


def _fts5(clause):
    quoted = '"' + " ".join(clause.words) + '"'
    return quoted + "*" if clause.prefix else quoted


def fts5(clauses, joined_by="AND"):
    """FTS5 MATCH text: every one of `clauses` (or, joined by "OR", any of them)."""
    return f" {joined_by} ".join(_fts5(c) for c in clauses)


def _tsquery(clause):
    if clause.prefix:
        return f"'{clause.words[0]}':*"
    return "(" + " <-> ".join(f"'{w}'" for w in clause.words) + ")"


def tsquery(clauses, joined_by="&"):
    """to_tsquery('simple', ...) text: every one of `clauses` (or, joined by "|", any)."""
    return f" {joined_by} ".join(_tsquery(c) for c in clauses)
