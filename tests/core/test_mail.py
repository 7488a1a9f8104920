"""Reset mail in development is readable in the log; anywhere else the log never holds its token."""

from __future__ import annotations

from structlog.testing import capture_logs

from emberwatch.core.config import MailSettings
from emberwatch.core.mail import ConsoleMailer, Mail, MemoryMailer, SmtpMailer, create_mailer

MAIL = Mail(to="a@example.org", subject="Reset", body="Reset token: SECRET-TOKEN")


async def test_console_backend_shows_the_body_only_in_development() -> None:
    with capture_logs() as development:
        await create_mailer(MailSettings(backend="console"), development=True).send(MAIL)
    assert "SECRET-TOKEN" in str(development)
    with capture_logs() as production:
        await create_mailer(MailSettings(backend="console"), development=False).send(MAIL)
    assert "SECRET-TOKEN" not in str(production)
    assert production[0]["event"] == "mail_not_sent_console_backend"


def test_backends_by_setting() -> None:
    assert isinstance(create_mailer(MailSettings(backend="smtp"), development=False), SmtpMailer)
    assert isinstance(create_mailer(MailSettings(backend="memory"), development=False), MemoryMailer)
    assert isinstance(create_mailer(MailSettings(), development=True), ConsoleMailer)


async def test_unreachable_smtp_server_is_logged_not_raised() -> None:
    mailer = SmtpMailer(MailSettings(backend="smtp", smtp_host="127.0.0.1", smtp_port=1, smtp_timeout_seconds=1))
    with capture_logs() as logs:
        await mailer.send(MAIL)
    assert logs[0]["event"] == "mail_failed"
    assert "SECRET-TOKEN" not in str(logs)
