"""The domain's own errors: what a rule says when it refuses.

They speak no HTTP. The web layer turns them into pages (blog.web.errors)
and the API into its JSON bodies (blog.api.errors), each in one place.
"""


class DomainError(Exception):
    """A rule of the community refused the operation."""


class FieldError(DomainError, ValueError):
    """The input was refused: `field` names the culprit, `message` says why.

    `code` names the kind of refusal ("blank", "taken") for callers with
    their own wording, as the RealWorld API has.
    """

    def __init__(self, field, message, code=None):
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


class Conflict(FieldError):
    """The value is taken by someone else (a username, an email address)."""

    def __init__(self, field, message, code="taken"):
        super().__init__(field, message, code)


class Forbidden(DomainError):
    """The member may not do this to `resource` ("article", "comment", ...); `reason` says why."""

    def __init__(self, resource, reason=None):
        super().__init__(reason or f"{resource}: forbidden")
        self.resource = resource
        self.reason = reason


class Unverified(Forbidden):
    """The member must confirm their email address before writing anything."""

    def __init__(self, reason=None):
        super().__init__("email", reason)


class Suspended(Forbidden):
    """A moderator suspended the member: they read, but write nothing until `until`."""

    def __init__(self, until, reason=""):
        why = f" Reason: {reason}" if reason else ""
        super().__init__(
            "account", f"Your account is suspended until {until:%Y-%m-%d %H:%M} UTC.{why}")
        self.until = until
        self.why = reason


class Banned(Forbidden):
    """A moderator banned the member: no login, no session, no token."""

    def __init__(self, reason=""):
        why = f" Reason: {reason}" if reason else ""
        super().__init__("account", f"This account has been banned by the moderators.{why}")
        self.why = reason


class AwaitingApproval(Forbidden):
    """The site asks admins to approve new members, and none has approved this one yet."""

    def __init__(self):
        super().__init__("account", "Your account is awaiting approval by the admins. "
                                    "We will email you once they have approved it.")


class NotFound(DomainError):
    """`resource` does not exist, or was deleted meanwhile; `reason` says which, if known."""

    def __init__(self, resource, reason=None):
        super().__init__(reason or f"{resource}: not found")
        self.resource = resource
        self.reason = reason
