"""Notifications: written in the transaction of the action that causes them, read on the bell
and at /notifications.

Each writer is one INSERT ... SELECT (or one DELETE), whatever the member's
choices: the choice of each recipient is read inside the statement
(notification_prefs, or DEFAULTS without a row). Nobody is notified of their
own actions (the SELECT leaves the actor out). A deleted member's notifications
go with their row; a banned member's are left out when read.
Reading them is blog.domain.notification_pages'; emails, blog.domain.notification_emails'.
"""

import functools
import re
from dataclasses import dataclass

from sqlalchemy import (
    DateTime,
    Integer,
    bindparam,
    case,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (
    Article,
    Comment,
    Follow,
    Notification,
    NotificationPref,
    User,
    utcnow,
)
from .notification_choices import DEFAULTS
from .races import gone

# A text names at most this many members: a comment of a hundred @names notifies ten.
MAX_MENTIONS = 10
MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9_-]{3,30})\b")


# --- the members' choices ----------------------------------------------------------------


def _wanted_in_site(recipient_id, kind):
    """SQL: `recipient_id` wants `kind` in the site (their row, else the default)."""
    pref = aliased(NotificationPref)
    chosen = exists().where(pref.user_id == recipient_id, pref.kind == kind)
    if DEFAULTS[kind][0]:
        return ~chosen.where(~pref.in_site)  # on unless turned off
    return chosen.where(pref.in_site)  # off unless turned on


# --- writing (none of these commits: the action's transaction does) ---------------------


NOTICE_COLUMNS = ["recipient_id", "kind", "actor_id", "article_id", "comment_id", "created_at"]


def _insert(rows):
    """INSERT INTO notifications ... SELECT `rows` (recipient, kind, actor, article, comment)."""
    db.session.execute(insert(Notification).from_select(NOTICE_COLUMNS, rows))


@dataclass(frozen=True)
class Held:
    """The members a write tells, held before the article is locked (hold())."""

    author_id: int | None = None  # of the article
    answered_id: int | None = None  # of the comment replied to
    mentioned_ids: tuple = ()


def hold(writer_id, article_author_id, answered_comment_id=None, text=""):
    """Hold the writer's row and those of the members the write tells, in one statement.

    Instead of blog.domain.races.hold_member_or_gone, before the article's lock:
    the new notification's foreign key would take these locks anyway, but only
    after the article's, while deleting one of those accounts locks the member
    first and the articles after (a deadlock on PostgreSQL). NotFound when the
    writer is gone.
    """
    names = mentioned_names(text)
    parameters = {"writer_id": writer_id, "author_id": article_author_id}
    if answered_comment_id is not None:
        parameters["answered_comment_id"] = answered_comment_id
    if names:
        parameters["names"] = list(names)
    statement = _holding(answered_comment_id is not None, bool(names))
    rows = db.session.execute(statement, parameters).all()
    if writer_id not in {row[0] for row in rows}:
        db.session.rollback()
        gone("user")
    others = [row for row in rows if row[0] != writer_id]
    author_id = article_author_id if any(r[0] == article_author_id for r in others) else None
    answered_id = next((r[0] for r in others if r[2]), None)
    mentioned = [r[0] for r in others if r[1] in names and r[3]
                 and r[0] not in (author_id, answered_id)]
    return Held(author_id, answered_id, tuple(mentioned))


@functools.cache
def _holding(answering, mentioning):
    # Written once per process for each shape of write (a like, a reply, a mention...):
    # the members as parameters.
    answered = (select(Comment.author_id)
                .where(Comment.id == bindparam("answered_comment_id", type_=Integer))
                .scalar_subquery())
    wanted = [User.id == bindparam("writer_id", type_=Integer),
              User.id == bindparam("author_id", type_=Integer)]
    if answering:
        wanted.append(User.id == answered)
    if mentioning:
        wanted.append(func.lower(User.username).in_(bindparam("names", expanding=True)))
    return (
        select(User.id, func.lower(User.username),
               (User.id == answered) if answering else false(),
               User.banned_at.is_(None))
        .where(or_(*wanted)).order_by(User.id)
        .with_for_update(read=True, key_share=True, of=User)
    )


def liked(actor, article_id):
    """`actor` liked the article: tell its author."""
    db.session.execute(_like_statements()[0],
                       {"actor_id": actor.id, "article_id": article_id, "now": utcnow()})


def unliked(actor, article_id):
    """The like was taken back: so is its notification, unless already read."""
    db.session.execute(_like_statements()[1], {"actor_id": actor.id, "article_id": article_id})


@functools.cache
def _like_statements():
    # Written once per process, the members and article as parameters: a Like button's
    # click built them every time.
    actor_id, article_id = bindparam("actor_id", type_=Integer), bindparam(
        "article_id", type_=Integer)
    now = bindparam("now", type_=DateTime)
    # On the table, not the model: given parameters, an ORM insert is a bulk insert.
    tell = insert(Notification.__table__).from_select(NOTICE_COLUMNS, (
        select(Article.author_id, literal("like"), actor_id, Article.id, literal(None), now)
        .where(Article.id == article_id, Article.author_id != actor_id,
               _wanted_in_site(Article.author_id, "like"))
    ))
    forget = _forgetting(actor_id, "like", Notification.article_id == article_id)
    return tell, forget


def followed(actor, member_id):
    """`actor` follows the member: tell them."""
    _insert(
        select(User.id, literal("follow"), literal(actor.id), literal(None), literal(None),
               literal(utcnow()))
        .where(User.id == member_id, User.id != actor.id, _wanted_in_site(User.id, "follow"))
    )


def unfollowed(actor, member_id):
    _forget(actor, "follow", Notification.recipient_id == member_id)


def _forget(actor, kind, which):
    db.session.execute(_forgetting(actor.id, kind, which))


def _forgetting(actor_id, kind, which):
    return (
        delete(Notification)
        .where(Notification.actor_id == actor_id, Notification.kind == kind, which,
               Notification.read_at.is_(None))
        .execution_options(synchronize_session=False)
    )


def commented(actor, comment_id, article_id, held):
    """A new comment: the article's author hears of a comment, the comment answered of a
    reply (one notification each, a reply wins), the members it names of a mention.

    One statement, whoever is told: `held` (from hold()) names them.
    """
    recipients = {held.author_id, held.answered_id, *held.mentioned_ids} - {None}
    if not recipients:
        return
    answering, mentioning = held.answered_id is not None, bool(held.mentioned_ids)
    parameters = {"recipients": sorted(recipients), "actor_id": actor.id,
                  "article_id": article_id, "comment_id": comment_id, "now": utcnow()}
    if answering:
        parameters["answered_id"] = held.answered_id
    if mentioning:
        parameters["mentioned"] = list(held.mentioned_ids)
    db.session.execute(_commented_statement(answering, mentioning), parameters)


@functools.cache
def _commented_statement(answering, mentioning):
    # Written once per process for each shape (a comment, a reply, with @names or not):
    # building it took longer than running it, with SQLite's one writer waiting.
    told_as = []  # (who, kind), the first that matches wins; else a "comment"
    if answering:
        told_as.append((User.id == bindparam("answered_id", type_=Integer), "reply"))
    if mentioning:
        told_as.append((User.id.in_(bindparam("mentioned", expanding=True)), "mention"))
    kind, wanted = literal("comment"), _wanted_in_site(User.id, "comment")
    if told_as:
        kind = case(*((who, literal(name)) for who, name in told_as), else_=kind)
        wanted = case(*((who, _wanted_in_site(User.id, name)) for who, name in told_as),
                      else_=wanted)
    actor_id = bindparam("actor_id", type_=Integer)
    notices = (
        select(User.id, kind, actor_id, bindparam("article_id", type_=Integer),
               bindparam("comment_id", type_=Integer), bindparam("now", type_=DateTime))
        .where(User.id.in_(bindparam("recipients", expanding=True)), User.id != actor_id,
               wanted)
    )
    # On the table, not the model: given parameters, an ORM insert is a bulk insert.
    return insert(Notification.__table__).from_select(NOTICE_COLUMNS, notices)


def published(article):
    """An article went out for the first time: members it names, and followers who asked."""
    author_id = article.author_id
    _mentioned(author_id, article.body, article.id, None, set())
    _insert(
        select(Follow.follower_id, literal("article"), literal(author_id), literal(article.id),
               literal(None), literal(utcnow()))
        .where(Follow.followed_id == author_id,
               _wanted_in_site(Follow.follower_id, "article"))
    )


def mentioned_names(text):
    """The first MAX_MENTIONS distinct @usernames in `text`, lowercased."""
    names = []
    for name in MENTION.findall(text or ""):
        name = name.lower()
        if name not in names:
            names.append(name)
            if len(names) == MAX_MENTIONS:
                break
    return names


def _mentioned(actor_id, text, article_id, comment_id, already_told):
    names = mentioned_names(text)
    if not names:
        return  # no statement at all for the usual text
    _insert(
        select(User.id, literal("mention"), literal(actor_id), literal(article_id),
               literal(comment_id), literal(utcnow()))
        .where(func.lower(User.username).in_(names), User.id != actor_id,
               User.id.not_in(already_told - {None}) if already_told - {None} else true(),
               User.banned_at.is_(None), _wanted_in_site(User.id, "mention"))
    )


def comment_removed(comment_id):
    """A comment became a "[deleted]" placeholder: its notifications go (deleted rows cascade)."""
    db.session.execute(
        delete(Notification).where(Notification.comment_id == comment_id)
        .execution_options(synchronize_session=False)
    )
