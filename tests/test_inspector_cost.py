"""What the flow inspector costs: a rule a page asks once per comment is one step, counted."""

import pytest

from helpers import Auth, FormClient


@pytest.fixture
def inspected(make_app):
    app = make_app(FLOW_INSPECTOR=True)
    with app.app_context():
        yield app


def test_a_rule_asked_per_comment_is_told_once_with_its_count(inspected, make_member,
                                                               make_article):
    from blog.domain.comments import add_comment

    article = make_article(author=make_member("author"), title="Discussed")
    commenter = make_member("commenter")
    for n in range(3):
        add_comment(commenter, article, f"Comment {n}")
    make_member("member1")
    reader = FormClient(inspected.test_client())
    Auth(reader).login()

    page = reader.get(f"/articles/{article.slug}")
    record = reader.get(f"/flow/{page.headers['X-Request-Id']}.json").get_json()
    rules = [step for step in record["steps"] if step["kind"] == "rule"]
    texts = [step["text"] for step in rules]
    assert len(texts) == len(set(texts))
    assert ("You may edit this comment: no (rule can_edit_comment). "
            "Asked 3 times for this answer.") in texts
    assert "You may see this article: yes (rule can_view)." in texts
    edit = next(step for step in rules if step["detail"]["rule"] == "can_edit_comment")
    assert edit["detail"]["times asked"] == 3
    assert edit["code"]["file"] == "blog/domain/permissions.py"
