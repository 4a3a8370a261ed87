"""The components of the API's OpenAPI document: schemas, bodies, answers, parameters.

blog/api/openapi.py puts them together with the operations. The answer
schemas are strict on purpose: every field required, no others, exact
timestamps, so that a test can check a real answer against them.
"""

from .openapi_schema import fields, flag, nullable, record, ref, tag_list, text, timestamp, wrapped

SCHEME = "Token"  # the security scheme's name
NOT_BLANK = r"\S"  # a JSON Schema pattern matches anywhere: "has a character that is not a space"


# --- components ------------------------------------------------------------------


def _article(with_body):
    properties = {
        "slug": text("Made from the title; a new title brings a new one (old ones still work)."),
        "title": text(),
        "description": text(),
        "tagList": {"type": "array", "maxItems": 4, "items": text(pattern=r"^[a-z0-9_-]{1,30}$")},
        "createdAt": timestamp(),
        "updatedAt": timestamp(),
        "favorited": flag("Whether the member asking favorited it; false without a token."),
        "favoritesCount": {"type": "integer", "minimum": 0},
        "author": ref("schemas", "Profile"),
    }
    if with_body:
        properties["body"] = text("Markdown.")
    return record(properties)


def _person():
    return {
        "username": text(pattern=r"^[A-Za-z0-9_-]{3,30}$"),
        "bio": nullable(text("null when the member wrote none.")),
        "image": nullable(text("The address of a picture (https, or one uploaded to this "
                               "site: its BASE_URL/media/...), or null.")),
    }


def _schemas():
    return {
        "Profile": record({
            **_person(),
            "following": flag("Whether the member asking follows them; false without a token."),
        }),
        "User": record({
            "email": text(format="email"),
            "token": text("A JWT for the Authorization header: a login Settings lists and ends."),
            **_person(),
        }),
        "Article": _article(with_body=True),
        "ArticleInList": _article(with_body=False),
        "Comment": record({
            "id": {"type": "integer", "minimum": 1},
            "createdAt": timestamp(),
            "updatedAt": timestamp(),
            "body": text("Markdown."),
            "author": ref("schemas", "Profile"),
        }),
        "Errors": record({
            "errors": {
                "type": "object",
                "minProperties": 1,
                "description": "Messages by the name of the field at fault.",
                "additionalProperties": {"type": "array", "minItems": 1, "items": text()},
            },
        }),
    }


def _request_schemas():
    return {
        "Login": fields({
            "email": text("The email address or the username.", pattern=NOT_BLANK),
            "password": text(pattern=NOT_BLANK),
        }, required=("email", "password")),
        "Registration": fields({
            "username": text("3 to 30 letters, digits, underscores or hyphens.",
                             pattern=r"^[A-Za-z0-9_-]{3,30}$"),
            "email": text(format="email"),
            "password": text("8 to 128 characters, not a common password.",
                             minLength=8, maxLength=128),
            "invite": text("The token of an invitation link (its `invite` query argument), "
                           "needed while sign-ups are by invitation only."),
        }, required=("username", "email", "password")),
        "UserChanges": fields({
            "email": text("A new address: it is emailed a link, and used once the link is "
                          "followed; the old address is then told, and the address cannot "
                          "change again for 7 days.", format="email"),
            "username": text("3 to 30 letters, digits, underscores or hyphens.",
                             pattern=r"^[A-Za-z0-9_-]{3,30}$"),
            "password": text("Ends the member's other logins, not this one; the address is told.",
                             minLength=8, maxLength=128),
            "bio": nullable(text("Up to 500 characters; null or empty clears it.",
                                 maxLength=500)),
            "image": nullable(text("An https address, or an upload's address as the API "
                                   "answers it; null or empty for none.", maxLength=500)),
        }, minProperties=1, description="At least one field; the ones left out stay as they are."),
        "NewArticle": fields({
            "title": text("Up to 150 characters.", pattern=NOT_BLANK, maxLength=150),
            "description": text("A line under the title, up to 300 characters.",
                                pattern=NOT_BLANK, maxLength=300),
            "body": text("Markdown, up to 100,000 characters.", pattern=NOT_BLANK,
                         maxLength=100_000),
            "tagList": tag_list("Up to 4 tags, stored in lower case."),
        }, required=("title", "description", "body")),
        "ArticleChanges": fields({
            "title": text("Up to 150 characters; a new title brings a new slug.", pattern=NOT_BLANK,
                          maxLength=150),
            "description": text("Up to 300 characters; may be empty.", maxLength=300),
            "body": text("Markdown, up to 100,000 characters.", pattern=NOT_BLANK,
                         maxLength=100_000),
            "tagList": tag_list("Replaces every tag of the article."),
        }, description="The fields left out stay as they are."),
        "NewComment": fields({
            "body": text("Markdown, up to 10,000 characters.", pattern=NOT_BLANK,
                         maxLength=10_000),
        }, required=("body",)),
    }


def _request_bodies():
    def body(root, schema, description, example):
        return {
            "required": True,
            "description": description,
            "content": {"application/json": {
                "schema": fields({root: ref("schemas", schema)}, required=(root,)),
                "example": {root: example},
            }},
        }

    return {
        "Login": body("user", "Login", "Who is logging in.",
                      {"email": "ada@example.org", "password": "a long passphrase"}),
        "Registration": body("user", "Registration", "The new member.",
                             {"username": "ada", "email": "ada@example.org",
                              "password": "a long passphrase"}),
        "UserChanges": body("user", "UserChanges", "What changes.",
                            {"bio": "I write about engines."}),
        "NewArticle": body("article", "NewArticle", "The article; it is published at once.",
                           {"title": "Notes on engines", "description": "What I learnt",
                            "body": "It *starts* here.", "tagList": ["engines", "history"]}),
        "ArticleChanges": body("article", "ArticleChanges", "What changes.",
                               {"title": "Notes on engines, revised"}),
        "NewComment": body("comment", "NewComment", "The comment.",
                           {"body": "Thank you, this helped."}),
    }


def _answer(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _responses(max_comments, max_count):
    def error(description, example):
        answer = _answer(description, ref("schemas", "Errors"))
        answer["content"]["application/json"]["example"] = {"errors": example}
        return answer

    def many(schema):
        return {"type": "array", "items": ref("schemas", schema)}

    return {
        "User": _answer("The member and their token.", wrapped("user", ref("schemas", "User"))),
        "Profile": _answer("The profile.", wrapped("profile", ref("schemas", "Profile"))),
        "Article": _answer("The article.", wrapped("article", ref("schemas", "Article"))),
        "Articles": _answer("A page of articles, newest first, without their bodies.", record({
            "articles": many("ArticleInList"),
            "articlesCount": {"type": "integer", "minimum": 0, "maximum": max_count, "description":
                              f"How many match in all, on every page, up to {max_count:,}."},
        })),
        "Comment": _answer("The comment.", wrapped("comment", ref("schemas", "Comment"))),
        "Comments": _answer(
            "The comments in reading order: a reply follows what it answers. The list is "
            f"complete up to {max_comments:,} comments; an article with more answers its "
            f"first {max_comments:,} (the oldest threads), so a flooded article costs the "
            "same to answer as a quiet one. The article's page shows them all.",
            wrapped("comments", {**many("Comment"), "maxItems": max_comments})),
        "Tags": _answer("The tags used most by the latest published articles (their "
                        "latest 3,000 tags: 750 to 3,000 articles), most used first "
                        "(at most 100 names).",
                        wrapped("tags", {"type": "array", "items": text()})),
        "Deleted": {"description": "Done; the answer is empty."},
        "Unauthorized": error("The token is missing, malformed, expired or logged out.",
                              {"token": ["is missing"]}),
        "WrongCredentials": error("No member has this email address (or username) and password.",
                                  {"credentials": ["invalid"]}),
        "Forbidden": error("Not the member's article or comment (`article` or `comment`: "
                           "`forbidden`), their email is not confirmed yet, or the "
                           "moderators suspended them (`account`: `is suspended until …`).",
                           {"email": ["is not verified"]}),
        "Banned": error("The password is right, but the moderators banned this member "
                        "(`is banned`), or no admin has approved the new account yet "
                        "(`is awaiting approval`).",
                        {"account": ["is banned (Spam.)"]}),
        "SignupRefused": error(
            "The site's sign-up mode refuses: `signup` is closed; `invite` is required (send "
            "`user.invite`, the token of an invitation link) or is invalid or used; or the "
            "account was made but waits for an admin's approval (`account`), so no token.",
            {"invite": ["is required"]}),
        "Conflict": error("The username or email belongs to another member.",
                          {"username": ["has already been taken"]}),
        "NotFound": error("No such article, profile or comment.", {"article": ["not found"]}),
        "TooLarge": error("The request is over 1 MiB.", {"body": ["What you sent is too large."]}),
        "Unprocessable": error("The input breaks a rule; each field at fault is named.",
                               {"title": ["can't be blank"]}),
        "TooManyRequests": error(
            "Too many attempts from this address or on this account.",
            {"body": ["Too many attempts. Please wait a little and try again later."]}),
    }


def _parameters(max_limit, max_offset):
    def in_path(name, description):
        return {"name": name, "in": "path", "required": True, "description": description,
                "schema": text()}

    def in_query(name, description, schema):
        return {"name": name, "in": "query", "required": False, "description": description,
                "schema": schema}

    return {
        "slug": in_path("slug", "The article's slug."),
        "username": in_path("username", "The member's username (any case)."),
        "commentId": {**in_path("id", "The comment's id."),
                      "schema": {"type": "integer", "minimum": 1}},
        "tag": in_query("tag", "Only articles with this tag.", text()),
        "author": in_query("author", "Only articles by this member (username).", text()),
        "favorited": in_query("favorited", "Only articles this member (username) favorited.",
                              text()),
        "limit": in_query("limit", f"How many articles to answer with (20 unless given); "
                                   f"more than {max_limit} means {max_limit}.",
                          {"type": "integer", "minimum": 1, "default": 20}),
        "offset": in_query("offset", f"How many articles to skip (none unless given), "
                                     f"at most {max_offset}.",
                           {"type": "integer", "minimum": 0, "maximum": max_offset,
                            "default": 0}),
    }


def components(max_limit, max_offset, max_comments, max_count):
    """The document's components; the list bounds are the site's settings."""
    return {
        "schemas": _schemas() | _request_schemas(),
        "requestBodies": _request_bodies(),
        "responses": _responses(max_comments, max_count),
        "parameters": _parameters(max_limit, max_offset),
        "securitySchemes": {SCHEME: {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "`Token <token>`; `Bearer <token>` works too."}},
    }
