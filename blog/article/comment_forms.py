"""The comment form, and where the comments section shows it (rules: blog.domain.comments)."""

from dataclasses import dataclass
from functools import cached_property

from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from ..domain.comments import EMPTY_BODY, LONG_BODY, MAX_BODY
from ..web.urls import MAX_ROW_ID


def body_field():
    """The Markdown box, checked as blog.domain.comments checks it."""
    return TextAreaField(
        "Comment",
        validators=[DataRequired(EMPTY_BODY), Length(max=MAX_BODY, message=LONG_BODY)],
        description="Markdown works: *emphasis*, `code`, [links](https://example.org).",
    )


class CommentForm(FlaskForm):
    """A new comment, or a reply when parent_id is set."""

    body = body_field()
    parent_id = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=MAX_ROW_ID)]
    )
    submit = SubmitField("Post comment")


class EditCommentForm(FlaskForm):
    body = body_field()
    submit = SubmitField("Save comment")


@dataclass
class SectionForms:
    """The forms of the comments section: a refused one goes back where it was typed.

    `refused_new` is a comment refused from the box under "Comments"; a refused reply
    reappears, with its error and text, in the reply box of its own thread. The other
    threads have a Reply link, and the page one blank reply form, the same for every
    member but its token, so the page keeps it drawn (blog/web/fragments.py), as it
    keeps the blank box under "Comments": the blank form is built only when a box is
    drawn anew (a thread shown on its own, or a first page view).
    """

    refused_new: CommentForm | None = None
    refused_reply: CommentForm | None = None
    refused_thread_id: int | None = None

    @cached_property
    def blank(self):
        """An empty CommentForm, built on first use."""
        return CommentForm(formdata=None)

    def reply_is_blank(self, thread_id):
        """Whether thread `thread_id` has no refused reply to show in its box."""
        return thread_id != self.refused_thread_id

    @classmethod
    def around(cls, refused, threads):
        """Forms for the section, given the refused form (or None) and the threads."""
        if refused is None:
            return cls()
        parent_id = refused.parent_id.data
        thread = next((t for t in threads if parent_id and t.holds(parent_id)), None)
        if thread is None:
            return cls(refused_new=refused)
        return cls(refused_reply=refused, refused_thread_id=thread.comment.id)
