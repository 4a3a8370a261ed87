"""WTForms validators that ask the domain rules in accounts and passwords."""

from wtforms.validators import ValidationError

from ..domain import accounts, passwords, profiles


class Email:
    """A real email address; replaces the field's data with its normal form."""

    def __call__(self, form, field):
        try:
            field.data = accounts.normalize_email(field.data or "")
        except accounts.AccountError as exc:
            raise ValidationError(exc.message) from None


class NewUsername:
    """A username that a new account may take."""

    def __call__(self, form, field):
        problem = accounts.username_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class ImageUrl:
    """An https:// address of a picture, or nothing."""

    def __call__(self, form, field):
        field.data = (field.data or "").strip()
        problem = profiles.image_url_problem(field.data)
        if problem:
            raise ValidationError(problem)


class NewPassword:
    """A password that meets the rules; compares with the form's username/email if present."""

    def __call__(self, form, field):
        username = getattr(form, "username", None)
        email = getattr(form, "email", None)
        problem = passwords.password_problem(
            field.data or "",
            username=username.data if username and username.data else self._user_attr("username"),
            email=email.data if email and email.data else self._user_attr("email"),
        )
        if problem:
            raise ValidationError(problem)

    @staticmethod
    def _user_attr(name):
        from flask_login import current_user

        return getattr(current_user, name, "") if current_user.is_authenticated else ""
