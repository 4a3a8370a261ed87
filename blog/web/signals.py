"""What the web layer announces: who a request turned out to be, and how we know."""

from blinker import Namespace

_signals = Namespace()

# sender: the member (a User); how= "session cookie" | "remember-me cookie" | "API token".
member_identified = _signals.signal("member-identified")
