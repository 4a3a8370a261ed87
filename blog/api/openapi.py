"""The API's own OpenAPI 3.1 document: document() builds it as a dict.

It describes what blog/api does, including where that differs from the
RealWorld spec (every error names its field, a 401 has a body, lists leave
`body` out, PUT takes tagList). tests/api_contract.py checks real answers
against it, tests/test_api_fuzz.py fuzzes the API from it, and /api/docs
renders it for people. The schemas and other parts are in openapi_components.py.
"""

from ..config import DefaultConfig
from .openapi_components import SCHEME, _answer, components
from .openapi_schema import record, ref, text, wrapped

OVERVIEW = """\
The JSON API of this site, in the shape of the RealWorld ("Conduit") API.

Send `Authorization: Token <token>` (or `Bearer <token>`) with the token that
registering, logging in and GET /user answer with. Members write (articles,
comments, favorites, follows) once their email address is confirmed, when the
site asks for that.

Every error, whatever its status (401, 403, 404, 405, 413, 422, 429), answers
`{"errors": {"<field>": ["<message>", ...]}}`, naming the field at fault, or
`body` for the request as a whole; a 403 or 404 names the resource instead
(`{"errors": {"article": ["forbidden"]}}`, `{"errors": {"comment": ["not found"]}}`).
Writing is rate limited per member and per address (articles, comments,
favorites and follows each have a budget; only writes that went through
count per member): over it, 429 with a Retry-After header. Requests over 1 MiB get 413, and any
request with a character no database stores (NUL, a lone surrogate) or JSON
nested deeper than 32 levels gets 422. Timestamps are
UTC with milliseconds: `2026-01-31T09:30:00.000Z`. Query parameters the API
does not know are ignored.
"""


# --- operations ------------------------------------------------------------------

ERROR_RESPONSES = {
    "401": "Unauthorized", "403": "Forbidden", "404": "NotFound", "409": "Conflict",
    "413": "TooLarge", "422": "Unprocessable", "429": "TooManyRequests",
}


def _security(auth):
    """The security requirement for `auth`, or None when no token is read."""
    return {
        "none": None,
        # With a token: `following` and `favorited` are the asker's, and their drafts are found.
        "optional": [{}, {SCHEME: []}],
        "required": [{SCHEME: []}],
    }[auth]


def operation(operation_id, tag, summary, *, auth="none", params=(), body=None,
              answers=("200", "Article"), errors=()):
    """One operation; `auth` is none, optional or required.

    401 is added wherever a token is read, 404 with a path parameter, 413 with a body,
    and 422 everywhere: a NUL or lone surrogate anywhere in a request is refused before
    anything reads it (blog/web/security.py).
    """
    statuses = set(errors) | {"422"}
    if auth != "none":
        statuses.add("401")
    if any(name in ("slug", "username", "commentId") for name in params):
        statuses.add("404")
    if body:
        statuses.add("413")
    status, answer = answers
    spec = {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        "responses": {status: ref("responses", answer)} | {
            code: ref("responses", ERROR_RESPONSES[code]) for code in sorted(statuses)
        },
    }
    if params:
        spec["parameters"] = [ref("parameters", name) for name in params]
    if body:
        spec["requestBody"] = ref("requestBodies", body)
    if _security(auth):
        spec["security"] = _security(auth)
    return spec


def _paths(max_comments):
    listing = ("tag", "author", "favorited", "limit", "offset")
    article = ("slug",)
    login = operation(
        "login", "Users", "Log in with an email address (or username) and password",
        body="Login", answers=("200", "User"), errors=("401", "422", "429"))
    login["responses"]["401"] = ref("responses", "WrongCredentials")  # no token involved
    login["responses"]["403"] = ref("responses", "Banned")
    register = operation(
        "register", "Users", "Register; the address is confirmed by an emailed link",
        body="Registration", answers=("201", "User"), errors=("409", "422", "429"))
    register["responses"]["403"] = ref("responses", "SignupRefused")
    return {
        "/users/login": {"post": login},
        "/users": {"post": register},
        "/user": {
            "get": operation("getCurrentUser", "Users", "The member the token belongs to",
                             auth="required", answers=("200", "User")),
            "put": operation("updateCurrentUser", "Users", "Change the member's account",
                             auth="required", body="UserChanges", answers=("200", "User"),
                             errors=("409", "422", "429")),
        },
        "/profiles/{username}": {"get": operation(
            "getProfile", "Profiles", "A member's profile", auth="optional",
            params=("username",), answers=("200", "Profile"))},
        "/profiles/{username}/follow": {
            "post": operation("followMember", "Profiles", "Follow a member", auth="required",
                              params=("username",), answers=("200", "Profile"),
                              errors=("403", "422", "429")),
            "delete": operation("unfollowMember", "Profiles", "Stop following a member",
                                auth="required", params=("username",),
                                answers=("200", "Profile")),
        },
        "/articles": {
            "get": operation("listArticles", "Articles", "Published articles, newest first",
                             auth="optional", params=listing, answers=("200", "Articles"),
                             errors=("422",)),
            "post": operation("createArticle", "Articles", "Publish an article",
                              auth="required", body="NewArticle", answers=("201", "Article"),
                              errors=("403", "422", "429")),
        },
        "/articles/feed": {"get": operation(
            "getFeed", "Articles", "Articles by the members and with the tags the member follows",
            auth="required", params=("limit", "offset"), answers=("200", "Articles"),
            errors=("422",))},
        "/articles/{slug}": {
            "get": operation("getArticle", "Articles", "One article", auth="optional",
                             params=article),
            "put": operation("updateArticle", "Articles", "Change one's own article",
                             auth="required", params=article, body="ArticleChanges",
                             errors=("403", "422", "429")),
            "delete": operation("deleteArticle", "Articles",
                                "Delete one's own article (administrators: any)",
                                auth="required", params=article, answers=("204", "Deleted"),
                                errors=("403",)),
        },
        "/articles/{slug}/favorite": {
            "post": operation("favoriteArticle", "Favorites", "Favorite a published article",
                              auth="required", params=article, errors=("403", "429")),
            "delete": operation("unfavoriteArticle", "Favorites", "Take a favorite back",
                                auth="required", params=article),
        },
        "/articles/{slug}/comments": {
            "get": operation("listComments", "Comments",
                             f"An article's comments (at most {max_comments:,})",
                             auth="optional", params=article, answers=("200", "Comments")),
            "post": operation("addComment", "Comments", "Comment on a published article",
                              auth="required", params=article, body="NewComment",
                              answers=("201", "Comment"), errors=("403", "422", "429")),
        },
        "/articles/{slug}/comments/{id}": {"delete": operation(
            "deleteComment", "Comments", "Delete one's own comment (administrators: any)",
            auth="required", params=("slug", "commentId"), answers=("204", "Deleted"),
            errors=("403",))},
        "/tags": {"get": operation("listTags", "Tags", "The tags in use",
                                   answers=("200", "Tags"))},
        "/uploads": {"post": operation(
            "uploadPicture", "Uploads", "Upload a picture (profile, cover, or for a body)",
            auth="required", body="Upload", answers=("201", "Upload"),
            errors=("403", "422", "429"))},
    }


# A picture is sent as multipart/form-data, the one body that is not JSON.
UPLOAD_BODY = {
    "required": True,
    "description": (
        "`image`: a PNG, JPEG, GIF or WebP file, recognised by its content, of at most "
        "UPLOAD_MAX_BYTES (5 MiB unless the site says otherwise; the request may be 1 MiB "
        "larger). It is re-encoded without its metadata: an avatar cropped square (400 px), "
        "a cover or a body's picture at most 1600 px wide. A file that is also HTML or a "
        "script, a damaged one, too many pixels or frames, or a full quota: 422 on `image`."
    ),
    "content": {"multipart/form-data": {"schema": {
        "type": "object",
        "required": ["image"],
        "properties": {
            "image": {"type": "string", "format": "binary"},
            "kind": {"type": "string", "enum": ["inline", "cover", "avatar"],
                     "default": "inline", "description": "What the picture is for."},
        },
    }}},
}
UPLOAD_ANSWER = _answer("The stored picture: `url` for PUT /user's `image`, `markdown` for a "
                        "body. The same picture twice answers the same address.",
                        wrapped("upload", record({
                            "url": text("Its full address on this site."),
                            "markdown": text("![name](/media/...), named after the file."),
                            "contentType": text(enum=["image/png", "image/jpeg", "image/gif",
                                                      "image/webp"]),
                            "width": {"type": "integer", "minimum": 1},
                            "height": {"type": "integer", "minimum": 1},
                        })))


def document(max_limit=DefaultConfig.API_MAX_LIMIT, max_offset=DefaultConfig.API_MAX_OFFSET,
             max_comments=DefaultConfig.API_MAX_COMMENTS, max_count=DefaultConfig.API_MAX_COUNT):
    """The whole OpenAPI document, a new dict on every call.

    The list bounds are the settings API_MAX_LIMIT, API_MAX_OFFSET,
    API_MAX_COMMENTS and API_MAX_COUNT (their defaults unless given), so the
    document served tells this site's.
    """
    return {
        "openapi": "3.1.0",
        "info": {"title": "blog API", "version": "1.0.0", "description": OVERVIEW},
        "servers": [{"url": "/api"}],
        "tags": [{"name": name} for name in
                 ("Users", "Profiles", "Articles", "Favorites", "Comments", "Tags", "Uploads")],
        "paths": _paths(max_comments),
        "components": _with_uploads(components(max_limit, max_offset, max_comments, max_count)),
    }


def _with_uploads(parts):
    parts["requestBodies"]["Upload"] = UPLOAD_BODY
    parts["responses"]["Upload"] = UPLOAD_ANSWER
    return parts
