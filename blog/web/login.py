"""The Flask-Login wiring: logging a browser in and out, the user loader, "please log in".

The sessions themselves (rows that really end) are the domain's: blog.domain.sessions.
"""

from flask import current_app, flash, redirect, request
from flask_login import login_url, login_user, logout_user

from ..domain import dashboard, sessions
from ..extensions import login_manager
from .errors import error_response, wants_json
from .signals import member_identified
from .urls import referrer_path


def log_in(user, remember=False):
    """Start a login of `user` on this browser (commits) and set its cookie."""
    sessions.start_session(
        user,
        remember=remember,
        user_agent=request.user_agent.string,
        ip_address=request.remote_addr,
    )
    login_user(user, remember=remember, duration=current_app.config["REMEMBER_COOKIE_DURATION"])


def log_out(user):
    """End this browser's login: its session row (commits) and its cookies."""
    sessions.end_current_session(user)
    logout_user()


@login_manager.user_loader
def load_user(token):
    """The member of this request's session cookie, or None; with the numbers every page
    of theirs shows in its header (blog.web.templating), read in the same statement."""
    user = sessions.resume_session(token, also=dashboard.header_count_columns)
    if user is not None and member_identified.receivers:
        # Flask-Login's own user_loaded_from_cookie says when it was the remember-me cookie.
        member_identified.send(user, how="session cookie")
    return user


@login_manager.unauthorized_handler
def ask_to_log_in():
    """A visitor reached something for members: send them to log in, and back after.

    After a POST (a Like button, say) "back" is the page the button was on,
    not the POST's address. A script asking for JSON gets a 401 instead and
    sends the browser to the login page itself.
    """
    if wants_json():
        return error_response(401, "Please log in first.")
    flash(login_manager.login_message, login_manager.login_message_category)
    back = request.full_path.rstrip("?") if request.method == "GET" else referrer_path()
    return redirect(login_url(login_manager.login_view, next_url=back))
