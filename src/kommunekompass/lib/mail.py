"""Sending one mail from a pair of templates, in the recipient's language.

A mail is three templates under one name: `NAME_subject.txt` (one line), `NAME.txt` (the plain
text) and `NAME.html` (the HTML part). Everything is rendered with the recipient's language
active, so dates, numbers and texts are theirs, whatever language the sender uses.

Where mails go is set in settings (SMTP from the environment, else files in DATA_DIR/mail).

`send_mail_later` renders the mail at once (the context may hold model instances and the
request's address) and leaves the sending, which may wait for a slow mail server, to a job of
the queue, tried again when the server fails.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from kommunekompass.lib import jobs


def render_mail(template: str, context: dict, language: str) -> tuple[str, str, str]:
    """The subject, plain text and HTML of a mail, in `language`."""
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL, "LANGUAGE_CODE": language}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return subject, text, html


def send_mail(template: str, context: dict, to: str, language: str, connection=None) -> None:
    """Send one mail to the address `to`, rendered from `template` in `language`. Raises what
    the mail backend raises when it cannot deliver."""
    subject, text, html = render_mail(template, context, language)
    _send(subject, text, html, to, connection)


def _send(subject: str, text: str, html: str, to: str, connection=None) -> None:
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to], connection=connection
    )
    message.attach_alternative(html, "text/html")
    message.send()


@jobs.job(secret=True, priority=jobs.SOMEONE_WAITS)
def deliver(subject: str, text: str, html: str, to: str) -> None:
    """The job that sends one rendered mail. A mail server that fails has it tried again; a
    mail the server took is never sent twice by this job (it is sent once, then the job ends).
    The mail may hold a one-time link: its row keeps it only until the attempt is over."""
    _send(subject, text, html, to)


def send_mail_later(
    template: str, context: dict, to: str, language: str, *, after_commit: bool = True
) -> None:
    """Render the mail now; send it from the queue once the current transaction commits (or
    at once when `after_commit` is false: the mail belongs to no transaction)."""
    subject, text, html = render_mail(template, context, language)
    if after_commit:
        jobs.enqueue_after_commit(deliver, subject, text, html, to)
    else:
        deliver.enqueue(subject, text, html, to)
