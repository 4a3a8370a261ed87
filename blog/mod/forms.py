"""Forms of the report and moderation pages."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..domain.moderation import REASON_LIMIT
from ..domain.permissions import ROLES
from ..domain.reports import NOTE_LIMIT, REASON_LABELS
from ..domain.site import LIMITS


def stripped(text):
    return text.strip() if isinstance(text, str) else ""


class ReportForm(FlaskForm):
    reason = RadioField("Why are you reporting this?",
                        choices=[SelectChoice(v, label) for v, label in REASON_LABELS.items()],
                        validators=[InputRequired("Choose why you report this.")])
    note = TextAreaField("Anything the moderators should know? (optional)", filters=[stripped],
                         validators=[Length(max=NOTE_LIMIT)])
    submit = SubmitField("Send report")


class ActionForm(FlaskForm):
    """One form for every action: the reason the member will read, and a date to suspend."""

    reason = TextAreaField("Reason (the member sees it)", filters=[stripped],
                           validators=[DataRequired("Say why: the member will read it."),
                                       Length(max=REASON_LIMIT)])
    until = DateField("Suspended until", validators=[Optional()])


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(r, r.capitalize()) for r in ROLES])
    submit = SubmitField("Change role")


class MemberSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Name or email", filters=[stripped], validators=[Length(max=254)])
    status = SelectField("Status", choices=[
        SelectChoice("", "Everyone"), SelectChoice("moderators", "Moderators and admins"),
        SelectChoice("suspended", "Suspended"), SelectChoice("banned", "Banned"),
        SelectChoice("awaiting", "Awaiting approval")],
        validate_choice=False)


class SiteSettingsForm(FlaskForm):
    """The admins' settings of the whole site (blog.domain.site checks every value)."""

    name = StringField("Site name", filters=[stripped],
                       validators=[DataRequired("The site needs a name."),
                                   Length(max=LIMITS["name"])])
    description = StringField("Short description", filters=[stripped],
                              validators=[Length(max=LIMITS["description"])],
                              description="Shown in the footer of every page.")
    welcome = TextAreaField("Welcome text for visitors", filters=[stripped],
                            validators=[Length(max=LIMITS["welcome"])],
                            description="On the home page, for visitors who are not logged "
                                        "in. A blank line starts a new paragraph.")
    about = TextAreaField("About page (Markdown)", filters=[stripped],
                          validators=[Length(max=LIMITS["about"])],
                          description="Empty: no About page.")
    conduct = TextAreaField("Code of Conduct (Markdown)", filters=[stripped],
                            validators=[Length(max=LIMITS["conduct"])],
                            description="Linked from the footer and the sign-up page. "
                                        "Empty: none.")
    contact_email = StringField("Contact address", filters=[stripped],
                                validators=[Length(max=LIMITS["contact_email"])])
    logo_url = StringField("Logo address", filters=[stripped],
                           validators=[Length(max=LIMITS["logo_url"])],
                           description="An https:// address of an image, or a path on this "
                                       "site such as /static/favicon.svg.")
    signup_mode = RadioField("Sign-ups", choices=[
        SelectChoice("open", "Open: anyone may sign up"),
        SelectChoice("invite", "By invitation only"),
        SelectChoice("closed", "Closed")],
        validators=[InputRequired("Choose how people join.")])
    require_approval = BooleanField("Admins approve new members before they can log in")
    members_invite = BooleanField("Members may invite people")
    submit = SubmitField("Save settings")
