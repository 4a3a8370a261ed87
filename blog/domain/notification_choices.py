"""What each member chose to hear of, in the site and by email, over the defaults.

blog.domain.notifications reads the choices inside its statements; the settings
page (blog/notify/) reads and saves them here.
"""

from sqlalchemy import select

from ..extensions import db
from ..models import NotificationPref

# kind: (in the site, by email) when the member has not chosen.
DEFAULTS = {
    "comment": (True, True),
    "reply": (True, True),
    "mention": (True, True),
    "follow": (True, False),
    "like": (True, False),
    "article": (False, False),
}
LABELS = {
    "comment": "Comments on my articles",
    "reply": "Replies to my comments",
    "mention": "Mentions of @me",
    "follow": "New followers",
    "like": "Likes on my articles",
    "article": "New articles by members I follow",
}


def preferences(user):
    """{kind: (in_site, by_email)} for `user`: their choices over the defaults (one query)."""
    chosen = dict(DEFAULTS)
    for pref in db.session.scalars(select(NotificationPref).where(
            NotificationPref.user_id == user.id)):
        if pref.kind in chosen:
            chosen[pref.kind] = (pref.in_site, pref.by_email)
    return chosen


def save_preferences(user, choices):
    """Store {kind: (in_site, by_email)} for `user` (commits); unknown kinds are ignored."""
    rows = {p.kind: p for p in db.session.scalars(
        select(NotificationPref).where(NotificationPref.user_id == user.id))}
    for kind, (in_site, by_email) in choices.items():
        if kind not in DEFAULTS:
            continue
        pref = rows.get(kind) or NotificationPref(user_id=user.id, kind=kind)
        pref.in_site, pref.by_email = bool(in_site), bool(by_email)
        db.session.add(pref)
    db.session.commit()
