"""Forms of sign-up, login and password reset."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length

from ..web.validators import Email, NewPassword, NewUsername


class RegisterForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Length(max=254), Email()],
        render_kw={"autocomplete": "email"},
    )
    username = StringField(
        "Username",
        validators=[DataRequired(), NewUsername()],
        description="3 to 30 letters, digits, _ or -. People will see it.",
        render_kw={"autocomplete": "username", "maxlength": 30},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), NewPassword()],
        description="At least 8 characters.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )
    # The token of an invitation link (sites where sign-ups are by invitation only).
    invite = HiddenField(validators=[Length(max=100)])
    submit = SubmitField("Sign up")


class LoginForm(FlaskForm):
    login = StringField(
        "Email or username",
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Remember me")
    submit = SubmitField("Log in")


class LoginLinkForm(FlaskForm):
    login = StringField(
        "Email or username",
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    submit = SubmitField("Email me a one-time login link")


class ResetRequestForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Length(max=254), Email()],
        render_kw={"autocomplete": "email"},
    )
    submit = SubmitField("Send reset link")


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired(), NewPassword()],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Set new password")
