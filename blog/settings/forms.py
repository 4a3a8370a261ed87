"""Forms of the settings page. Each has its own prefix so field ids never clash."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import EmailField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length

from ..domain.profiles import MAX_BIO
from ..web.validators import Email, ImageUrl, NewPassword

PICTURE_TYPES = "image/png,image/jpeg,image/gif,image/webp"


def stripped(text):
    """The text without surrounding spaces; a field left out of the post reads as empty."""
    return text.strip() if isinstance(text, str) else ""


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", filters=[stripped], validators=[Length(max=80)])
    bio = TextAreaField(
        "Bio",
        filters=[stripped],
        validators=[Length(max=MAX_BIO)],
        description=f"Up to {MAX_BIO} characters.",
    )
    image_url = StringField(
        "Picture",
        validators=[ImageUrl()],
        description="The https:// address of a square picture, or leave empty.",
    )
    # Checked by its content, not its name (blog.domain.pictures): `accept` only
    # helps the browser's file chooser.
    picture = FileField(
        "Or upload a picture",
        render_kw={"accept": PICTURE_TYPES},
        description="PNG, JPEG, GIF or WebP; it is cropped square.",
    )
    submit = SubmitField("Save profile")


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), NewPassword()],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Change password")


class EmailChangeForm(FlaskForm):
    email = EmailField(
        "New email",
        validators=[DataRequired(), Length(max=254), Email()],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Change email")


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Delete my account")


class ImportForm(FlaskForm):
    # What the files may hold is the domain's business (blog.domain.imports): the
    # form only carries them, and shows its refusal beside the field.
    files = MultipleFileField(
        "Markdown files",
        render_kw={"accept": ".md,.markdown,.zip,text/markdown,application/zip"},
        description="One or more .md files, or a .zip of them (an export's zip works too). "
                    "Each becomes a draft.",
    )
    submit = SubmitField("Import as drafts")


def settings_forms(user, **bound):
    """Every form of the page: those in `bound` carry the submitted data and errors."""
    forms = {
        "profile_form": ProfileForm(prefix="profile", obj=user),
        "password_form": PasswordForm(prefix="password", formdata=None),
        "email_form": EmailChangeForm(prefix="email", formdata=None),
        "delete_form": DeleteAccountForm(prefix="delete", formdata=None),
        "import_form": ImportForm(prefix="import", formdata=None),
    }
    forms.update(bound)
    return forms
