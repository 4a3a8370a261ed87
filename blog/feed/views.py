"""The home page and, later, the lists of articles."""

from flask import Blueprint, render_template

bp = Blueprint("feed", __name__)


@bp.route("/")
def index():
    return render_template("feed/index.html")
