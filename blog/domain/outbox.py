"""The one way to send email: queue it in the outbox, in the change's own transaction.

queue_email() adds a row to the caller's transaction, so an email exists exactly
when the change that caused it was committed. Delivering it is the mail
worker's job (blog/mailer.py), woken by the email_queued signal.
"""

import json

from ..extensions import db
from ..models import OutboxEmail
from ..runtime import render
from . import site
from .signals import email_queued


def queue_email(recipient, subject, template, headers=None, **context):
    """Render templates/email/<template>.txt and .html and add them to the outbox.

    `headers`: extra headers of the message ({"List-Unsubscribe": ...}).
    """
    context.setdefault("site_name", site.current().name)
    message = OutboxEmail(
        recipient=recipient,
        subject=subject,
        text_body=render(f"email/{template}.txt", **context),
        html_body=render(f"email/{template}.html", **context),
        headers=json.dumps(headers) if headers else "",
    )
    db.session.add(message)
    email_queued.send(message, template=template)
    return message
