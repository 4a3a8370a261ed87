"""Reports and moderation pages: the Report buttons, the queue, the actions, the log
and the members list. Every decision is blog.domain.permissions'."""

from . import admin_views  # noqa: F401  (its routes join the blueprint)
from .views import bp

__all__ = ["bp"]
