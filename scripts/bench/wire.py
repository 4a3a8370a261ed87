"""A lean HTTP/1.1 client on one keep-alive socket, a cookie jar, and logging in.

http.client costs the client several times more CPU per request than this: at a few
thousand requests a second (the hello-world ceiling, cached pages) the client, not the
server, would set the pace. This one writes the request in one send and reads the
answer with as few Python steps as it can (Content-Length, chunked, or until close).
"""

import json
import re
import socket
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')


class Answer(NamedTuple):
    status: int
    headers: dict  # lowercase name -> value (the last one of a repeated header)
    cookies: list  # every Set-Cookie value
    body: bytes

    def text(self):
        return self.body.decode("utf-8", "replace")


class Connection:
    """One keep-alive connection; reconnects after the server closes it."""

    def __init__(self, host, port, timeout=30):
        self.host, self.port, self.timeout = host, port, timeout
        self.sock, self.buffer = None, b""

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def request(self, method, path, headers=None, body=b""):
        """Send one request and read its answer. Raises OSError when the connection fails."""
        if self.sock is None:
            self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body or method in ("POST", "PUT", "PATCH", "DELETE"):
            lines.append(f"Content-Length: {len(body)}")
        try:
            self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            return self._answer(method)
        except BaseException:
            self.close()
            raise

    def _fill(self):
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def _take(self, size):
        while len(self.buffer) < size:
            self._fill()
        taken, self.buffer = self.buffer[:size], self.buffer[size:]
        return taken

    def _line(self):
        while b"\r\n" not in self.buffer:
            self._fill()
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _answer(self, method):
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers, cookies = {}, []
        for line in header_lines:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            headers[name] = value
            if name == "set-cookie":
                cookies.append(value)
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            body = b""
        elif "content-length" in headers:
            body = self._take(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = self._chunks()
        else:  # until the server closes the connection
            try:
                while True:
                    self._fill()
            except ConnectionError:
                body, self.buffer = self.buffer, b""
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return Answer(status, headers, cookies, body)

    def _chunks(self):
        parts = []
        while True:
            size = int(self._line().split(b";", 1)[0], 16)
            if size == 0:
                while self._line():  # trailers, then the empty line
                    pass
                return b"".join(parts)
            parts.append(self._take(size))
            self._take(2)


def keep_cookies(jar, answer):
    """Update `jar` (name -> value) with the answer's Set-Cookie headers."""
    for cookie in answer.cookies:
        pair, *attributes = cookie.split(";")
        name, _, value = pair.strip().partition("=")
        gone = any(a.strip().lower() in ("max-age=0", "max-age=-1") for a in attributes)
        if gone or not value or "expires=thu, 01 jan 1970" in cookie.lower():
            jar.pop(name, None)
        else:
            jar[name] = value


def cookie_header(jar):
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def local_path(location):
    """A Location header as a path to request here: no scheme, host or #fragment."""
    parts = urlsplit(location)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def csrf_token(html):
    """The CSRF token of the first form on a page, or None."""
    field = CSRF_INPUT.search(html)
    value = VALUE.search(field.group(0)) if field else None
    return value.group(1) if value else None


class LoginFailed(Exception):
    """The member's password did not let them in (a database not seeded by us)."""


def log_in_page(connection, username, password, page_with_forms):
    """Log in on the login page: (cookie jar, a CSRF token for the member's buttons)."""
    jar = {}
    form = connection.request("GET", "/auth/login")
    keep_cookies(jar, form)
    body = urlencode({"login": username, "password": password,
                      "csrf_token": csrf_token(form.text()) or ""}).encode()
    answer = connection.request("POST", "/auth/login", {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar),
    }, body)
    keep_cookies(jar, answer)
    if answer.status != 302:
        raise LoginFailed(f"POST /auth/login as {username} answered {answer.status}")
    page = connection.request("GET", page_with_forms, {"Cookie": cookie_header(jar)})
    keep_cookies(jar, page)
    token = csrf_token(page.text())
    if page.status != 200 or not token:
        raise LoginFailed(f"GET {page_with_forms} as {username}: {page.status}, no CSRF token")
    return jar, token


def log_in_api(connection, email, password):
    """Log in through the API: the member's token."""
    body = json.dumps({"user": {"email": email, "password": password}}).encode()
    answer = connection.request("POST", "/api/users/login",
                                {"Content-Type": "application/json"}, body)
    if answer.status != 200:
        raise LoginFailed(f"POST /api/users/login as {email} answered {answer.status}")
    return json.loads(answer.body)["user"]["token"]
