"""The "What if?" of a story page: send a recorded write again with one thing changed.

Registered on the inspector's blueprint (views.py) while FLOW_INSPECTOR is
on; answers 404 unless the site runs in development (replay.enabled()).
The button is a form of the story page: CSRF-protected, rate-limited per
address, and only for a record its viewer may see (404 otherwise).
"""

from flask import abort, flash, redirect, request, url_for
from werkzeug.exceptions import NotFound

from ..extensions import limiter
from ..web.limits import limit
from . import replay, sendable
from .views import bp, record_or_404, visible_records


@bp.post("/<record_id>/replay")
@limiter.limit(limit("RATELIMIT_REPLAYS_PER_IP"))
def replay_with_change(record_id):
    """Send the record's request again with the change the form names; show its story."""
    if not replay.enabled():
        abort(404)
    record = record_or_404(record_id)
    try:
        replayed = replay.replay(record, request.form.get("change", ""))
    except replay.Refused as refused:
        flash(str(refused), "error")
        return redirect(url_for("flow.story", record_id=record.id))
    return redirect(url_for("flow.story", record_id=replayed.id))


@bp.app_template_global("flow_what_ifs")
def what_ifs(record):
    """The what-ifs the story page offers (none outside development, none for a read)."""
    if not replay.enabled() or record.replayable is None:
        return []
    return sendable.choices(record)


@bp.app_template_global("flow_replays_of")
def replays_of(record):
    """The what-ifs already played from `record` that this viewer may see, newest first."""
    return [r for r in visible_records() if r.came_from == record.id and r.replay]


@bp.app_template_global("flow_record_visible")
def record_visible(record_id):
    """The record `record_id` if this viewer may see it (a what-if's original), else None."""
    try:
        return record_or_404(record_id)
    except NotFound:  # gone from the ring, or not theirs
        return None
