"""Forms of the report and moderation pages."""

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..domain.moderation import REASON_LIMIT
from ..domain.permissions import ROLES
from ..domain.reports import NOTE_LIMIT, REASON_LABELS


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
        SelectChoice("suspended", "Suspended"), SelectChoice("banned", "Banned")],
        validate_choice=False)
