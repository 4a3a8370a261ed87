"""The outbox: email is stored with its cause and delivered later, surviving SMTP outages."""

from datetime import timedelta

from sqlalchemy import select

from blog.extensions import db
from blog.models import OutboxEmail, utcnow
from blog.outbox import deliver_due, start_worker
from conftest import TEST_PASSWORD, Auth, FormClient, free_port, link_in


def queue_test_email():
    """Queue one email (needs an app and a request context) and commit it."""
    from blog.outbox import queue_email

    queue_email("x@example.com", "Hello", "already_registered", login_url="/", reset_url="/")
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

        from conftest import SmtpServer

        server = SmtpServer()
        server.port = port
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
        assert delays == [10, 20, 40]


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
