"""Reports and moderation pages: the Report buttons, the queue, the actions, the log
and the members list. Every decision is blog.domain.permissions'."""

from . import admin_views, site_views  # noqa: F401  (their routes join the blueprint)
from .views import bp

__all__ = ["bp"]
