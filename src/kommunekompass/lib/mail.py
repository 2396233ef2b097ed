"""Sending one mail from a pair of templates, in the recipient's language.

A mail is three templates under one name: `NAME_subject.txt` (one line), `NAME.txt` (the plain
text) and `NAME.html` (the HTML part). Everything is rendered with the recipient's language
active, so dates, numbers and texts are theirs, whatever language the sender uses.

Where mails go is set in settings (SMTP from the environment, else files in DATA_DIR/mail).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


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
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to], connection=connection
    )
    message.attach_alternative(html, "text/html")
    message.send()
