"""Who may moderate whom: every role against every other, suspended and banned ones too."""

from datetime import timedelta

import pytest

from blog.domain import permissions
from blog.models import utcnow

pytestmark = pytest.mark.usefixtures("app")

ROLES = ("member", "moderator", "admin")


@pytest.fixture
def people(make_member):
    made = {role: make_member(f"a-{role}", role=role) for role in ROLES}
    made.update({f"other-{role}": make_member(f"b-{role}", role=role) for role in ROLES})
    suspended = make_member("s-moderator", role="moderator")
    suspended.suspended_until = utcnow() + timedelta(days=1)
    banned = make_member("x-admin", role="admin")
    banned.banned_at = utcnow()
    made.update({"suspended-moderator": suspended, "banned-admin": banned})
    return made


# actor -> the subjects they may act on (everyone else: no)
MAY_ACT_ON = {
    "member": set(),
    "moderator": {"member", "other-member"},
    "admin": {"member", "other-member", "moderator", "other-moderator"},
    "suspended-moderator": set(),
    "banned-admin": set(),
}
SUBJECTS = ("member", "moderator", "admin", "other-member", "other-moderator", "other-admin")


@pytest.mark.parametrize("actor", list(MAY_ACT_ON))
@pytest.mark.parametrize("subject", SUBJECTS)
def test_who_may_act_on_whom(people, actor, subject):
    expected = subject in MAY_ACT_ON[actor]
    assert permissions.may_act_on(people[actor], people[subject]) is expected


@pytest.mark.parametrize("actor, queue, log, roles", [
    ("member", False, False, False), ("moderator", True, False, False),
    ("admin", True, True, True), ("suspended-moderator", False, False, False),
])
def test_what_each_role_may_open(people, actor, queue, log, roles):
    user = people[actor]
    assert permissions.may_moderate(user) is queue
    assert permissions.may_read_moderation_log(user) is log
    assert permissions.can_set_role(user, people["other-member"]) is roles


def test_nobody_acts_on_themselves_or_changes_their_own_role(people):
    for role in ROLES:
        assert not permissions.may_act_on(people[role], people[role])
    assert not permissions.can_set_role(people["admin"], people["admin"])


def test_a_moderator_deletes_a_members_article_but_not_an_admins(people, make_article):
    members_article = make_article(author=people["member"])
    admins_article = make_article(author=people["admin"])
    assert permissions.can_delete(people["moderator"], members_article)
    assert not permissions.can_delete(people["moderator"], admins_article)
    assert not permissions.can_delete(people["other-member"], members_article)
