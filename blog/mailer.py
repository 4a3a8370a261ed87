"""Delivering the outbox: the mail worker and the SMTP conversation.

The domain queues email (blog.domain.outbox.queue_email) in the transaction of
the change that caused it; deliver_due() sends what is due through Flask-Mail;
a failure is recorded on the row and retried with growing delays, so an SMTP
server that is down delays mail but never fails a request.
With no MAIL_SERVER configured, delivery stops at the outbox and the messages
are read at /dev/mail (development only).
"""

import contextlib
import json
import smtplib
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_mail import Message
from sqlalchemy import select, update

from .domain import notification_emails
from .domain.signals import email_queued
from .extensions import db, mail
from .models import OutboxEmail, utcnow

MAX_BACKOFF = timedelta(hours=6)
# One send waits at most MAIL_TIMEOUT_SECONDS for each of: connecting,
# STARTTLS, logging in and the message; one more is kept for storing the
# result. A claimed message is held that long, then is anyone's again.
LEASE_STEPS = 5


def uses_dev_mailbox(app=None):
    """True when no SMTP server is configured: mail is only shown at /dev/mail."""
    app = app or current_app
    return not app.config.get("MAIL_SERVER")


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def deliver_due(limit=100, now=None):
    """Try to send every due message once; return how many went out and failed.

    `now` is when the pass starts (tests move it ahead); the pass's clock runs
    on from there, so each claim and each retry is timed when it happens.
    """
    started = time.monotonic()
    now = now or utcnow()

    def clock():
        return now + timedelta(seconds=time.monotonic() - started)

    report = DeliveryReport()
    due_ids = db.session.scalars(
        select(OutboxEmail.id)
        .where(OutboxEmail.sent_at.is_(None))
        .where(OutboxEmail.next_attempt_at <= now)
        .where(OutboxEmail.attempts < current_app.config["MAIL_MAX_ATTEMPTS"])
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(limit)
    ).all()
    db.session.commit()
    for message_id in due_ids:
        message, deadline = _claim(message_id, clock())
        if message is None:
            continue  # another sender (the CLI or the worker) took it
        try:
            _send(message, deadline)
        except Exception as exc:  # noqa: BLE001 - any SMTP or socket failure means "retry later"
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            message.next_attempt_at = clock() + _backoff(message.attempts)
            report.failed += 1
            current_app.logger.warning(
                "Email %s to %s failed (attempt %s): %s",
                message.id, message.recipient, message.attempts, message.last_error,
            )
        else:
            message.attempts += 1
            message.sent_at = utcnow()
            message.last_error = ""
            report.sent += 1
        db.session.commit()
    return report


def _claim(message_id, at):
    """Hold the message for one send from `at`; only one sender wins.

    Returns (the message, the monotonic time its send must be over by), or
    (None, None) when another sender holds it. The lease is LEASE_STEPS
    timeouts; the send gets one fewer, so the result is stored before another
    sender may take the message.
    """
    timeout = current_app.config["MAIL_TIMEOUT_SECONDS"]
    deadline = time.monotonic() + timeout * (LEASE_STEPS - 1)
    claimed = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == message_id)
        .where(OutboxEmail.sent_at.is_(None))
        .where(OutboxEmail.next_attempt_at <= at)
        .values(next_attempt_at=at + timedelta(seconds=timeout * LEASE_STEPS))
    ).rowcount
    db.session.commit()
    if not claimed:
        return None, None
    return db.session.get(OutboxEmail, message_id), deadline


def _backoff(attempts):
    base = current_app.config["MAIL_RETRY_BASE_SECONDS"]
    return min(timedelta(seconds=base * 2 ** (attempts - 1)), MAX_BACKOFF)


def _send(message, deadline):
    """Send through SMTP, done by `deadline` (time.monotonic()) or failed."""
    if uses_dev_mailbox():
        return  # the dev mailbox page reads the outbox itself
    email = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.text_body,
        html=message.html_body,
        sender=mail.default_sender,
        extra_headers=json.loads(message.headers) if message.headers else None,
    )
    # Flask-Mail builds the message; we talk SMTP ourselves because Flask-Mail
    # opens connections without a timeout, and a server that hangs would stop
    # the worker for good.
    config = current_app.config
    smtp_class = _DeadlineSMTPS if config["MAIL_USE_SSL"] else _DeadlineSMTP
    smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"],
                      timeout=config["MAIL_TIMEOUT_SECONDS"], deadline=deadline)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.sendmail(email.sender, email.send_to, email.as_bytes())
    finally:
        _hang_up(smtp)


def _hang_up(smtp):
    # The message is sent (or not) by now: a QUIT that fails changes nothing.
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


class _Deadline:
    """smtplib with one deadline for the whole conversation.

    smtplib's timeout bounds each wait, and a server slow at every step could
    take many of them: past the lease another sender may send the message too.
    Each wait gets the time left, at most the timeout.
    """

    def __init__(self, host, port, *, timeout, deadline):
        self.deadline = deadline
        super().__init__(host, port, timeout=timeout)

    def _time_left(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the SMTP server took longer than the message's lease")
        return min(left, self.timeout)

    def _get_socket(self, host, port, timeout):
        return super()._get_socket(host, port, self._time_left())

    def send(self, s):
        with self._bounded():
            super().send(s)

    def getreply(self):
        with self._bounded():
            return super().getreply()

    @contextlib.contextmanager
    def _bounded(self):
        if self.sock:
            self.sock.settimeout(self._time_left())
        try:
            yield
        except smtplib.SMTPServerDisconnected:
            self._time_left()  # a wait cut short by the deadline says so
            raise


class _DeadlineSMTP(_Deadline, smtplib.SMTP):
    pass


class _DeadlineSMTPS(_Deadline, smtplib.SMTP_SSL):
    pass


class MailWorker(threading.Thread):
    """Delivers the outbox in the background of the web server process."""

    def __init__(self, app):
        super().__init__(name="mail-worker", daemon=True)
        self.app = app
        self.wakeup = threading.Event()
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            self.wakeup.wait(self.app.config["MAIL_POLL_SECONDS"])
            self.wakeup.clear()
            # Give the request that woke us a moment to commit.
            self.stopping.wait(0.2)
            with self.app.app_context():
                try:
                    notification_emails.queue_due()  # then they go out in the same pass
                    deliver_due()
                except Exception:  # noqa: BLE001 - keep the worker alive, say why
                    self.app.logger.exception("Mail worker could not read the outbox")
                    db.session.rollback()
                finally:
                    db.session.remove()

    def stop(self):
        self.stopping.set()
        self.wakeup.set()
        self.join(timeout=5)


def start_worker(app):
    """Start delivering the outbox in a background thread; returns the worker."""
    worker = MailWorker(app)
    app.extensions["mail_worker"] = worker
    worker.start()
    return worker


@email_queued.connect
def wake_worker(message, **extra):
    """An email was queued: ask this app's background worker (if it runs one) to look now."""
    worker = current_app.extensions.get("mail_worker")
    if worker is not None:
        worker.wakeup.set()
