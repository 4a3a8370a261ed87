"""The JSON API under /api: the RealWorld ("Conduit") spec, on the site's own rules.

Every route calls the same domain functions as the pages (accounts, articles,
comments, reactions, follows and listing in blog.domain);
this package only reads JSON, checks the token, and shapes the answers.
"""

# Importing the route modules registers their routes on bp.
from . import articles, comments, docs, errors, uploads, users  # noqa: F401
from .blueprint import bp

__all__ = ["bp"]
