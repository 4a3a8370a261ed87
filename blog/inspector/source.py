"""The code that ran: the view and the domain functions a story names, with their source.

Source is read only from our own package's files (blog/...), never from a
path outside it, and only the function that ran (at most MAX_LINES lines).
"""

import ast
import linecache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
MAX_LINES = 40


def functions_that_ran(record):
    """The view, then each distinct domain function the steps name, in order of appearance.

    Each: function, file, line (where it starts, or the first line a step
    pointed at), and `ran`, the lines the steps pointed at.
    """
    found = {}
    named = [record.view] + [step.code for step in record.steps]
    for code in named:
        if not code or (code is not record.view and not code["file"].startswith("blog/domain/")):
            continue
        key = (code["file"], code["function"])
        if key not in found:
            found[key] = {**code, "ran": set()}
        found[key]["ran"].add(code["line"])
    return list(found.values())


def our_file(relative):
    """The path of `relative` ("blog/domain/x.py") when it is a Python file of ours, else None."""
    path = (PACKAGE.parent / relative).resolve()
    if PACKAGE not in path.parents or path.suffix != ".py" or not path.is_file():
        return None
    return path


def source_of(function):
    """The lines of `function` (a functions_that_ran entry): [(number, text, ran)], or []."""
    path = our_file(function["file"])
    if path is None:
        return []
    lines = linecache.getlines(str(path))
    first, last = _span(path, function["function"], min(function["ran"]))
    if first is None:
        first, last = function["line"], function["line"] + MAX_LINES - 1
    last = min(last, first + MAX_LINES - 1, len(lines))
    # A step that names a function by its start (a view, a rule) points at no line inside it.
    return [(number, lines[number - 1].rstrip("\n"), number in function["ran"] and number > first)
            for number in range(first, last + 1)]


def _span(path, qualname, line):
    """First line (its decorators included) and last line of the def named `qualname` at `line`."""
    name = qualname.rsplit(".", 1)[-1]
    try:
        tree = ast.parse("".join(linecache.getlines(str(path))))
    except SyntaxError:
        return None, None
    best = (None, None)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            if first <= line <= node.end_lineno and (best[0] is None or first > best[0]):
                best = (first, node.end_lineno)  # the innermost def holding the line
    return best
