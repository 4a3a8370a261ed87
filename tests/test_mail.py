"""The outbox: email is stored with its cause and delivered later, surviving SMTP outages."""

import asyncio
import contextlib
import socket
import threading
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from blog.extensions import db
from blog.mailer import deliver_due, start_worker
from blog.models import OutboxEmail, utcnow
from helpers import TEST_PASSWORD, Auth, FormClient, link_in
from server_helpers import Mailbox, SmtpServer, free_port


def queue_test_email(recipient="x@example.com"):
    """Queue one email (needs an app and a request context) and commit it."""
    from blog.domain.outbox import queue_email

    queue_email(recipient, "Hello", "already_registered", login_url="/", reset_url="/")
    db.session.commit()


def outbox():
    db.session.expire_all()
    return db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()


def test_sign_up_succeeds_while_smtp_is_down_and_mail_goes_out_when_it_is_back(
    make_app, smtp_server
):
    port = free_port()  # nothing listens here yet
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT_SECONDS=2)
    client = FormClient(app.test_client())
    with app.app_context():
        response = Auth(client).register(email="patient@example.com", username="patient")
        assert response.status_code == 302

        report = deliver_due()
        assert (report.sent, report.failed) == (0, 1)
        [message] = outbox()
        assert message.sent_at is None
        assert message.attempts == 1
        assert "ConnectionRefusedError" in message.last_error
        retry_at = message.next_attempt_at
        assert retry_at > utcnow() + timedelta(seconds=20)

        # Not due yet: nothing is tried again before the backoff has passed.
        assert deliver_due().failed == 0

        server = SmtpServer(port)
        server.start()
        try:
            report = deliver_due(now=retry_at + timedelta(seconds=1))
            assert (report.sent, report.failed) == (1, 0)
            [received] = server.mailbox.messages
            assert received["To"] == "patient@example.com"
            assert "/auth/verify/" in link_in(received, "/auth/verify/")
            [message] = outbox()
            assert message.sent_at is not None and message.last_error == ""
        finally:
            server.stop()


def test_backoff_grows_with_each_failure(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_RETRY_BASE_SECONDS=10)
    with app.app_context():
        with app.test_request_context():
            queue_test_email()
        now = utcnow()
        delays = []
        for _ in range(3):
            deliver_due(now=now)
            [message] = outbox()
            delays.append((message.next_attempt_at - now).total_seconds())
            now = message.next_attempt_at
        assert [round(delay) for delay in delays] == [10, 20, 40]


def test_a_message_is_given_up_after_the_last_attempt(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=2)
    with app.app_context(), app.test_request_context():
        queue_test_email()
        far = utcnow() + timedelta(days=30)
        assert deliver_due().failed == 1
        assert deliver_due(now=far).failed == 1
        assert deliver_due(now=far + timedelta(days=1)).failed == 0
        assert outbox()[0].attempts == 2


def test_the_background_worker_delivers_without_being_asked(make_app, smtp):
    app = make_app(MAIL_SERVER=smtp.hostname, MAIL_PORT=smtp.port, MAIL_POLL_SECONDS=0.2)
    start_worker(app)
    client = FormClient(app.test_client())
    with app.app_context():
        Auth(client).register(email="eager@example.com", username="eager")
    [message] = smtp.mailbox.wait_for(1)
    assert message["To"] == "eager@example.com"
    assert message["From"] == "blog tests <no-reply@blog.test>"


def test_a_message_is_sent_once_even_with_two_senders(app, mailbox, auth):
    """The CLI and the worker may run at once; a claimed message is not sent twice."""
    auth.register()
    first = deliver_due()
    second = deliver_due()
    assert (first.sent, second.sent) == (1, 0)
    assert len(mailbox.messages) == 1


class SlowMailbox(Mailbox):
    """An SMTP server that takes `delay` seconds to accept each message."""

    def __init__(self, delay):
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def test_a_second_sender_during_a_long_pass_sends_nothing_twice(make_app):
    """Each claim holds its message for one send from when it is claimed.

    The first sender's pass (30 messages at 0.2 s each) lasts three times
    one send's lease (MAIL_TIMEOUT_SECONDS 2); the second starts during it.
    (Leases of 0.2 s, 0.5 s, then 1 s, left a send too little room on a busy
    machine: the server took the message but the reply came after the timeout,
    so the send counted as failed and waited for its retry, outside this pass.)
    """
    smtp = SmtpServer()
    smtp.mailbox = SlowMailbox(delay=0.2)
    smtp.start()
    settings = {"MAIL_SERVER": smtp.hostname, "MAIL_PORT": smtp.port, "MAIL_TIMEOUT_SECONDS": 2}
    apps = [make_app(**settings), make_app(**settings)]
    recipients = [f"reader{n}@example.com" for n in range(30)]
    try:
        with apps[0].app_context(), apps[0].test_request_context():
            for recipient in recipients:
                queue_test_email(recipient)
        reports = []

        def sender(app):
            with app.app_context():
                reports.append(deliver_due())
                db.session.remove()

        threads = [threading.Thread(target=sender, args=(app,)) for app in apps]
        threads[0].start()
        time.sleep(3)  # the first pass is half through, its first leases gone
        threads[1].start()
        for thread in threads:
            thread.join(timeout=30)
        copies = Counter(message["To"] for message in smtp.mailbox.messages)
    finally:
        smtp.stop()
    assert sorted(copies) == sorted(recipients)
    twice = sorted(address for address, count in copies.items() if count > 1)
    assert twice == [], f"{len(twice)} of {len(recipients)} got more than one copy"
    assert sum(report.sent for report in reports) == len(recipients)
    assert all(report.sent for report in reports), "the second sender should have helped"


@contextlib.contextmanager
def dawdling_smtp_server(delay):
    """An SMTP server for one connection that waits `delay` seconds before every reply."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        connection, _ = listener.accept()
        with contextlib.suppress(OSError), connection, connection.makefile("rb") as lines:

            def reply(text):
                time.sleep(delay)
                connection.sendall(text.encode() + b"\r\n")

            reply("220 slow.test ESMTP")
            in_data = False
            for line in lines:
                if in_data:
                    in_data = line != b".\r\n"
                    if not in_data:
                        reply("250 queued")
                elif line[:4].upper() == b"DATA":
                    in_data = True
                    reply("354 go ahead")
                else:
                    reply("221 bye" if line[:4].upper() == b"QUIT" else "250 OK")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(timeout=5)


def test_a_send_never_runs_past_its_lease(make_app):
    """Each reply comes within the timeout, but all of them take longer than the lease."""
    with dawdling_smtp_server(delay=0.25) as port:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT_SECONDS=0.3)
        with app.app_context(), app.test_request_context():
            queue_test_email()
            began = time.monotonic()
            report = deliver_due()
            took = time.monotonic() - began
            [message] = outbox()
    assert (report.sent, report.failed) == (0, 1)
    assert "longer than the message's lease" in message.last_error
    assert message.sent_at is None  # it is tried again later, by whoever holds it then
    assert took < 0.3 * 5, f"the send went on for {took:.2f} s, past its lease"


def test_emails_have_text_and_html_parts(app, auth, deliver):
    auth.register()
    [message] = deliver()
    assert message.get_body(preferencelist=("plain",)) is not None
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<a href="http://localhost/auth/verify/' in html


def test_dev_mailbox_shows_queued_mail_with_clickable_links(make_app):
    app = make_app()  # no MAIL_SERVER: the dev mailbox, as on `make run`
    client = FormClient(app.test_client())
    with app.app_context():
        Auth(client).register(email="dev@example.com", username="devuser")
        deliver_due()
        html = client.get("/dev/mail").get_data(as_text=True)
        assert "dev@example.com" in html
        assert "Confirm your email address" in html
        assert "delivered" in html
        message_id = outbox()[0].id
        html = client.get(f"/dev/mail/{message_id}").get_data(as_text=True)
        assert '<a href="http://localhost/auth/verify/' in html
        assert client.get("/dev/mail/999999").status_code == 404


def test_dev_mailbox_does_not_exist_in_production(make_app):
    app = make_app(BLOG_ENV="production")
    assert app.test_client().get("/dev/mail").status_code == 404


def test_send_mail_command_flushes_the_outbox(app, auth, mailbox):
    auth.register()
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, failed 0 (through SMTP)." in result.output
    assert len(mailbox.messages) == 1


def test_send_mail_command_reports_failures(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    client = FormClient(app.test_client())
    with app.app_context():
        Auth(client).register()
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 1
    assert "Sent 0, failed 1" in result.output
    assert TEST_PASSWORD not in result.output


def test_an_smtp_server_that_hangs_times_out_instead_of_stalling_delivery(make_app):
    import socket

    # Accepts connections (the kernel's backlog) but never says hello.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    try:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent.getsockname()[1],
                       MAIL_TIMEOUT_SECONDS=0.5)
        with app.app_context(), app.test_request_context():
            queue_test_email()
            assert deliver_due().failed == 1
            assert "timed out" in outbox()[0].last_error
    finally:
        silent.close()
