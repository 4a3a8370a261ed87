"""The editor's form. The rules themselves live in blog.domain.articles."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..domain import articles
from ..domain.articles import LIMITS, ArticleError

PICTURE_TYPES = "image/png,image/jpeg,image/gif,image/webp"


class Tags:
    """Tags as blog.domain.articles.parse_tags reads them."""

    def __call__(self, form, field):
        try:
            articles.parse_tags(field.data or "")
        except ArticleError as error:
            raise ValidationError(error.message) from None


class CoverUrl:
    def __call__(self, form, field):
        problem = articles.cover_url_problem((field.data or "").strip())
        if problem:
            raise ValidationError(problem)


class ArticleForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[DataRequired("Give your article a title."), Length(max=LIMITS["title"])],
    )
    description = StringField(
        "Description",
        validators=[Length(max=LIMITS["description"])],
        description="Optional: one or two sentences shown in lists.",
    )
    cover_url = StringField(
        "Cover image URL",
        validators=[CoverUrl()],
        description="Optional: an https:// address of an image.",
    )
    # Pictures are checked by their content (blog.domain.pictures), never by their
    # name: `accept` only helps the browser's file chooser.
    cover_file = FileField(
        "Or upload a cover", render_kw={"accept": PICTURE_TYPES},
        description="PNG, JPEG, GIF or WebP; at most 1600 pixels wide are kept.",
    )
    tags = StringField(
        "Tags",
        validators=[Tags()],
        description=("Up to 4, separated by commas or spaces: letters, digits, underscores "
                     "and hyphens."),
    )
    body = TextAreaField(
        "Body",
        validators=[DataRequired("Write something in the body."), Length(max=LIMITS["body"])],
        description="Markdown: code blocks with ```, tables with | pipes |.",
    )
    # "Upload image" stores the picture and adds its Markdown to the body (nothing
    # else is saved); with JavaScript, static/js/pictures.js does it in place, and a
    # picture dropped or pasted on the body too.
    image = FileField("Image to insert", render_kw={"accept": PICTURE_TYPES})
    upload_image = SubmitField("Upload image")
    publish = SubmitField("Publish")
    save_draft = SubmitField("Save draft")
    preview = SubmitField("Preview")

    def article_fields(self):
        """What blog.domain.articles.create_article and update_article take."""
        return {
            "title": self.title.data,
            "description": self.description.data,
            "body": self.body.data,
            "tags": self.tags.data,
            "cover_url": self.cover_url.data,
            "publish": bool(self.publish.data),
        }
