"""A request's story as a sequence diagram: SVG markup drawn here, no library, no script.

Nine lanes, left to right, in the order a request travels: the browser,
the route (our view function), the CSRF check, who is asking, the rules,
the database, the mail outbox, the response and the page (the browser
again). Each step of the record is one arrow from the route to the lane
that did it, or one box on a lane; runs of SQL statements are one arrow.
Black lines and words only (currentColor): a refusal says "no" in words,
so the drawing reads in any colour scheme, printed, or zoomed.
"""

import json
import re
from http import HTTPStatus

from markupsafe import Markup, escape

from .recorder import WRITE
from .telling import FROM

LANES = ("browser", "route", "CSRF", "who", "rules", "database", "mail", "response", "page")
BROWSER, ROUTE, CSRF, WHO, RULES, DATABASE, MAIL, RESPONSE, PAGE = range(len(LANES))
LANE_WIDTH = 92
LEFT = 64  # the time column
TOP = 56  # the lane headings
ROW = 30
WIDTH = LEFT + LANE_WIDTH * len(LANES) + 8
CHAR_WIDTH = 7.2  # about, for 12px text (wide fonts too): to cut labels before they overflow
QUOTED = re.compile(r'"([^"]*)"')


class Item:
    """One row of the drawing: an arrow from lane `start` to lane `end`, or a box on `start`."""

    def __init__(self, at_ms, start, label, end=None, refused=False, reply=False, href=None):
        self.at_ms, self.start, self.end, self.label = at_ms, start, end, label
        self.refused, self.reply, self.href = refused, reply, href

    def sentence(self):
        where = LANES[self.start] + (f" → {LANES[self.end]}" if self.end is not None else "")
        return f"{where}: {self.label}"


def items_of(record, followed=(), story_url=None):
    """The rows of `record`'s diagram, in the order its steps happened."""
    items, sql_run = [], []
    for step in record.steps:
        if step.kind == "sql":
            sql_run.append(step)
            continue
        if sql_run:
            items.append(_statements(sql_run))
            sql_run = []
        items += _step_items(record, step)
    if sql_run:
        items.append(_statements(sql_run))
    if record.browser_half:
        half = record.browser_half
        items.append(Item(None, PAGE, f"{half.get('before', '')} → {half.get('after', '')}"))
    for next_record in followed:
        items.append(Item(None, PAGE, f"then {next_record.method} {next_record.path} → "
                          f"{next_record.status}",
                          href=story_url(next_record) if story_url else None))
    return items


def _statements(steps):
    read, written = set(), set()
    for step in steps:
        statement = step.detail.get("statement", "")
        write = WRITE.match(statement)
        if write:
            written.add(write.group(2))
        else:
            read.update(FROM.findall(statement))
    parts = [f"reads {', '.join(sorted(read))}" if read else "",
             f"writes {', '.join(sorted(written))}" if written else ""]
    count = f"{len(steps)} statement{'' if len(steps) == 1 else 's'}"
    told = "; ".join(part for part in parts if part)
    return Item(steps[0].at_ms, ROUTE, f"{count}: {told}" if told else count, end=DATABASE)


def _step_items(record, step):
    detail = step.detail
    if step.kind == "arrived":
        return [Item(step.at_ms, BROWSER, f"{record.method} {record.path}", end=ROUTE)]
    if step.kind == "csrf":
        if record.kind == "api":  # nothing was matched: the API reads no cookie
            return [Item(step.at_ms, ROUTE, "none asked: the API takes no CSRF token", end=CSRF)]
        return [Item(step.at_ms, ROUTE, "token matched: yes", end=CSRF)]
    if step.kind == "who":
        if "how" not in detail:  # no login came with the request
            return [Item(step.at_ms, ROUTE, "a visitor (no login)", end=WHO)]
        return [Item(step.at_ms, ROUTE, f"@{record.member_name} ({detail['how']})", end=WHO)]
    if step.kind == "rule":
        name, allowed = detail.get("rule", "rule"), detail.get("allowed")
        if name == "require":
            return [Item(step.at_ms, ROUTE, step.text.removeprefix("A rule "), end=RULES,
                         refused=True)]
        return [Item(step.at_ms, ROUTE, f"{name}: {'yes' if allowed else 'no'}", end=RULES,
                     refused=not allowed)]
    if step.kind == "validation":
        fields = ", ".join(detail.get("errors") or {}) or "fields"
        checked = "JSON" if record.kind in ("api", "fetch") else "form"
        return [Item(step.at_ms, ROUTE, f"{checked} check: no ({fields})", end=RULES,
                     refused=True)]
    if step.kind == "email":
        subject = QUOTED.search(step.text)
        return [Item(step.at_ms, ROUTE, f"queued “{subject.group(1) if subject else 'email'}”",
                     end=MAIL)]
    if step.kind == "flash":
        message = QUOTED.search(step.text)
        return [Item(step.at_ms, RESPONSE, f"flash “{message.group(1) if message else ''}”")]
    if step.kind == "event":
        event = str(detail.get("event", ""))
        if event.startswith("csrf."):
            reason = detail.get("reason")
            return [Item(step.at_ms, ROUTE, "token matched: no" + (f" ({reason})" if reason
                                                                    else ""),
                         end=CSRF, refused=True)]
        return [Item(step.at_ms, ROUTE, f"security log: {event}")]
    if step.kind == "answer":
        return _answer_items(record, step)
    if step.kind == "replay":  # a what-if (replay.py): what it changed, then its rollback
        if "original" in detail:
            return [Item(step.at_ms, BROWSER, f"what if: {record.replay}")]
        return [Item(step.at_ms, ROUTE, "rolled back: nothing kept", end=DATABASE)]
    return [Item(step.at_ms, ROUTE, step.text)]


def _answer_items(record, step):
    detail, status = step.detail, record.status or 0
    location = detail.get("Location")
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    told = f"{status} {phrase}".strip() + (f" → {location}" if location else "")
    answered = Item(step.at_ms, ROUTE, told, end=RESPONSE, refused=status >= 400)
    if location:
        shown = f"go to {location}"
    elif "JSON body" in detail:
        shown = f"JSON {json.dumps(detail['JSON body'], ensure_ascii=False)}"
    else:
        kind = (detail.get("Content-Type") or "no body").split(";")[0]
        shown = f"{kind}, {detail.get('size (bytes)') or 0} bytes"
    return [answered, Item(None, RESPONSE, shown, end=PAGE, reply=True, refused=status >= 400)]


def _x(lane):
    return LEFT + LANE_WIDTH * lane + LANE_WIDTH / 2


def _cut(text, width):
    most = max(int(width / CHAR_WIDTH), 4)
    return text if len(text) <= most else text[: most - 1] + "…"


def _text(x, y, text, anchor="middle", size=12, weight=None):
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}" font-size="{size}"{bold}>'
            f"{escape(text)}</text>")


def _heading(record):
    parts = ['<g class="flow-lanes">']
    names = list(LANES)
    if record.kind == "api":
        names[BROWSER], names[PAGE] = "API client", "client"
    for lane, name in enumerate(names):
        x = _x(lane)
        parts.append(f'<rect x="{x - 42:.0f}" y="6" width="84" height="34" rx="4" '
                     'fill="none" stroke="currentColor"/>')
        if lane == ROUTE and record.view:
            parts.append(_text(x, 21, name, weight="bold"))
            parts.append(_text(x, 34, _cut(f"{record.view['function']}()", 80), size=10))
        else:
            parts.append(_text(x, 27, name, weight="bold"))
    return [*parts, "</g>"]


def _row(item, y):
    parts = []
    if item.at_ms is not None:
        parts.append(_text(4, y + 4, f"{item.at_ms:.1f} ms", anchor="start", size=10))
    weight = "bold" if item.refused else None
    if item.end is None:
        width = min(len(item.label) * CHAR_WIDTH + 12, WIDTH - LEFT - 8)
        left = min(max(_x(item.start) - width / 2, LEFT), WIDTH - width - 4)
        parts.append(f'<rect x="{left:.0f}" y="{y - 11}" width="{width:.0f}" height="20" rx="3" '
                     'fill="none" stroke="currentColor" stroke-dasharray="2 2"/>')
        parts.append(_text(left + width / 2, y + 3, _cut(item.label, width - 8), weight=weight))
    else:
        start, end = _x(item.start), _x(item.end)
        dashes = ' stroke-dasharray="6 4"' if item.reply else ""
        parts.append(f'<line x1="{start:.0f}" y1="{y + 4}" x2="{end - 4:.0f}" y2="{y + 4}" '
                     f'stroke="currentColor"{dashes} marker-end="url(#flow-arrow)"/>')
        # A label starts just right of the arrow's tail and may run past its head;
        # one too long for the room left of the edge ends at the edge instead.
        if len(item.label) * CHAR_WIDTH <= WIDTH - start - 12:
            parts.append(_text(start + 6, y, item.label, anchor="start", weight=weight))
        else:
            parts.append(_text(WIDTH - 6, y, _cut(item.label, WIDTH - LEFT - 12), anchor="end",
                               weight=weight))
    inner = "".join(parts)
    if item.href:
        inner = f'<a href="{escape(item.href)}">{inner}</a>'
    return f"<g><title>{escape(item.sentence())}</title>{inner}</g>"


def sequence_svg(record, followed=(), story_url=None):
    """`record` drawn as an accessible SVG sequence diagram (markup safe to put in a page)."""
    items = items_of(record, followed, story_url)
    height = TOP + ROW * len(items) + 12
    title = f"Sequence diagram of {record.method} {record.path} → {record.status}"
    described = "; ".join(item.sentence() for item in items)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow-diagram" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-family="system-ui, sans-serif" fill="currentColor" '
        f'aria-labelledby="flow-diagram-title flow-diagram-desc">',
        f'<title id="flow-diagram-title">{escape(title)}</title>',
        f'<desc id="flow-diagram-desc">{escape(described)}</desc>',
        '<defs><marker id="flow-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z"/></marker></defs>',
    ]
    for lane in range(len(LANES)):
        parts.append(f'<line x1="{_x(lane):.0f}" y1="40" x2="{_x(lane):.0f}" y2="{height - 4}" '
                     'stroke="currentColor" stroke-opacity="0.35" stroke-dasharray="3 3"/>')
    parts += _heading(record)
    for index, item in enumerate(items):
        parts.append(_row(item, TOP + ROW * index + 16))
    parts.append("</svg>")
    # Every text and attribute value from the record went through escape() above.
    return Markup("\n".join(parts))  # noqa: S704
