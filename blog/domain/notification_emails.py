"""Emails about notifications: at most one per member and kind an hour, each with a
one-click unsubscribe.

Writes never email (they stay a fixed number of statements): the mail worker
and `flask send-mail` call queue_due(), which claims what no email has told of
yet, one member and kind at a time. A member whose last email of that kind is
less than an hour old waits: what happened meanwhile goes into the next email,
an hour after the last. Emails go only to confirmed addresses, only for kinds
the member wants by email, and only for what they have not already read.
"""

from datetime import timedelta

from sqlalchemy import select, update

from ..extensions import db
from ..models import Notification, NotificationPref, User, utcnow
from .links import page_link
from .notification_choices import DEFAULTS, LABELS
from .notification_pages import details, grouped, heard
from .outbox import queue_email
from .tokens import TokenError, make_token, read_token

EVERY = timedelta(hours=1)
SHOWN = 10  # lines in one email; the rest are counted
PAIRS_PER_PASS = 200
UNSUBSCRIBE = "unsubscribe"
UNSUBSCRIBE_MAX_AGE = 365 * 24 * 3600  # an old email's link still works for a year


def queue_due(now=None):
    """Queue the emails that are due (commits each); returns how many were queued."""
    now = now or utcnow()
    pairs = db.session.execute(
        select(Notification.recipient_id, Notification.kind)
        .where(Notification.emailed_at.is_(None)).distinct().limit(PAIRS_PER_PASS)
    ).all()
    queued = 0
    for recipient_id, kind in pairs:
        queued += _queue_for(recipient_id, kind, now)
        db.session.commit()
    return queued


def _queue_for(recipient_id, kind, now):
    """One email to the member about `kind`, if one is due; 1 when queued."""
    # The member's row first, as a comment's or a like's writer holds it: an account being
    # deleted then waits for this pass, or this pass for it (and finds nobody), instead of
    # each holding what the other needs (claimed notifications / the member's row).
    recipient = db.session.scalar(
        select(User).where(User.id == recipient_id)
        .with_for_update(read=True, key_share=True, of=User)
    )
    if recipient is None:
        return 0
    pref = db.session.get(NotificationPref, (recipient_id, kind))
    by_email = pref.by_email if pref else DEFAULTS[kind][1]
    wanted = by_email and recipient.is_verified and not recipient.is_banned
    if wanted and pref and pref.last_emailed_at and pref.last_emailed_at > now - EVERY:
        return 0  # within the hour: they wait for the next email
    # Claimed by this sender alone: another pass finds them emailed.
    claimed = db.session.scalars(
        update(Notification)
        .where(Notification.recipient_id == recipient_id, Notification.kind == kind,
               Notification.emailed_at.is_(None))
        .values(emailed_at=now)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not wanted or not claimed:
        return 0
    rows = db.session.execute(
        details().where(Notification.id.in_(claimed), Notification.read_at.is_(None), heard())
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    ).all()
    items = grouped(rows)
    if not items:
        return 0  # read on the site already, or from members banned since
    if pref is None:
        in_site = DEFAULTS[kind][0]
        pref = NotificationPref(user_id=recipient_id, kind=kind, in_site=in_site, by_email=True)
        db.session.add(pref)
    pref.last_emailed_at = now
    _send(recipient, kind, items)
    return 1


def _link(item):
    if item.kind == "follow":
        return page_link("profile", username=item.actors[0])
    anchor = f"#comment-{item.comment_id}" if item.comment_id else ""
    return page_link("article", slug=item.article_slug) + anchor


def _send(recipient, kind, items):
    unsubscribe_url = page_link("unsubscribe", token=unsubscribe_token(recipient, kind))
    first = items[0]
    subject = f"{first.who} {first.what}"
    if len(items) > 1:
        subject += f" (and {len(items) - 1} more)"
    queue_email(
        recipient.email, subject[:255], "notifications",
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        user=recipient, label=LABELS[kind],
        lines=[(f"{item.who} {item.what}", _link(item)) for item in items[:SHOWN]],
        more=max(0, len(items) - SHOWN),
        notifications_url=page_link("notifications"),
        choices_url=page_link("notification_choices"),
        unsubscribe_url=unsubscribe_url,
    )


# --- unsubscribing ---------------------------------------------------------------------------


def unsubscribe_token(member, kind):
    """A signed link's token: stop `kind` emails to `member`, without logging in."""
    return make_token(UNSUBSCRIBE, member, kind=kind)


def read_unsubscribe(token):
    """(member, kind) the token is for; raises TokenError when forged, expired or odd."""
    member, payload = read_token(UNSUBSCRIBE, token, UNSUBSCRIBE_MAX_AGE)
    kind = payload.get("kind")
    if kind not in DEFAULTS:
        raise TokenError("This link is invalid.")
    return member, kind


def unsubscribe(token):
    """Turn off `kind` emails for the token's member (commits); returns (member, kind)."""
    member, kind = read_unsubscribe(token)
    pref = db.session.get(NotificationPref, (member.id, kind))
    if pref is None:
        pref = NotificationPref(user_id=member.id, kind=kind, in_site=DEFAULTS[kind][0])
        db.session.add(pref)
    pref.by_email = False
    db.session.commit()
    return member, kind
