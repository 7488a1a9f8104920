"""Outgoing mail: logged in development, SMTP in production, kept in memory for tests."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

import anyio
import structlog

from emberwatch.core.config import MailSettings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


@dataclass(frozen=True)
class ConsoleMailer:
    """Development: the message goes to the log so that a reset can be tried without a mail server. Outside
    development only the fact is logged: a reset token in a production log would be a credential leak."""

    show_body: bool = True

    async def send(self, mail: Mail) -> None:
        if self.show_body:
            log.info("mail_console_backend", to=mail.to, subject=mail.subject, body_for_development=mail.body)
        else:
            log.warning("mail_not_sent_console_backend", subject=mail.subject)


@dataclass
class MemoryMailer:
    outbox: list[Mail] = field(default_factory=list)

    async def send(self, mail: Mail) -> None:
        self.outbox.append(mail)


class SmtpMailer:
    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    def _send_sync(self, mail: Mail) -> None:
        s = self.settings
        message = EmailMessage()
        message["From"] = s.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message.set_content(mail.body)
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds) as smtp:
            if s.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_username and s.smtp_password:
                smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
            smtp.send_message(message)

    async def send(self, mail: Mail) -> None:
        try:
            await anyio.to_thread.run_sync(self._send_sync, mail)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("mail_failed", subject=mail.subject, error=type(exc).__name__)


def create_mailer(settings: MailSettings, *, development: bool) -> Mailer:
    if settings.backend == "smtp":
        return SmtpMailer(settings)
    if settings.backend == "memory":
        return MemoryMailer()
    return ConsoleMailer(show_body=development)
