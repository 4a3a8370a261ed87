"""The JSON API under /api: the RealWorld ("Conduit") spec, on the site's own rules.

Every route calls the same domain functions as the pages (blog.accounts,
blog.articles, blog.comments, blog.reactions, blog.follows, blog.listing);
this package only reads JSON, checks the token, and shapes the answers.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

# The route modules register themselves on bp.
from . import articles, comments, docs, errors, users  # noqa: E402, F401
