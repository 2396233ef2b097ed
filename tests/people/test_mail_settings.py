"""Where mails go: SMTP when a host is set, else files in the data dir's mail folder."""

import os
import subprocess
import sys


def backend(tmp_path, **env):
    script = (
        "from django.conf import settings;"
        "print(settings.EMAIL_BACKEND, getattr(settings, 'EMAIL_FILE_PATH', ''),"
        " getattr(settings, 'EMAIL_PORT', ''), getattr(settings, 'EMAIL_USE_TLS', ''),"
        " getattr(settings, 'EMAIL_USE_SSL', ''), settings.DEFAULT_FROM_EMAIL)"
    )
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KOMMUNEKOMPASS_SMTP")},
        "DJANGO_SETTINGS_MODULE": "kommunekompass.settings",
        "KOMMUNEKOMPASS_DATA_DIR": str(tmp_path),
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_without_a_mail_server_mails_are_files_in_the_data_dir(tmp_path):
    found = backend(tmp_path)
    assert found[0] == "django.core.mail.backends.filebased.EmailBackend"
    assert found[1] == str(tmp_path / "mail")


def test_a_mail_server_from_the_environment(tmp_path):
    found = backend(
        tmp_path,
        KOMMUNEKOMPASS_SMTP_HOST="smtp.example.org",
        KOMMUNEKOMPASS_SMTP_PORT="465",
        KOMMUNEKOMPASS_SMTP_TLS="ssl",
        KOMMUNEKOMPASS_MAIL_FROM="kompass@example.org",
    )
    assert found[0] == "django.core.mail.backends.smtp.EmailBackend"
    assert found[1:] == ["465", "False", "True", "kompass@example.org"]
