"""API errors in the RealWorld shape: {"errors": {"<field>": ["message", ...]}}."""

from flask import jsonify

from ..domain.errors import (
    AwaitingApproval,
    Banned,
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    Suspended,
    Unverified,
)
from ..extensions import db
from .blueprint import bp

# Our domain names a few fields differently from the RealWorld documents.
API_FIELD_NAMES = {
    "tags": "tagList",
    "current_password": "password",
    "new_password": "password",
}


# RealWorld 2.0's words for the refusals it names; our own words for the rest.
SPEC_WORDING = {"blank": "can't be blank", "taken": "has already been taken"}


class ApiError(Exception):
    """Answer with `status` and these field errors."""

    def __init__(self, status, errors):
        super().__init__(errors)
        self.status = status
        self.errors = errors

    @classmethod
    def on(cls, status, field, message):
        """An error about one field."""
        return cls(status, {field: [message]})


def not_found(what):
    """404 for an unknown article, profile or comment."""
    return ApiError.on(404, what, "not found")


@bp.errorhandler(ApiError)
def api_error(error):
    db.session.rollback()
    return jsonify(errors=error.errors), error.status


@bp.errorhandler(FieldError)
def field_error(error):
    """A domain rule refused the input: 422, named as the API names the field."""
    db.session.rollback()
    field = API_FIELD_NAMES.get(error.field, error.field)
    status = 409 if isinstance(error, Conflict) else 422
    return jsonify(errors={field: [SPEC_WORDING.get(error.code, error.message)]}), status


@bp.errorhandler(Forbidden)
def forbidden(error):
    """A permission the domain refused: 403 naming the resource, as RealWorld 2.0 does."""
    db.session.rollback()
    return jsonify(errors={error.resource: ["forbidden"]}), 403


@bp.errorhandler(Unverified)
def unverified(error):
    """A member whose email is not confirmed yet may read but not write."""
    db.session.rollback()
    return jsonify(errors={"email": ["is not verified"]}), 403


@bp.errorhandler(Suspended)
def suspended(error):
    """A suspended member reads but does not write: 403, saying until when and why."""
    db.session.rollback()
    why = f" ({error.why})" if error.why else ""
    return jsonify(errors={"account": [
        f"is suspended until {error.until:%Y-%m-%dT%H:%M:%SZ}{why}"]}), 403


@bp.errorhandler(Banned)
def banned(error):
    """A banned member's correct password still logs nobody in."""
    db.session.rollback()
    why = f" ({error.why})" if error.why else ""
    return jsonify(errors={"account": [f"is banned{why}"]}), 403


@bp.errorhandler(AwaitingApproval)
def awaiting_approval(error):
    """The password is right, but no admin has approved the new account yet."""
    db.session.rollback()
    return jsonify(errors={"account": ["is awaiting approval"]}), 403


@bp.errorhandler(NotFound)
def not_found_error(error):
    """Something the operation needed is gone (deleted meanwhile): 404 naming it."""
    db.session.rollback()
    return jsonify(errors={error.resource: ["not found"]}), 404
