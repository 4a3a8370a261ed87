"""Checks of favorites, GET /tags and comments, on A's article a1."""

from realworld_checks.articles import slug, slugs, tags
from realworld_checks.core import ARTICLE, COMMENT


def favorites(run):
    """Favorite and unfavorite, ?favorited=, GET /tags."""
    api, check, rid = run.api, run.check, run.rid
    a, b = run.people["a"], run.people["b"]
    path = f"/articles/{slug(run, 'a1')}"

    def state(answer):
        article = answer.get("article") or {}
        return answer.status, article.get("favorited"), article.get("favoritesCount")

    answer = api.post(f"{path}/favorite", token=b["token"])
    check.shape("POST /articles/:slug/favorite: 200 with the Article", answer, 200,
                "article", ARTICLE)
    check.equal("POST /articles/:slug/favorite: favorited, 1 favorite", state(answer),
                (200, True, 1))
    check.equal("a second member favorites: 2 favorites",
                state(api.post(f"{path}/favorite", token=a["token"])), (200, True, 2))
    check.equal("GET /articles/:slug: favorited for a member who did, not without a token",
                (state(api.get(path, b["token"])), state(api.get(path))),
                ((200, True, 2), (200, False, 2)))
    query = f"?favorited={b['username']}"
    answer = api.get(f"/articles{query}", b["token"])
    check.equal("GET /articles?favorited=: the member's favorites, favorited for them",
                (slugs(answer), answer.get("articlesCount"),
                 answer.get("articles", 0, "favorited")),
                ([slug(run, "a1")], 1, True))
    answer = api.delete(f"{path}/favorite", b["token"])
    check.shape("DELETE /articles/:slug/favorite: 200 with the Article", answer, 200,
                "article", ARTICLE)
    check.equal("DELETE /articles/:slug/favorite: not favorited, 1 favorite left", state(answer),
                (200, False, 1))
    answer = api.get(f"/articles{query}")
    check.equal("GET /articles?favorited= after the unfavorite: none",
                (slugs(answer), answer.get("articlesCount")), ([], 0))
    for verb in ("POST", "DELETE"):
        check.error(f"{verb} /articles/:slug/favorite without a token: 401 token is missing",
                    api.call(verb, f"{path}/favorite"), 401, "token", "is missing")
        check.error(f"{verb} /articles/:slug/favorite of an unknown slug: 404 article not found",
                    api.call(verb, f"/articles/rw-{rid}-none/favorite", token=a["token"]),
                    404, "article", "not found")
    check.equal("the last unfavorite: 0 favorites",
                state(api.delete(f"{path}/favorite", a["token"])), (200, False, 0))

    answer = api.get("/tags")
    listed = answer.get("tags")
    check.record("GET /tags: 200 with tags, a list of strings",
                 answer.status == 200 and isinstance(listed, list)
                 and all(isinstance(t, str) for t in listed),
                 'HTTP 200 {"tags": [...]}', answer.brief())
    check.record("GET /tags holds the tags of the new articles",
                 isinstance(listed, list) and set(tags(run)) <= set(listed), sorted(tags(run)),
                 [t for t in tags(run) if t in (listed or [])])


def comments(run):
    """POST, GET and DELETE comments of a1, with their refusals."""
    api, check, rid = run.api, run.check, run.rid
    a, b = run.people["a"], run.people["b"]
    path = f"/articles/{slug(run, 'a1')}/comments"
    answer = api.post(path, {"comment": {"body": "His name was my name too."}}, a["token"])
    check.shape("POST /articles/:slug/comments: 201 with the Comment", answer, 201,
                "comment", COMMENT)
    check.equal("POST /articles/:slug/comments answers the body and the author",
                (answer.get("comment", "body"), answer.get("comment", "author", "username")),
                ("His name was my name too.", a["username"]))
    mine = answer.get("comment", "id")
    answer = api.post(path, {"comment": {"body": "So was mine."}}, b["token"])
    check.status("POST /articles/:slug/comments by another member: 201", answer, 201)
    theirs = answer.get("comment", "id")
    answer = api.get(path)
    check.listing("GET /articles/:slug/comments: 200 with comments", answer, "comments", COMMENT)

    def ids():
        listed = api.get(path).get("comments") or []
        return sorted(c.get("id") for c in listed if isinstance(c, dict))

    both = sorted((mine, theirs)) if isinstance(mine, int) and isinstance(theirs, int) else None
    check.equal("GET /articles/:slug/comments holds both comments", ids(), both)
    check.error("POST /articles/:slug/comments with a blank body: 422 body can't be blank",
                api.post(path, {"comment": {"body": ""}}, a["token"]),
                422, "body", "can't be blank")
    check.error("POST /articles/:slug/comments without a body: 422 body",
                api.post(path, {"comment": {}}, a["token"]), 422, "body")
    check.error("POST /articles/:slug/comments without a token: 401 token is missing",
                api.post(path, {"comment": {"body": "x"}}), 401, "token", "is missing")
    unknown = f"/articles/rw-{rid}-none/comments"
    check.error("POST /articles/:slug/comments of an unknown slug: 404 article not found",
                api.post(unknown, {"comment": {"body": "x"}}, a["token"]),
                404, "article", "not found")
    check.error("GET /articles/:slug/comments of an unknown slug: 404 article not found",
                api.get(unknown), 404, "article", "not found")
    check.error("DELETE /articles/:slug/comments/:id by another member: 403 comment forbidden",
                api.delete(f"{path}/{mine}", b["token"]), 403, "comment", "forbidden")
    check.error("DELETE /articles/:slug/comments/:id without a token: 401 token is missing",
                api.delete(f"{path}/{mine}"), 401, "token", "is missing")
    check.error("DELETE /articles/:slug/comments/:id of an unknown id: 404 comment not found",
                api.delete(f"{path}/999999999", a["token"]), 404, "comment", "not found")
    check.error("DELETE /articles/:slug/comments/:id of an unknown slug: 404 article not found",
                api.delete(f"{unknown}/{mine}", a["token"]), 404, "article", "not found")
    check.error("DELETE /articles/:slug/comments/:id under another article: 404",
                api.delete(f"/articles/{slug(run, 'a2')}/comments/{mine}", a["token"]), 404)
    check.empty_204("DELETE /articles/:slug/comments/:id by its author: 204",
                    api.delete(f"{path}/{theirs}", b["token"]))
    check.equal("GET /articles/:slug/comments after the delete: only the other comment",
                ids(), [mine])
    check.empty_204("DELETE /articles/:slug/comments/:id, the last one: 204",
                    api.delete(f"{path}/{mine}", a["token"]))
