"""What the domain announces as it works, for anyone who wants to watch (the flow inspector).

Blinker signals (Flask's own machinery): sending one with nobody listening
costs next to nothing, and the domain never knows who listens.
"""

from blinker import Namespace

_signals = Namespace()

# A rule was asked: sender is the rule's function; user=, targets=, allowed=.
decided = _signals.signal("decided")
# An email went into the outbox: sender is the message; template=.
email_queued = _signals.signal("email-queued")
# A member asked for an export of their data: sender is the blog.domain.exports.ExportJob.
export_requested = _signals.signal("export-requested")
