"""Checks of registration, login, the current user (GET and PUT /user) and profiles."""

from realworld_checks.core import PROFILE, USER


def login(run, email, password):
    return run.api.post("/users/login", {"user": {"email": email, "password": password}})


def tampered(token):
    """The token with the first character of its signature changed (a JWT has three parts)."""
    head, dot, signature = token.rpartition(".")
    if not dot or not signature:
        return token + "x"
    return f"{head}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


def accounts(run):
    """POST /users, POST /users/login, GET /user: successes and every refusal."""
    api, check, rid = run.api, run.check, run.rid
    for key in "abc":
        name = f"rw{rid}{key}"
        person = {"username": name, "email": f"{name}@example.com"}
        answer = api.post("/users", {"user": {**person, "password": run.password}})
        run.people[key] = {**person, "token": answer.get("user", "token")}
        if key != "a":
            check.status(f"POST /users registers member {key.upper()}: 201", answer, 201)
            continue
        check.shape("POST /users: 201 with a User", answer, 201, "user", USER)
        check.equal("POST /users answers the username and email sent",
                    (answer.get("user", "username"), answer.get("user", "email")),
                    (name, person["email"]))
        check.equal("POST /users: a new member's bio and image are null",
                    {k: v for k, v in (answer.get("user") or {}).items() if k in ("bio", "image")},
                    {"bio": None, "image": None})
        token = answer.get("user", "token") or ""
        check.record("POST /users: the token is a JWT (three dot-separated parts)",
                     token.count(".") == 2, "header.payload.signature", repr(token[:40]))
    a = run.people["a"]

    def fresh(suffix, **fields):
        return {"user": {"username": f"rw{rid}{suffix}", "email": f"rw{rid}{suffix}@example.com",
                         "password": run.password, **fields}}

    check.error("POST /users with a taken username: 409 username has already been taken",
                api.post("/users", fresh("d", username=a["username"])),
                409, "username", "has already been taken")
    check.error("POST /users with a taken email: 409 email has already been taken",
                api.post("/users", fresh("e", email=a["email"])),
                409, "email", "has already been taken")
    for number, field in enumerate(("username", "email", "password")):
        check.error(f"POST /users with a blank {field}: 422 {field} can't be blank",
                    api.post("/users", fresh(f"f{number}", **{field: ""})),
                    422, field, "can't be blank")
    body = fresh("g")
    del body["user"]["password"]
    check.error("POST /users without a password: 422 password",
                api.post("/users", body), 422, "password")
    check.error("POST /users with username null: 422 username",
                api.post("/users", fresh("h", username=None)), 422, "username")
    check.error("POST /users without the user wrapper: 422",
                api.post("/users", fresh("i")["user"]), 422)
    check.error("POST /users with a body that is not JSON: 422",
                api.post("/users", raw=b'{"user": {"username": '), 422)

    answer = login(run, a["email"], run.password)
    check.shape("POST /users/login: 200 with a User", answer, 200, "user", USER)
    check.equal("POST /users/login answers the member: username, email, null bio and image",
                tuple(answer.get("user", k) for k in ("username", "email", "bio", "image")),
                (a["username"], a["email"], None, None))
    a["token"] = answer.get("user", "token") or a["token"]
    check.error("POST /users/login with a wrong password: 401",
                login(run, a["email"], "Wrong-" + run.password), 401)
    check.error("POST /users/login with an unknown email: 401",
                login(run, f"rw{rid}nobody@example.com", run.password), 401)
    check.error("POST /users/login with a blank email: 422 email can't be blank",
                login(run, "", run.password), 422, "email", "can't be blank")
    check.error("POST /users/login with a blank password: 422 password can't be blank",
                login(run, a["email"], ""), 422, "password", "can't be blank")
    check.error("POST /users/login without an email: 422 email",
                api.post("/users/login", {"user": {"password": run.password}}), 422, "email")
    check.error("POST /users/login without the user wrapper: 422",
                api.post("/users/login", {"email": a["email"], "password": run.password}), 422)

    answer = api.get("/user", a["token"])
    check.shape("GET /user: 200 with the User", answer, 200, "user", USER)
    check.equal("GET /user is the token's member",
                (answer.get("user", "username"), answer.get("user", "email")),
                (a["username"], a["email"]))
    check.error("GET /user without a token: 401 token is missing",
                api.get("/user"), 401, "token", "is missing")
    check.error("GET /user with a malformed token: 401", api.get("/user", "not-a-token"), 401)
    check.error("GET /user with a token whose signature was altered: 401",
                api.get("/user", tampered(a["token"] or "")), 401)


def profiles(run):
    """GET /profiles/:username, follow: A ends up following B (the feed checks need it)."""
    api, check = run.api, run.check
    a, b = run.people["a"], run.people["b"]
    answer = api.get(f"/profiles/{a['username']}")
    check.shape("GET /profiles/:username: 200 with a Profile", answer, 200, "profile", PROFILE)
    check.equal("GET /profiles/:username of a new member: bio and image null, not followed",
                tuple(answer.get("profile", k) for k in ("username", "bio", "image", "following")),
                (a["username"], None, None, False))
    check.error("GET /profiles/:username of an unknown username: 404 profile not found",
                api.get(f"/profiles/rw{run.rid}nobody"), 404, "profile", "not found")

    follow = f"/profiles/{b['username']}/follow"
    answer = api.post(follow, token=a["token"])
    check.shape("POST /profiles/:username/follow: 200 with the Profile", answer, 200,
                "profile", PROFILE)
    check.equal("POST /profiles/:username/follow: following is true",
                (answer.get("profile", "username"), answer.get("profile", "following")),
                (b["username"], True))
    check.equal("GET /profiles/:username: following true for the follower, false without a token",
                (api.get(f"/profiles/{b['username']}", a["token"]).get("profile", "following"),
                 api.get(f"/profiles/{b['username']}").get("profile", "following")), (True, False))
    check.error("POST /profiles/:username/follow without a token: 401 token is missing",
                api.post(follow), 401, "token", "is missing")
    check.error("DELETE /profiles/:username/follow without a token: 401 token is missing",
                api.delete(follow), 401, "token", "is missing")
    unknown = f"/profiles/rw{run.rid}nobody/follow"
    check.error("POST /profiles/:username/follow of an unknown username: 404 profile not found",
                api.post(unknown, token=a["token"]), 404, "profile", "not found")
    check.error("DELETE /profiles/:username/follow of an unknown username: 404 profile not found",
                api.delete(unknown, token=a["token"]), 404, "profile", "not found")


def update_user(run):
    """PUT /user on member C: bio, image, null, username, email, password; the refusals."""
    api, check, rid = run.api, run.check, run.rid
    a, c = run.people["a"], run.people["c"]
    token = c["token"]

    def put(fields, with_token=True):
        return api.put("/user", {"user": fields}, token if with_token else None)

    image = f"https://example.com/rw{rid}.jpg"
    answer = put({"bio": "I like to skateboard", "image": image})
    check.shape("PUT /user: 200 with the User", answer, 200, "user", USER)
    check.equal("PUT /user sets bio and image, keeps username and email",
                tuple(answer.get("user", k) for k in ("bio", "image", "username", "email")),
                ("I like to skateboard", image, c["username"], c["email"]))
    token = answer.get("user", "token") or token
    check.equal("GET /user and GET /profiles/:username show the new bio and image",
                (api.get("/user", token).get("user", "bio"),
                 api.get(f"/profiles/{c['username']}").get("profile", "image")),
                ("I like to skateboard", image))
    answer = put({"bio": None, "image": None})
    check.equal("PUT /user with bio and image null: 200, both null again",
                (answer.status, answer.get("user", "bio"), answer.get("user", "image")),
                (200, None, None))

    new_name = f"rw{rid}c2"
    answer = put({"username": new_name})
    check.equal("PUT /user changes the username",
                (answer.status, answer.get("user", "username")), (200, new_name))
    token = answer.get("user", "token") or token
    check.equal("GET /profiles/:username: the new username 200, the old one 404",
                (api.get(f"/profiles/{new_name}").status,
                 api.get(f"/profiles/{c['username']}").status), (200, 404))

    new_email = f"rw{rid}c2@example.com"
    answer = put({"email": new_email})
    check.equal("PUT /user changes the email: the answer shows the new one",
                (answer.status, answer.get("user", "email")), (200, new_email))
    token = answer.get("user", "token") or token
    for field in ("username", "email"):
        answer = put({field: a[field]})
        taken = answer.status in (409, 422) and "has already been taken" in (
            answer.get("errors", field) or [])
        expected = f'HTTP 409 or 422 {{"errors": {{"{field}": ["has already been taken"]}}}}'
        check.record(f"PUT /user with a taken {field}: 409 (or 422) {field} has already been taken",
                     taken, expected, answer.brief())
    for field in ("username", "email", "password"):
        check.error(f"PUT /user with a blank {field}: 422 {field} can't be blank",
                    put({field: ""}), 422, field, "can't be blank")
    check.error("PUT /user with username null: 422 username", put({"username": None}),
                422, "username")
    check.error("PUT /user with no field at all: 422 (at least one is required)", put({}), 422)
    check.error("PUT /user without a token: 401 token is missing",
                put({"bio": "x"}, with_token=False), 401, "token", "is missing")

    new_password = f"Harbor-{rid}-violet-Spruce"
    answer = put({"password": new_password})
    check.status("PUT /user changes the password: 200", answer, 200)
    email = answer.get("user", "email") or new_email
    check.status("POST /users/login with the new password: 200",
                 login(run, email, new_password), 200)
    check.error("POST /users/login with the old password: 401",
                login(run, email, run.password), 401)
