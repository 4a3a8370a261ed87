"""Front matter: the `---` block of `key: value` lines that starts a Markdown file.

Exports write it and imports read it. Only a small, safe subset of YAML is
spoken, the one Jekyll, Hugo, DEV and friends write for a post: one key per
line with a plain, 'single' or "double" quoted value, and lists either inline
(`tags: [python, web]`) or as `- item` lines. Nothing is ever evaluated, so a
file cannot make the parser build objects or expand aliases (YAML's dangers),
and the site needs no YAML library. Keys it does not know are kept as text;
nested maps are refused with a message naming the line.
"""

import json
import re

FENCE = "---"
KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)\s*:(?:\s+(.*)|\s*)$")
LIST_ITEM = re.compile(r"\s*-\s+(.*)$|\s*-$")


class FrontMatterError(ValueError):
    """The front matter cannot be read; the message says where and why."""


def dump(fields):
    """The front matter block for `fields` (str, list of str or None values), fences included.

    Strings are written double-quoted with JSON's escapes, which YAML reads the
    same way: a title with a colon, a quote or a newline survives the round trip.
    """
    lines = [FENCE]
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            lines.append(f"{key}: [{', '.join(_quoted(item) for item in value)}]")
        else:
            lines.append(f"{key}: {_quoted(value)}")
    lines.append(FENCE)
    return "\n".join(lines) + "\n"


def _quoted(text):
    return json.dumps(str(text), ensure_ascii=False)


def split(text):
    """(fields, body) of a Markdown file; ({}, text) when it has no front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() in (FENCE, "..."):
            return parse(lines[1:end]), "".join(lines[end + 1:])
    raise FrontMatterError("The front matter that starts on line 1 has no closing “---” line.")


def parse(lines):
    """The fields of the lines between the fences (line numbers in errors count the fence)."""
    fields, list_key = {}, None
    for number, line in enumerate((raw.rstrip("\r\n") for raw in lines), start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = LIST_ITEM.match(line)
        if item and list_key is not None:
            fields[list_key].append(_scalar(item.group(1) or "", number))
            continue
        match = KEY_LINE.match(line)
        if not match or line[0].isspace():
            raise FrontMatterError(
                f"Line {number} of the front matter is not “key: value”: {line.strip()[:60]}"
            )
        key, raw = match.group(1).lower(), (match.group(2) or "").strip()
        if not raw:  # a list in "- item" lines follows, or nothing
            fields[key], list_key = [], key
            continue
        list_key = None
        fields[key] = _inline_list(raw, number) if raw.startswith("[") else _scalar(raw, number)
    return fields


def _inline_list(raw, number):
    if not raw.endswith("]"):
        raise FrontMatterError(
            f"Line {number} of the front matter opens a list “[” it never closes."
        )
    inner = raw[1:-1].strip()
    if not inner:
        return []
    # Split on commas outside quotes.
    items = re.findall(r'\s*("(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|[^,]+)\s*(?:,|$)', inner)
    return [_scalar(item.strip(), number) for item in items]


def _scalar(raw, number):
    """One value as text: quotes removed (and their escapes read), comments dropped."""
    if raw.startswith('"'):
        end = _closing_double_quote(raw)
        if end is None:
            raise FrontMatterError(f"Line {number} of the front matter has an unclosed quote.")
        try:
            return json.loads(raw[:end + 1])
        except ValueError as exc:
            raise FrontMatterError(
                f"Line {number} of the front matter has a quoted value that cannot be read."
            ) from exc
    if raw.startswith("'"):
        match = re.match(r"'((?:[^']|'')*)'", raw)
        if not match:
            raise FrontMatterError(f"Line {number} of the front matter has an unclosed quote.")
        return match.group(1).replace("''", "'")
    if raw.startswith(("{", "&", "*", "!", "|", ">")):
        raise FrontMatterError(
            f"Line {number} of the front matter uses a YAML feature this site does not read "
            f"(“{raw[0]}”): write the value as plain or quoted text."
        )
    return re.split(r"\s+#", raw, maxsplit=1)[0].strip()


def _closing_double_quote(raw):
    escaped = False
    for index, char in enumerate(raw[1:], start=1):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            return index
    return None
