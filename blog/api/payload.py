"""Reading request bodies: {"<root>": {...}} as the spec nests them."""

from flask import request

from .errors import ApiError

BLANK = "can't be blank"


def read_payload(root):
    """The object under `root` in the JSON body; 422 when the body is not that."""
    if not request.is_json:
        raise ApiError.on(422, "body", "must be JSON, sent with Content-Type: application/json")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError.on(422, "body", "must be a JSON object")
    inner = data.get(root)
    if not isinstance(inner, dict):
        raise ApiError.on(422, root, "must be an object")
    return inner


def text_fields(payload, required=(), optional=()):
    """The named string fields of `payload`; 422 naming every missing or wrong one.

    A required field must be there and not blank; an optional one may be
    missing (then it is not in the result) but must be a string when present.
    """
    values, errors = {}, {}
    for name in (*required, *optional):
        value = payload.get(name)
        if value is None:
            if name in required:
                errors[name] = [BLANK]
        elif not isinstance(value, str):
            errors[name] = ["must be a string"]
        elif name in required and not value.strip():
            errors[name] = [BLANK]
        else:
            values[name] = value
    if errors:
        raise ApiError(422, errors)
    return values


def tag_list(payload):
    """The tagList of `payload` as a list of strings, or None when it is left out.

    RealWorld 2.0: left out keeps an article's tags, [] clears them, null is refused.
    """
    if "tagList" not in payload:
        return None
    tags = payload["tagList"]
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ApiError.on(422, "tagList", "must be a list of strings")
    return tags


def window_args(max_limit, max_offset):
    """?limit= (default 20, at most max_limit) and ?offset= (default 0); 422 when unusable."""
    errors = {}
    limit = _whole_number("limit", 20, 1, errors)
    offset = _whole_number("offset", 0, 0, errors, maximum=max_offset)
    if errors:
        raise ApiError(422, errors)
    return min(limit, max_limit), offset


def _whole_number(name, default, minimum, errors, maximum=None):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        errors[name] = ["must be a whole number"]
        return default
    if value < minimum:
        errors[name] = [f"must be at least {minimum}"]
    elif maximum is not None and value > maximum:
        # A deep OFFSET makes the database walk every row before it.
        errors[name] = [f"must be at most {maximum}"]
    return value
