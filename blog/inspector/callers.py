"""Which of our own functions led to what the inspector records (a SQL statement, a rule)."""

import functools
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent


@functools.lru_cache(maxsize=4096)  # asked for every frame of every SQL statement
def _our_file(filename):
    """(file relative to the project, in blog/domain, in blog/inspector), or None if not ours."""
    path = Path(filename)
    if PACKAGE not in path.parents:
        return None
    return str(path.relative_to(PACKAGE.parent)), "domain" in path.parts, "inspector" in path.parts


def our_caller(skip_inspector=True):
    """The innermost frame of our own code (domain first) that led here: function, file, line."""
    frame, fallback = sys._getframe(2), None
    while frame is not None:
        ours = _our_file(frame.f_code.co_filename)
        if ours and not (skip_inspector and ours[2]):
            found = {"function": frame.f_code.co_name, "line": frame.f_lineno, "file": ours[0]}
            if ours[1]:
                return found
            fallback = fallback or found
        frame = frame.f_back
    return fallback
