"""What the rules ask of the running app: its settings, its templates, and itself.

The domain (blog/domain/) imports no Flask: it reads `settings["NAME"]`,
renders an email with `render()`, and reaches app-wide registries through
`running_app()`. This is the one place where those become Flask calls.
"""

import threading

from flask import current_app, render_template


class _Settings:
    """The running app's settings, read as `settings["NAME"]` or `settings.get("NAME")`."""

    def __getitem__(self, name):
        return current_app.config[name]

    def get(self, name, default=None):
        return current_app.config.get(name, default)


settings = _Settings()


def render(template, **context):
    """Render one of the app's templates (an email's text or HTML) to a string."""
    return render_template(template, **context)


def running_app():
    """The app serving this request or task (for registries kept in app.extensions)."""
    return current_app._get_current_object()


# --- turns in the app (blog/web/turns.py) ----------------------------------------------

_turn = threading.local()


def hold_turn(gate):
    """Note that this thread's request entered the app through `gate` (blog.web.turns)."""
    _turn.gate = gate


def give_up_turn():
    """Let the next request into the app while this one waits outside Python (a password's
    hash): the rest of this request runs beside the others and never waits for a turn
    again, so no request holding a turn ever waits on it. Nothing when it holds none."""
    gate = getattr(_turn, "gate", None)
    if gate is not None:
        _turn.gate = None
        gate.release()


def held_turn():
    """The gate whose turn this thread holds, or None."""
    return getattr(_turn, "gate", None)
