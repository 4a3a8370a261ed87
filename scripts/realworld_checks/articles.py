"""Checks of articles, their lists and the feed.

Member A writes a1, a2 (the same title as a1), a3 (no tags) and a4 (deleted); B writes
b1 and b2. A follows B (users.profiles) until the feed checks unfollow.
"""

from datetime import datetime

from realworld_checks.core import ARTICLE, LISTED_ARTICLE


def tags(run):
    return f"dragons{run.rid}", f"training{run.rid}", f"sailing{run.rid}"


def slug(run, key):
    return run.articles.get(key, {}).get("slug") or f"missing-{key}"


def slugs(answer):
    return [item.get("slug") for item in answer.get("articles") or [] if isinstance(item, dict)]


def moment(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None


def create(run, who, key, title, description, tag_list=None):
    article = {"title": title, "description": description, "body": f"The body of {key}."}
    if tag_list is not None:
        article["tagList"] = tag_list
    answer = run.api.post("/articles", {"article": article}, run.people[who]["token"])
    run.articles[key] = answer.get("article") if isinstance(answer.get("article"), dict) else {}
    return answer


def writing(run):
    """POST, GET, PUT and DELETE /articles/:slug, with their refusals."""
    api, check, rid = run.api, run.check, run.rid
    t1, t2, t3 = tags(run)
    title = f"How to train your dragon {rid}"
    answer = create(run, "a", "a1", title, "Ever wonder how?", [t1, t2])
    check.shape("POST /articles: 201 with an Article", answer, 201, "article", ARTICLE)
    a1 = run.articles["a1"]
    check.equal("POST /articles answers what was sent",
                (a1.get("title"), a1.get("description"), a1.get("body"), a1.get("tagList")),
                (title, "Ever wonder how?", "The body of a1.", [t1, t2]))
    check.equal("POST /articles: not favorited, 0 favorites, by the writer, who is not followed",
                (a1.get("favorited"), a1.get("favoritesCount"),
                 answer.get("article", "author", "username"),
                 answer.get("article", "author", "following")),
                (False, 0, run.people["a"]["username"], False))
    check.status("POST /articles with a title already used: 201",
                 create(run, "a", "a2", title, "The same title again", [t1]), 201)
    check.record("two articles with the same title get distinct slugs",
                 run.articles["a1"].get("slug") and run.articles["a2"].get("slug")
                 and slug(run, "a1") != slug(run, "a2"), "two different slugs",
                 f"{slug(run, 'a1')!r} and {slug(run, 'a2')!r}")
    check.equal("GET /articles/:slug of each finds its own article",
                (api.get(f"/articles/{slug(run, 'a1')}").get("article", "description"),
                 api.get(f"/articles/{slug(run, 'a2')}").get("article", "description")),
                ("Ever wonder how?", "The same title again"))
    answer = create(run, "a", "a3", f"Dragons at rest {rid}", "No tags here")
    check.equal("POST /articles without tagList: 201 with tagList []",
                (answer.status, answer.get("article", "tagList")), (201, []))
    for who, key, title_, tag_list in (("a", "a4", f"Gone {rid}", [t2]),
                                       ("b", "b1", f"Sails {rid}", [t3]),
                                       ("b", "b2", f"Oars {rid}", [t3])):
        check.status(f"POST /articles ({key} by {who.upper()}): 201",
                     create(run, who, key, title_, f"About {key}", tag_list), 201)

    token = run.people["a"]["token"]
    body = {"title": f"Refused {rid}", "description": "d", "body": "b"}
    check.error("POST /articles without a token: 401 token is missing",
                api.post("/articles", {"article": body}), 401, "token", "is missing")
    check.error("POST /articles with a malformed token: 401",
                api.post("/articles", {"article": body}, "not-a-token"), 401)
    for field in ("title", "description", "body"):
        check.error(f"POST /articles with a blank {field}: 422 {field} can't be blank",
                    api.post("/articles", {"article": {**body, field: ""}}, token),
                    422, field, "can't be blank")
    check.error("POST /articles without a title: 422 title",
                api.post("/articles", {"article": {"description": "d", "body": "b"}}, token),
                422, "title")
    check.error("POST /articles with title null: 422 title",
                api.post("/articles", {"article": {**body, "title": None}}, token), 422, "title")
    check.error("POST /articles without the article wrapper: 422",
                api.post("/articles", body, token), 422)

    answer = api.get(f"/articles/{slug(run, 'a1')}")
    check.shape("GET /articles/:slug (no token): 200 with the Article", answer, 200,
                "article", ARTICLE)
    check.error("GET /articles/:slug of an unknown slug: 404 article not found",
                api.get(f"/articles/rw-{rid}-no-such-article"), 404, "article", "not found")
    update(run)
    delete(run)


def update(run):
    """PUT /articles/:slug on a1: each field alone, tagList omitted, [] and null, the title."""
    api, check, rid = run.api, run.check, run.rid
    t1, t2, _ = tags(run)
    before, token = run.articles["a1"], run.people["a"]["token"]

    def put(fields, who="a", key="a1"):
        person = run.people.get(who)
        return api.put(f"/articles/{slug(run, key)}", {"article": fields},
                       person["token"] if person else None)

    answer = put({"description": "A new description"})
    check.shape("PUT /articles/:slug: 200 with the Article", answer, 200, "article", ARTICLE)
    check.equal("PUT /articles/:slug changes only the fields sent (tagList omitted: kept)",
                tuple(answer.get("article", k)
                      for k in ("slug", "title", "description", "body", "tagList")),
                (before.get("slug"), before.get("title"), "A new description", before.get("body"),
                 [t1, t2]))
    new, old = moment(answer.get("article", "updatedAt")), moment(before.get("updatedAt"))
    check.record("PUT /articles/:slug: updatedAt does not go back", new and old and new >= old,
                 f">= {before.get('updatedAt')}", answer.get("article", "updatedAt"))
    check.equal("PUT /articles/:slug with a body changes it",
                put({"body": "A new body"}).get("article", "body"), "A new body")
    check.equal("PUT /articles/:slug with tagList []: 200, no tags (GET agrees)",
                (put({"tagList": []}).get("article", "tagList"),
                 api.get(f"/articles/{slug(run, 'a1')}").get("article", "tagList")), ([], []))
    check.equal("PUT /articles/:slug with a tagList replaces the tags",
                put({"tagList": [t1, t2]}).get("article", "tagList"), [t1, t2])
    check.error("PUT /articles/:slug with tagList null: 422", put({"tagList": None}), 422)
    check.equal("PUT /articles/:slug refused with tagList null: the tags are kept",
                api.get(f"/articles/{slug(run, 'a1')}").get("article", "tagList"), [t1, t2])
    check.error("PUT /articles/:slug with a blank title: 422 title can't be blank",
                put({"title": ""}), 422, "title", "can't be blank")
    check.error("PUT /articles/:slug by another member: 403 article forbidden",
                put({"body": "Not mine"}, who="b"), 403, "article", "forbidden")
    check.error("PUT /articles/:slug without a token: 401 token is missing",
                put({"body": "Nobody"}, who=None), 401, "token", "is missing")
    check.error("PUT /articles/:slug of an unknown slug: 404 article not found",
                put({"body": "x"}, key="none"), 404, "article", "not found")

    new_title = f"Did you train your dragon {rid}"
    answer = put({"title": new_title})
    check.equal("PUT /articles/:slug with a title changes it",
                (answer.status, answer.get("article", "title")), (200, new_title))
    new_slug = answer.get("article", "slug")
    check.record("PUT /articles/:slug with a new title: the slug changes too (endpoints.md)",
                 new_slug and new_slug != before.get("slug"),
                 f"a slug other than {before.get('slug')!r}", repr(new_slug))
    if isinstance(answer.get("article"), dict):
        run.articles["a1"] = answer.get("article")
    check.status("GET /articles/:slug with the slug the update answered: 200",
                 api.get(f"/articles/{slug(run, 'a1')}", token), 200)


def delete(run):
    api, check = run.api, run.check
    path = f"/articles/{slug(run, 'a4')}"
    check.error("DELETE /articles/:slug without a token: 401 token is missing",
                api.delete(path), 401, "token", "is missing")
    check.error("DELETE /articles/:slug by another member: 403 article forbidden",
                api.delete(path, run.people["b"]["token"]), 403, "article", "forbidden")
    check.empty_204("DELETE /articles/:slug by its author: 204",
                    api.delete(path, run.people["a"]["token"]))
    check.error("GET /articles/:slug of the deleted article: 404 article not found",
                api.get(path), 404, "article", "not found")
    check.error("DELETE /articles/:slug again: 404 article not found",
                api.delete(path, run.people["a"]["token"]), 404, "article", "not found")


def lists(run):
    """GET /articles with its filters and pages, GET /articles/feed, unfollow."""
    api, check, rid = run.api, run.check, run.rid
    t1 = tags(run)[0]
    a, b = run.people["a"], run.people["b"]
    s1, s2, s3, b1, b2 = (slug(run, key) for key in ("a1", "a2", "a3", "b1", "b2"))

    def found(query, token=None):
        answer = api.get(f"/articles{query}", token)
        return answer.status, slugs(answer), answer.get("articlesCount")

    answer = api.get(f"/articles?author={a['username']}")
    check.listing("GET /articles?author=: 200, listed articles (no body) and articlesCount",
                  answer, "articles", LISTED_ARTICLE, "articlesCount")
    check.equal("GET /articles?author= : the author's articles, newest first, and their count",
                (slugs(answer), answer.get("articlesCount")), ([s3, s2, s1], 3))
    check.equal("GET /articles?author=&limit=2: the newest two; articlesCount counts all",
                found(f"?author={a['username']}&limit=2"), (200, [s3, s2], 3))
    check.equal("GET /articles?author=&limit=2&offset=2: the rest",
                found(f"?author={a['username']}&limit=2&offset=2"), (200, [s1], 3))
    check.equal("GET /articles?tag=: the articles with that tag", found(f"?tag={t1}"),
                (200, [s2, s1], 2))
    check.equal("GET /articles?tag=&author=: both filters apply",
                found(f"?tag={t1}&author={b['username']}"), (200, [], 0))
    check.equal("GET /articles?author= of an unknown username: 200, none",
                found(f"?author=rw{rid}nobody"), (200, [], 0))
    answer = api.get("/articles")
    check.listing("GET /articles: 200, listed articles and articlesCount", answer, "articles",
                  LISTED_ARTICLE, "articlesCount")
    items = [i for i in answer.get("articles") or [] if isinstance(i, dict)]
    times = [moment(i.get("createdAt")) for i in items]
    count = answer.get("articlesCount") if isinstance(answer.get("articlesCount"), int) else 0
    newest_first = None not in times and times == sorted(times, reverse=True)
    check.record("GET /articles: 20 at most by default, newest first",
                 answer.status == 200 and items and len(items) == min(20, count) and newest_first,
                 f"{min(20, count)} articles, createdAt descending",
                 f"{len(items)} articles, {'descending' if newest_first else 'not descending'}")
    for query in ("limit=0", "offset=-1", "limit=many"):
        check.error(f"GET /articles?{query} (outside the schema): 422",
                    api.get(f"/articles?{query}"), 422)

    check.error("GET /articles/feed without a token: 401 token is missing",
                api.get("/articles/feed"), 401, "token", "is missing")
    answer = api.get("/articles/feed", a["token"])
    check.listing("GET /articles/feed: 200, listed articles and articlesCount", answer,
                  "articles", LISTED_ARTICLE, "articlesCount")
    check.equal("GET /articles/feed: the followed member's articles, newest first, author followed",
                (slugs(answer), answer.get("articlesCount"),
                 [(i.get("author") or {}).get("following") for i in answer.get("articles") or []]),
                ([b2, b1], 2, [True, True]))
    check.equal("GET /articles/feed?limit=1", found("/feed?limit=1", a["token"]), (200, [b2], 2))
    check.equal("GET /articles/feed?limit=1&offset=1", found("/feed?limit=1&offset=1", a["token"]),
                (200, [b1], 2))
    check.equal("GET /articles/feed of a member who follows no one: empty",
                found("/feed", b["token"]), (200, [], 0))
    answer = api.delete(f"/profiles/{b['username']}/follow", a["token"])
    check.equal("DELETE /profiles/:username/follow: 200, following false",
                (answer.status, answer.get("profile", "username"),
                 answer.get("profile", "following")),
                (200, b["username"], False))
    check.equal("GET /articles/feed after the unfollow: empty", found("/feed", a["token"]),
                (200, [], 0))
