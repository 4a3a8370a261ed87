"""Which page of a list a request asks for: ?page=, read once here for every list page."""

from flask import request


def requested_page():
    """The ?page= of this request as a number, or None when it is absent or not one.

    The domain's listing decides what a missing or out-of-range page means.
    """
    return request.args.get("page", type=int)
