"""Mail to account owners: confirm an address, reset a password, a sign-up that was refused.

Sent through a real SMTP client (:mod:`smtplib`) when ``SPASMCHECK_SMTP_URL`` is set:
``smtp://user:password@host:587?starttls=true`` or ``smtps://host:465``. Otherwise (the
embedded default, for a local trial) each message is written as an ``.eml`` file into
``SPASMCHECK_MAIL_DIR``, readable only by the server's user, and the log says in which folder,
never to whom or what.

A message names no symptom, diary entry or result: only the link and what it is for. The log
line of a sent message holds neither the address nor the subject.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from spasmcheck.config import Settings, SettingsError

LOG = logging.getLogger("spasmcheck.mail")
SMTP_TIMEOUT_S = 10.0
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


class MailError(RuntimeError):
    """The message could not be handed to the mail server (its reason, never the address)."""


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None


def smtp_target(url: str) -> SmtpTarget:
    """The server named by ``smtp://`` or ``smtps://`` ``url``; :class:`SettingsError` if
    it is not one."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SettingsError("SPASMCHECK_SMTP_URL must look like smtp://host:587 or smtps://host")
    implicit = parts.scheme == "smtps"
    query = parse_qs(parts.query)
    starttls = any(value.lower() in TRUE_WORDS for value in query.get("starttls", []))
    try:
        port = parts.port or (465 if implicit else 25)
    except ValueError as error:
        raise SettingsError("SPASMCHECK_SMTP_URL has a port that is not a number") from error
    return SmtpTarget(
        host=parts.hostname,
        port=port,
        implicit_tls=implicit,
        starttls=starttls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def message_of(mail: Mail, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="spasmcheck.invalid")
    # Plain 7-bit text when it is ASCII (the links always are), so a link copied out of the
    # message, or out of an outbox file opened in a text editor, is whole: quoted-printable
    # would break it at 76 characters with "=" and write "=" as "=3D".
    if mail.body.isascii():
        message.set_content(mail.body, cte="7bit")
    else:
        message.set_content(mail.body)
    return message


def send(mail: Mail, *, settings: Settings) -> None:
    """Hand ``mail`` to the SMTP server, or write it to the outbox folder."""
    message = message_of(mail, settings)
    if settings.smtp_url:
        _send_smtp(message, smtp_target(settings.smtp_url))
        LOG.info("mail handed to the SMTP server")
        return
    folder = Path(settings.mail_dir)
    _write_outbox(message, folder)
    LOG.info("mail written to the outbox folder %s (no SMTP server is set)", folder)


def _send_smtp(message: EmailMessage, target: SmtpTarget) -> None:
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if target.implicit_tls:
            client = smtplib.SMTP_SSL(
                target.host, target.port, timeout=SMTP_TIMEOUT_S, context=context
            )
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=SMTP_TIMEOUT_S)
        with client:
            if target.starttls:
                client.starttls(context=context)
            if target.username is not None:
                client.login(target.username, target.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        # The exception's text can quote the server's reply, which may name the recipient.
        raise MailError(
            f"the mail server did not take the message ({type(error).__name__})"
        ) from None


def _write_outbox(message: EmailMessage, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(message.as_bytes())
    return path
