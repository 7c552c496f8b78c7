"""What is done through a mailed link, and the changes a signed-in person makes to an account.

- **Sign-up with confirmation** (on in production): the same answer whether or not the
  address already has an account. A new address gets a confirmation link; a taken one gets a
  message saying someone tried to sign up with it (and how to reset the password). The same
  password checks and the same hashing work run on both paths, so neither the answer nor its
  time tells an attacker which addresses are registered (OWASP ASVS 4.0 2.2.x).
- **Password reset**: anyone may ask, the answer is always the same; the owner of a
  registered address gets a link valid for an hour and usable once. Choosing a new password
  through it ends every sign-in of the account and counts as confirming the address.
- **Password change**: the current password is asked (it shares sign-in's limits on
  guesses); every other sign-in ends (ASVS 2.1.5, 3.3.3).
- **Settings**: time zone at once; a new e-mail address needs the password, and, with
  confirmation on, is used only once the link sent to it is opened.

Raw link tokens exist only in the mail; the database keeps their SHA-256 (``auth_tokens``
rows of kind ``confirm`` or ``reset``). The address change is a signed, timed token instead,
since it must carry the new address and can be opened only by its owner's session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from fastapi import Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from spasmcheck.config import Settings
from spasmcheck.services import mail
from spasmcheck.services.accounts import TAKEN, check_password, check_strength
from spasmcheck.services.errors import Busy, Conflict, Invalid, NotConfirmed, TooManyAttempts
from spasmcheck.services.schemas import AccountCreate, LoginRequest
from spasmcheck.services.security import (
    HOUR,
    Limit,
    SignIn,
    digest,
    hash_password,
    new_token,
    sign_in,
    sign_up_limits,
    spend,
)
from spasmcheck.storage import repository
from spasmcheck.storage.models import User, utcnow

CONFIRM_LIFETIME = timedelta(hours=24)
RESET_LIFETIME = timedelta(hours=1)
EMAIL_CHANGE_MAX_AGE_S = 24 * 3600
MAILS_PER_ADDRESS_HOUR = 5  # messages to one e-mail address an hour: no mail bombing

SENT = (
    "if this address can be used, we have sent a message to it: open the link in it to go on "
    "(it may take a few minutes, and may land in a spam folder)"
)
BAD_LINK = "this link has expired or was already used: ask for a new one"
TOO_MANY_MAILS = "too many messages asked for from here or to this address: try again later"
NOT_CONFIRMED = (
    "confirm your e-mail address first: we have sent a new link to it (check the spam folder too)"
)
MAIL_DOWN = "we could not send the message just now: please try again in a few minutes"


class MailUnavailable(Busy):
    """The mail server did not take the message (a 503: try again later)."""

    retry_after_s = 60


# -- links ---------------------------------------------------------------------------------------
def link(base_url: str, path: str, **query: str) -> str:
    return f"{base_url.rstrip('/')}{path}?{urlencode(query)}"


def link_base(request: Request, settings: Settings) -> str:
    """Where mailed links point: the configured public address, or (outside production,
    where it may be empty) the address this request came to."""
    return settings.public_url or str(request.base_url).rstrip("/")


def _mail_limits(email: str, address: str, settings: Settings) -> list[Limit]:
    return [
        *sign_up_limits(address, settings),
        Limit(f"mail-to\x00{email}", MAILS_PER_ADDRESS_HOUR, HOUR),
    ]


def _send(to: str, subject: str, body: str, settings: Settings) -> None:
    try:
        mail.send(mail.Mail(to=to, subject=subject, body=body), settings=settings)
    except mail.MailError as error:
        raise MailUnavailable(MAIL_DOWN) from error


def _token(session: Session, user: User, kind: str, lifetime: timedelta) -> str:
    raw = new_token()
    repository.create_token(
        session,
        user_id=user.id,
        token_hash=digest(raw),
        kind=kind,
        family=digest(new_token()),
        expires_at=utcnow() + lifetime,
    )
    return raw


def _user_of(session: Session, raw: str, kind: str) -> User:
    token = repository.get_live_token(session, token_hash=digest(raw), kind=kind, now=utcnow())
    user = None if token is None else repository.get_user(session, user_id=token.user_id)
    if user is None:
        raise Invalid(BAD_LINK)
    return user


def _send_confirmation(session: Session, user: User, base_url: str, settings: Settings) -> None:
    raw = _token(session, user, "confirm", CONFIRM_LIFETIME)
    _send(
        user.email,
        "Confirm your e-mail address for spasmcheck",
        "Someone (we hope you) created a spasmcheck account with this e-mail address.\n\n"
        f"To confirm it and start using the account, open this link within 24 hours:\n"
        f"{link(base_url, '/confirm', token=raw)}\n\n"
        "If it was not you, ignore this message: the account stays unusable and nothing "
        "else happens.\n",
        settings,
    )


# -- sign-up -------------------------------------------------------------------------------------
def sign_up(
    session: Session, *, account: AccountCreate, client: str, base_url: str, settings: Settings
) -> None:
    """Sign-up with confirmation: always the same outcome (``None``) and about the same work,
    whether the address is new, taken, or waiting for confirmation."""
    spend(session, _mail_limits(account.email, client, settings), message=TOO_MANY_MAILS)
    check_strength(account.password, email=account.email)  # the same answer on every path
    # Hashed on every path, so a taken address answers after the same work as a new one.
    password_hash = hash_password(account.password, settings=settings)
    existing = repository.get_user_by_email(session, email=account.email)
    if existing is None:
        try:
            existing = repository.create_user(
                session,
                email=account.email,
                password_hash=password_hash,
                timezone=account.timezone,
                confirmed=False,
            )
        except repository.DuplicateEmailError:
            return  # a concurrent sign-up with the same address won: it sends the mail
        _send_confirmation(session, existing, base_url, settings)
        return
    if existing.email_verified_at is None:
        # Never confirmed: send the link again, but keep the first sign-up's password (taking
        # the new one would let whoever signs up second own the account the first confirms).
        _send_confirmation(session, existing, base_url, settings)
        return
    _send(
        existing.email,
        "Someone tried to create a spasmcheck account with your address",
        "Someone (perhaps you) tried to create a spasmcheck account with this e-mail address, "
        "but you already have one.\n\n"
        f"To sign in: {base_url.rstrip('/')}/signin\n"
        f"If you forgot your password: {base_url.rstrip('/')}/forgot\n\n"
        "If it was not you, you need do nothing: your account and diary were not touched.\n",
        settings,
    )


def check_confirm(session: Session, *, token: str) -> User:
    """The account of a live confirmation link, changing nothing (:class:`Invalid` if not)."""
    return _user_of(session, token, "confirm")


def confirm(session: Session, *, token: str) -> User:
    """Confirm the address behind a confirmation link: the account can now be used."""
    user = _user_of(session, token, "confirm")
    repository.update_user(session, user=user, confirmed=True)
    repository.delete_user_tokens(session, user_id=user.id, kind="confirm")
    return user


def require_confirmed(session: Session, *, user: User, base_url: str, settings: Settings) -> None:
    """:class:`NotConfirmed` (with a fresh link mailed) for an account whose address is not
    confirmed yet; called after the password was found right."""
    if not settings.confirms_email or user.email_verified_at is not None:
        return
    try:
        spend(
            session,
            [Limit(f"mail-to\x00{user.email}", MAILS_PER_ADDRESS_HOUR, HOUR)],
            message=TOO_MANY_MAILS,
        )
    except TooManyAttempts:  # the mailbox had enough links this hour: no new one
        raise NotConfirmed(NOT_CONFIRMED) from None
    _send_confirmation(session, user, base_url, settings)
    raise NotConfirmed(NOT_CONFIRMED)


# -- password reset ------------------------------------------------------------------------------
def request_reset(
    session: Session, *, email: str, client: str, base_url: str, settings: Settings
) -> None:
    """Mail a reset link to ``email`` if it has an account; the same outcome either way."""
    spend(session, _mail_limits(email, client, settings), message=TOO_MANY_MAILS)
    user = repository.get_user_by_email(session, email=email)
    if user is None:
        return
    raw = _token(session, user, "reset", RESET_LIFETIME)
    _send(
        user.email,
        "Reset your spasmcheck password",
        "Someone (we hope you) asked to reset the password of the spasmcheck account of this "
        "e-mail address.\n\n"
        f"To choose a new password, open this link within an hour (it works once):\n"
        f"{link(base_url, '/reset', token=raw)}\n\n"
        "If it was not you, ignore this message: your password stays as it is.\n",
        settings,
    )


def check_reset(session: Session, *, token: str) -> User:
    """The account of a live reset link (:class:`Invalid` when expired or used)."""
    return _user_of(session, token, "reset")


def reset(session: Session, *, token: str, password: str, settings: Settings) -> User:
    """Set the new password through a reset link: every sign-in and link of the account ends,
    and the address counts as confirmed (the link proved its owner opened the mail)."""
    user = _user_of(session, token, "reset")
    check_strength(password, email=user.email)
    repository.update_user(
        session,
        user=user,
        password_hash=hash_password(password, settings=settings),
        confirmed=True,
    )
    repository.delete_user_tokens(session, user_id=user.id)
    return user


# -- a signed-in person's changes --------------------------------------------------------------
def change_password(
    session: Session,
    *,
    user: User,
    current: str,
    new: str,
    keep_family: str,
    client: str,
    settings: Settings,
) -> None:
    """Change the password (the current one is asked); every other sign-in ends."""
    check_password(
        session, user=user, email=user.email, password=current, client=client, settings=settings
    )
    check_strength(new, email=user.email)
    repository.update_user(session, user=user, password_hash=hash_password(new, settings=settings))
    repository.delete_user_tokens(session, user_id=user.id, keep_family=keep_family)


@dataclass(frozen=True)
class SettingsChange:
    """What :func:`change_settings` did: ``email_pending`` when a link went to a new address."""

    user: User
    email_pending: str | None = None


def _email_serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="spasmcheck.email-change")


def change_settings(
    session: Session,
    *,
    user: User,
    timezone: str | None,
    email: str | None,
    password: str | None,
    client: str,
    base_url: str,
    settings: Settings,
) -> SettingsChange:
    """Change the time zone and/or the e-mail address (the latter asks for the password;
    with confirmation on, it is changed only when the link mailed to it is opened)."""
    if timezone is not None and timezone != user.timezone:
        repository.update_user(session, user=user, timezone=timezone)
    if email is None or email == user.email:
        return SettingsChange(user)
    if not password:
        raise Invalid("enter your password to change your e-mail address")
    check_password(
        session, user=user, email=user.email, password=password, client=client, settings=settings
    )
    if not settings.confirms_email:
        if repository.get_user_by_email(session, email=email) is not None:
            raise Conflict(TAKEN)
        try:
            repository.update_user(session, user=user, email=email)
        except repository.DuplicateEmailError as error:
            raise Conflict(TAKEN) from error
        return SettingsChange(user)
    spend(session, _mail_limits(email, client, settings), message=TOO_MANY_MAILS)
    if repository.get_user_by_email(session, email=email) is None:
        raw = _email_serializer(settings).dumps({"user": user.id, "email": email})
        _send(
            email,
            "Confirm your new e-mail address for spasmcheck",
            "You asked to use this address for your spasmcheck account.\n\n"
            f"To confirm, open this link within 24 hours while signed in:\n"
            f"{link(base_url, '/account/email', token=raw)}\n\n"
            "If it was not you, ignore this message.\n",
            settings,
        )
    # A taken address gets no link, and the person is told the same as for a free one.
    return SettingsChange(user, email_pending=email)


def confirm_email_change(session: Session, *, user: User, token: str, settings: Settings) -> User:
    """Use the new address of a link mailed by :func:`change_settings` (the owner's session
    must open it: a link for another account is refused like an expired one)."""
    try:
        data = _email_serializer(settings).loads(token, max_age=EMAIL_CHANGE_MAX_AGE_S)
    except (SignatureExpired, BadSignature):
        raise Invalid(BAD_LINK) from None
    if not isinstance(data, dict) or data.get("user") != user.id:
        raise Invalid(BAD_LINK)
    email = data.get("email")
    if not isinstance(email, str):
        raise Invalid(BAD_LINK)
    try:
        return repository.update_user(session, user=user, email=email, confirmed=True)
    except repository.DuplicateEmailError as error:
        raise Conflict(TAKEN) from error


# -- sign-in -------------------------------------------------------------------------------------
def log_in(
    session: Session,
    *,
    credentials: LoginRequest,
    client: str,
    base_url: str,
    settings: Settings,
) -> tuple[User, SignIn]:
    """Sign in; with confirmation on, an account whose address is not confirmed yet is
    :class:`NotConfirmed` (after the password was found right, so it tells nothing new)."""
    user = check_password(
        session,
        user=repository.get_user_by_email(session, email=credentials.email),
        email=credentials.email,
        password=credentials.password,
        client=client,
        settings=settings,
    )
    require_confirmed(session, user=user, base_url=base_url, settings=settings)
    return user, sign_in(session, user=user, settings=settings)
