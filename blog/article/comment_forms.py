"""The comment form, and where the comments section shows it (rules: blog.domain.comments)."""

from dataclasses import dataclass

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

    `new` is the box under "Comments"; a refused reply reappears, with its
    error and text, in the reply form of its own thread.
    """

    new: CommentForm
    blank: CommentForm
    refused_reply: CommentForm | None = None
    refused_thread_id: int | None = None

    def reply_form(self, thread_id):
        """The form to draw in thread `thread_id`'s Reply box."""
        return self.refused_reply if thread_id == self.refused_thread_id else self.blank

    @classmethod
    def around(cls, refused, threads):
        """Forms for the section, given the refused form (or None) and the threads."""
        blank = CommentForm(formdata=None)
        if refused is None:
            return cls(new=blank, blank=blank)
        parent_id = refused.parent_id.data
        thread = next((t for t in threads if parent_id and t.holds(parent_id)), None)
        if thread is None:
            return cls(new=refused, blank=blank)
        return cls(new=blank, blank=blank, refused_reply=refused,
                   refused_thread_id=thread.comment.id)
