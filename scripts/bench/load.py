"""The clients: threads in a few worker processes, each on its own keep-alive connection.

One Python process of client threads tops out near the hello-world ceiling (they share
one interpreter lock), so the clients are spread over --client-processes processes,
started once and given one run at a time. A client goes through its endpoints in turn
(one endpoint, or a group's with --mix) until the run's time is up and it has been
through all of them once, finishing the cycle it is in: a write cycle never stops half-way.

Anything but the status an endpoint expects is an error: a 5xx, a 4xx (a refused CSRF
token, a rate limit), a failed connection. The first few of each row are kept whole.
"""

import json
import multiprocessing
import re
import threading
import time
from collections import Counter, defaultdict
from urllib.parse import urlencode

from .wire import Connection, cookie_header, keep_cookies, local_path

EXAMPLES_KEPT = 3
COMMENT_ANCHOR = re.compile(r"comment-(\d+)")


class Tally:
    """What one row's requests did: latencies of the good answers, statuses, errors."""

    def __init__(self):
        self.seconds, self.statuses, self.errors, self.examples = [], Counter(), 0, []

    def add(self, seconds, status, ok, example):
        self.statuses[status] += 1
        if ok:
            self.seconds.append(seconds)
            return
        self.errors += 1
        if len(self.examples) < EXAMPLES_KEPT:
            self.examples.append(example)

    def merge(self, other):
        self.seconds += other.seconds
        self.statuses += other.statuses
        self.errors += other.errors
        self.examples += other.examples[:max(0, EXAMPLES_KEPT - len(self.examples))]


def prepare(step, who, credential, jar, context):
    """(method, path, headers, body) of a step for this client."""
    path = step.path.format(**context) if "{" in step.path else step.path
    headers = {}
    body = b""
    if who == "member":
        headers["Cookie"] = cookie_header(jar)
        if step.buttons:
            headers |= {"Accept": "application/json", "X-CSRFToken": credential["csrf"]}
        elif step.method == "POST":
            body = urlencode(step.form | {"csrf_token": credential["csrf"]}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif who == "token":
        headers["Authorization"] = f"Token {credential['token']}"
    if step.json:
        headers["Content-Type"] = "application/json"
        body = step.json.encode()
    return step.method, path, headers, body


def capture(step, answer, context):
    """Remember what later steps of the cycle need: a comment's id, where a redirect went."""
    location = answer.headers.get("location", "")
    if step.capture in ("location", "comment-location"):
        context["location"] = local_path(location)
    if step.capture == "comment-location":
        context["comment"] = COMMENT_ANCHOR.search(location).group(1)
    elif step.capture == "comment-json":
        context["comment"] = json.loads(answer.body)["comment"]["id"]


def run_client(port, endpoints, credential, offset, start_at, duration):
    """One client's run: ({(group, row): Tally}, its cookie jar afterwards, when it ended)."""
    connection = Connection("127.0.0.1", port)
    tallies = defaultdict(Tally)
    jar = dict(credential["jar"]) if credential else {}
    time.sleep(max(0.0, start_at - time.time()))
    turn = offset
    # Until time is up, but at least once through the endpoints: a short run of a group
    # (--mix) still requests every one of them.
    while time.time() < start_at + duration or turn - offset < len(endpoints):
        endpoint = endpoints[turn % len(endpoints)]
        turn += 1
        context = {}
        for step in endpoint.steps:
            method, path, headers, body = prepare(step, endpoint.who, credential, jar, context)
            began = time.perf_counter()
            try:
                answer = connection.request(method, path, headers, body)
                status, ok = answer.status, answer.status in step.expect
            except (OSError, ValueError) as error:
                answer, status, ok = None, "failed", False
                failure = f"{type(error).__name__}: {error}"
            seconds = time.perf_counter() - began
            example = None
            if not ok:
                said = answer.text()[:400] if answer else failure
                example = f"{method} {path} -> {status}: {said}"
            tallies[(endpoint.group, step.row)].add(seconds, status, ok, example)
            if answer is not None and endpoint.who == "member":
                keep_cookies(jar, answer)
            if not ok:
                break  # the rest of the cycle needs this step's answer
            capture(step, answer, context)
    connection.close()
    return dict(tallies), jar, time.time()


def run_clients(port, endpoints, credentials, indexes, start_at, duration):
    """Several clients as threads of this process; merged tallies, jars by index, last end."""
    outcomes = {}

    def client(index):
        credential = credentials.get(index) if credentials else None
        outcomes[index] = run_client(port, endpoints, credential, index, start_at, duration)

    threads = [threading.Thread(target=client, args=(i,)) for i in indexes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tallies = defaultdict(Tally)
    for found, _, _ in outcomes.values():
        for key, tally in found.items():
            tallies[key].merge(tally)
    jars = {index: jar for index, (_, jar, _) in outcomes.items()
            if credentials and index in credentials}
    return dict(tallies), jars, max(end for _, _, end in outcomes.values())


def _worker(jobs, results):
    for job in iter(jobs.get, None):
        results.put(run_clients(*job))


class Clients:
    """`count` clients in `processes` worker processes, reused from run to run."""

    def __init__(self, count, processes):
        self.count = count
        processes = max(1, min(processes, count))
        context = multiprocessing.get_context("spawn")
        self.results = context.Queue()
        self.workers = []
        for number in range(processes):
            jobs = context.Queue()
            worker = context.Process(target=_worker, args=(jobs, self.results), daemon=True)
            worker.start()
            self.workers.append((worker, jobs, list(range(number, count, processes))))

    def run(self, port, endpoints, credentials, duration):
        """Every client on `endpoints` for `duration` s: (tallies, jars by index, elapsed s)."""
        start_at = time.time() + 0.3  # every client starts together, after the job arrives
        for _, jobs, indexes in self.workers:
            jobs.put((port, endpoints, credentials, indexes, start_at, duration))
        tallies, jars, ended = defaultdict(Tally), {}, start_at
        for _ in self.workers:
            found, their_jars, their_end = self.results.get(timeout=duration + 300)
            for key, tally in found.items():
                tallies[key].merge(tally)
            jars |= their_jars
            ended = max(ended, their_end)
        return dict(tallies), jars, ended - start_at

    def close(self):
        for worker, jobs, _ in self.workers:
            jobs.put(None)
            worker.join(timeout=10)
            if worker.is_alive():
                worker.terminate()
