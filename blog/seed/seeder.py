"""One run of demo data: the members, articles, tags, comments, likes and follows
it adds, planned in memory and inserted in bulk (blog/seed/bulk.py)."""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from itertools import accumulate

from sqlalchemy import func, select, text

from ..domain.accounts import RESERVED_USERNAMES
from ..domain.articles import reading_time_minutes
from ..domain.markdown import render_markdown
from ..domain.passwords import hash_password
from ..domain.published_counts import recount as recount_published
from ..domain.ranking import scores
from ..domain.slugs import make_slug
from ..extensions import db
from ..models import Article, Comment, Follow, Like, Tag, User, article_tags, utcnow
from .bell import add_notifications
from .bulk import insert_rows, reserve_ids
from .words import (
    BIOS,
    COMMENT_BODIES,
    DEMO_STAFF,
    DEMO_USERS,
    DESCRIPTIONS,
    FIRST_NAMES,
    LAST_NAMES,
    TAGS,
    TECHS,
    TITLES,
    TOPICS,
    article_bodies,
    capitalised,
)

DRAFT_SHARE = 0.02
REPLY_SHARE = 0.3
HISTORY = timedelta(days=730)


@dataclass
class SeedCounts:
    """What one run added."""

    users: int = 0
    articles: int = 0
    drafts: int = 0
    comments: int = 0
    likes: int = 0
    follows: int = 0
    notifications: int = 0


class SeedError(Exception):
    """The options ask for more rows than the members and articles allow."""


def _check_room(wanted, room, what):
    if wanted > room:
        raise SeedError(f"Cannot add {wanted:,} {what}: there is room for {max(room, 0):,}.")


class Seeder:
    """One run of demo data in the current session's transaction (the caller commits)."""

    def __init__(self, password, seed=None):
        self.rng = random.Random(seed)
        self.connection = db.session.connection()
        self.now = utcnow()
        self.counts = SeedCounts()
        # argon2 is slow on purpose: one hash, shared by every member of the run.
        self.password_hash = hash_password(password)

    def _moment(self, start, end=None):
        """A random moment between start and end (now)."""
        return start + ((end or self.now) - start) * self.rng.random()

    # --- members -------------------------------------------------------------------

    def _member_row(self, username, name, bio, role="member"):
        joined = self.now - HISTORY - timedelta(days=self.rng.uniform(1, 365))
        return {
            "email": f"{username}@example.com", "username": username,
            "password_hash": self.password_hash, "display_name": name, "bio": bio,
            "role": role, "email_verified_at": joined,
            "password_changed_at": joined, "created_at": joined,
        }

    def _taken_names(self):
        """Usernames and emails in use (lowercase), and the reserved names."""
        rows = self.connection.execute(select(func.lower(User.username), func.lower(User.email)))
        return set(RESERVED_USERNAMES).union(*rows)

    def add_members(self, count):
        """alice, bob and carol unless they exist, and `count` more with fresh names."""
        taken = self._taken_names()
        rows = [self._member_row(u, n, b) for u, n, b in DEMO_USERS if u not in taken]
        rows += [self._member_row(*staff) for staff in DEMO_STAFF if staff[0] not in taken]
        wanted = len(rows) + count
        while len(rows) < wanted:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            username = f"{first}_{last}".lower()
            if username in taken:
                username += str(self.rng.randrange(10, 100_000))
            if username in taken or f"{username}@example.com" in taken:
                continue
            taken |= {username, f"{username}@example.com"}
            rows.append(self._member_row(username, f"{first} {last}", self.rng.choice(BIOS)))
        insert_rows(self.connection, User.__table__, rows)
        self.counts.users += len(rows)

    def _members(self):
        query = select(User.id).where(User.email_verified_at.is_not(None)).order_by(User.id)
        return list(self.connection.scalars(query))

    # --- articles, their tags, likes and comments -------------------------------------

    def add_articles(self, count, comments=0, likes=0):
        """`count` articles by the members; comments and likes on the published ones."""
        members = self._members()
        published = count - round(count * DRAFT_SHARE) if count > 1 else count
        _check_room(likes, len(members) * published, "likes (one per member and article)")
        articles, main_tags = self._plan_articles(count, published, members)
        popularity = list(accumulate(self.rng.paretovariate(1.5) for _ in range(published)))
        top, replies = self._plan_comments(comments, articles[:published], popularity, members)
        like_rows = self._plan_likes(likes, articles[:published], popularity, members)
        for like in like_rows:
            articles[like["article_id"]]["likes_count"] += 1
        for comment in top + replies:
            articles[comment["article"]]["comments_count"] += comment["deleted_at"] is None
        for article in articles:  # the Top tab's scores, as blog.domain.ranking keeps them
            article |= scores(article["status"], article["published_at"], article["likes_count"],
                              self.now)

        ids = reserve_ids(self.connection, Article.__table__, count)
        for article, article_id in zip(articles, ids, strict=True):
            article["id"] = article_id
        insert_rows(self.connection, Article.__table__, articles)
        insert_rows(self.connection, article_tags, self._plan_tags(ids, main_tags, articles))
        recount_published()  # added here without the domain's writes, which keep them counted
        for like in like_rows:
            like["article_id"] = ids[like["article_id"]]
        insert_rows(self.connection, Like.__table__, like_rows)
        self._insert_comments(top, replies, ids)
        self.counts.articles += count
        self.counts.drafts += count - published
        self.counts.likes += len(like_rows)
        self.counts.comments += len(top) + len(replies)

    def _plan_articles(self, count, published, members):
        """Article rows without ids (published first), and each one's main tag."""
        taken = set(self.connection.scalars(select(Article.slug)))
        slugs = {}
        bodies = [(b, render_markdown(b), reading_time_minutes(b))
                  for b in article_bodies(self.rng)]
        # A few members write most of the articles, as on any community site.
        author_weights = list(accumulate(1 / (i + 1) ** 0.7 for i in range(len(members))))
        authors = self.rng.choices(members, cum_weights=author_weights, k=count)
        articles, main_tags = [], []
        for index, author_id in enumerate(authors):
            (tech, tag), topic = self.rng.choice(TECHS), self.rng.choice(TOPICS)
            n = self.rng.randint(3, 12)
            title = capitalised(self.rng.choice(TITLES).format(tech=tech, topic=topic, n=n))
            base = slugs.setdefault(title, make_slug(title))
            slug, suffix = base, 1
            while slug in taken:
                suffix += 1
                slug = f"{base}-{suffix}"
            taken.add(slug)
            body, html, minutes = self.rng.choice(bodies)
            # More of them recent: the week and month tabs have something to show.
            at = self.now - HISTORY * self.rng.random() ** 1.5
            articles.append({
                "slug": slug, "author_id": author_id, "title": title,
                "description": self.rng.choice(DESCRIPTIONS).format(
                    topic=topic, Topic=capitalised(topic), tech=tech),
                "body": body, "body_html": html, "cover_url": "",
                "status": "published" if index < published else "draft",
                "reading_minutes": minutes, "created_at": at, "updated_at": at,
                "published_at": at if index < published else None,
                "likes_count": 0, "comments_count": 0,
            })
            main_tags.append(tag)
        return articles, main_tags

    def _plan_tags(self, ids, main_tags, articles):
        """article_tags rows: each article's main tag and up to three more, with its
        publication (NULL for a draft), as blog.domain.articles writes them."""
        existing = dict(self.connection.execute(select(Tag.name, Tag.id)).all())
        new_tags = [{"name": name} for name in TAGS if name not in existing]
        insert_rows(self.connection, Tag.__table__, new_tags)
        tag_ids = dict(self.connection.execute(select(Tag.name, Tag.id)).all())
        rows = []
        for article_id, tag, article in zip(ids, main_tags, articles, strict=True):
            names = {tag, *self.rng.sample(TAGS, self.rng.randrange(0, 4))}
            rows.extend({"article_id": article_id, "tag_id": tag_ids[name],
                         "published_at": article["published_at"]} for name in sorted(names))
        return rows

    def _plan_likes(self, count, articles, popularity, members):
        """Like rows (article_id holds the article's index): popular articles get more."""
        per_article = Counter(self.rng.choices(range(len(articles)), cum_weights=popularity,
                                               k=count))
        # Nobody likes an article twice: move what does not fit to the next articles.
        spill = 0
        for index in range(len(articles)):
            wanted = per_article[index] + spill
            per_article[index] = min(wanted, len(members))
            spill = wanted - per_article[index]
        rows = []
        for index, n in per_article.items():
            published_at = articles[index]["published_at"]
            rows.extend({"user_id": user_id, "article_id": index,
                         "created_at": self._moment(published_at)}
                        for user_id in self.rng.sample(members, n))
        return rows

    def _plan_comments(self, count, articles, popularity, members):
        """Top-level comments and replies to them; "article" and "parent" hold indexes."""
        if not count:
            return [], []
        bodies = [(b, render_markdown(b)) for b in COMMENT_BODIES]

        def comment(article, after, parent=None):
            body, html = self.rng.choice(bodies)
            at = self._moment(after)
            return {"article": article, "parent": parent, "author_id": self.rng.choice(members),
                    "body": body, "body_html": html, "created_at": at, "updated_at": at,
                    "deleted_at": None}

        n_replies = round(count * REPLY_SHARE)
        top = [comment(index, articles[index]["published_at"]) for index in self.rng.choices(
            range(len(articles)), cum_weights=popularity, k=count - n_replies)]
        top.sort(key=lambda row: row["created_at"])  # ids in the order they were written
        parents = self.rng.choices(range(len(top)), k=n_replies)
        replies = [comment(top[p]["article"], top[p]["created_at"], p) for p in parents]
        replies.sort(key=lambda row: row["created_at"])
        # A deleted comment stays as a "[deleted]" placeholder only when it has replies.
        for parent in sorted(set(parents))[::50]:
            top[parent] |= {"body": "", "body_html": "", "author_id": None,
                            "deleted_at": self.now}
        return top, replies

    def _insert_comments(self, top, replies, article_ids):
        top_ids = reserve_ids(self.connection, Comment.__table__, len(top))

        def row(comment, **fields):
            kept = {k: v for k, v in comment.items() if k not in ("article", "parent")}
            return kept | {"article_id": article_ids[comment["article"]]} | fields

        insert_rows(self.connection, Comment.__table__, [
            row(c, id=i, parent_id=None) for c, i in zip(top, top_ids, strict=True)
        ])
        insert_rows(self.connection, Comment.__table__, [
            row(r, parent_id=top_ids[r["parent"]]) for r in replies
        ])

    def refresh_statistics(self):
        """PostgreSQL: ANALYZE the filled tables, or the planner guesses from empty ones."""
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(text(
                "ANALYZE users, articles, tags, article_tags, comments, likes, follows"
            ))

    def add_notifications(self, usernames):
        """What the seeded comments, likes and follows tell the members `usernames` (bell.py)."""
        self.counts.notifications += add_notifications(self.connection, usernames)

    # --- follows ---------------------------------------------------------------------

    def add_follows(self, count):
        """`count` new follows between members: never oneself, never twice."""
        members = self._members()
        pairs = len(members) * (len(members) - 1)
        existing = set(self.connection.execute(select(Follow.follower_id, Follow.followed_id)))
        _check_room(count, pairs - len(existing), "follows (one per pair of members)")
        rows = []
        # The first member (alice on the demo) is followed by the second first: her bell
        # tells of a follow. Codes number the ordered pairs of different members (code 0
        # is that pair again: no repeat either way).
        codes = self.rng.sample(range(pairs), min(count + len(existing), pairs))
        for code in ([len(members) - 1] if count else []) + codes:
            follower, other = divmod(code, len(members) - 1)
            pair = (members[follower], members[other + (other >= follower)])
            if pair not in existing and len(rows) < count:
                existing.add(pair)
                rows.append({"follower_id": pair[0], "followed_id": pair[1],
                             "created_at": self._moment(self.now - HISTORY)})
        insert_rows(self.connection, Follow.__table__, rows)
        self.counts.follows += len(rows)
