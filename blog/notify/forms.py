"""The form of the notification choices: two boxes per kind, in the site and by email."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from ..domain.notification_choices import DEFAULTS, LABELS


class ChoicesForm(FlaskForm):
    """Built with one pair of boxes per kind (see choices_form)."""

    submit = SubmitField("Save choices")


for _kind in DEFAULTS:
    setattr(ChoicesForm, f"{_kind}_site", BooleanField(f"{LABELS[_kind]}: in the site"))
    setattr(ChoicesForm, f"{_kind}_email", BooleanField(f"{LABELS[_kind]}: by email"))


def choices_form(current, **kwargs):
    """The form, filled from `current` ({kind: (in_site, by_email)}) unless posted."""
    data = {}
    for kind, (in_site, by_email) in current.items():
        data[f"{kind}_site"], data[f"{kind}_email"] = in_site, by_email
    return ChoicesForm(data=data, prefix="notify", **kwargs)


def chosen(form):
    """{kind: (in_site, by_email)} as posted."""
    return {kind: (form[f"{kind}_site"].data, form[f"{kind}_email"].data) for kind in DEFAULTS}
