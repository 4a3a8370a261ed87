"""New members: for their first days they may write less, and post fewer links.

Spam comes from accounts made the same day: lower limits for a few days cost an
honest newcomer nothing (two articles an hour is plenty) and cost a spammer
most of their reach. The numbers are settings (NEW_MEMBER_DAYS and the
RATELIMIT_*_PER_NEW_MEMBER limits); blog.web.write_limits applies them.
"""

import re
from datetime import timedelta

from ..models import utcnow
from ..runtime import settings

# What a link looks like in what members type: a bare address, or Markdown's
# [text](address) and <address> all hold one.
LINK = re.compile(r"\b(?:https?|ftp)://|\bwww\.", re.IGNORECASE)


def is_newcomer(user):
    """True while `user`'s account is younger than NEW_MEMBER_DAYS (0: nobody is)."""
    days = settings["NEW_MEMBER_DAYS"]
    return bool(days) and user.created_at > utcnow() - timedelta(days=days)


def count_links(text):
    """How many links `text` holds, as a reader would count them."""
    return len(LINK.findall(text or ""))
