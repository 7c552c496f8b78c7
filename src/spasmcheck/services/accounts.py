"""Accounts: create one, sign in and out, export everything of one, erase one.

The same rules hold whether a person uses a form or a client uses the API: the same schemas
(:mod:`.schemas`), the same password hashing and the same limit on password guesses
(:mod:`.security`), the same export document.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from zxcvbn import zxcvbn  # type: ignore[import-untyped]  # no type hints published

from spasmcheck.config import Settings
from spasmcheck.services.errors import EmailTaken, WeakPassword, WrongPassword
from spasmcheck.services.schemas import (
    AccountCreate,
    AccountPublic,
    EpisodePublic,
    ExportPublic,
    SavedAssessmentPublic,
)
from spasmcheck.services.security import (
    TOO_MANY,
    TOO_MANY_SIGN_UPS,
    SignIn,
    hash_password,
    refund,
    sign_in,
    sign_in_limits,
    sign_up_limits,
    spend,
    verify_password,
)
from spasmcheck.storage import repository
from spasmcheck.storage.models import AuthToken, User, utcnow

WRONG = "wrong email or password"
# zxcvbn's score 3: at least 10^8 guesses by its estimate, "safely unguessable" against an
# online attack and a moderate offline one (Wheeler, USENIX Security 2016). Scores measured
# on common choices (docs/security.md): 'password1234', 'Password123!', 'iloveyou2024' and
# 'qwertyuiop12' score 1, 'p@ssw0rd2024!' 2; three or four unrelated words score 4.
MIN_STRENGTH = 3
WEAK = (
    "this password is too easy to guess: it is common, or close to a common one, or to your "
    "e-mail address; a few unrelated words are stronger and easy to remember"
)
TAKEN = "an account with this email address already exists"


def register(session: Session, *, account: AccountCreate, client: str, settings: Settings) -> User:
    """A new account; :class:`EmailTaken` when the address is already used,
    :class:`TooManyAttempts` when this client address has made too many, :class:`Busy` when
    every hashing turn is taken.

    The limit and the duplicate are checked before the password is hashed: a flood of
    sign-ups costs the server a counter and a lookup each, not 64 MiB of argon2."""
    spend(session, sign_up_limits(client, settings), message=TOO_MANY_SIGN_UPS)
    if repository.get_user_by_email(session, email=account.email) is not None:
        raise EmailTaken(TAKEN)
    check_strength(account.password, email=account.email)
    try:
        return repository.create_user(
            session,
            email=account.email,
            password_hash=hash_password(account.password, settings=settings),
            timezone=account.timezone,
        )
    except repository.DuplicateEmailError as error:
        raise EmailTaken(str(error)) from error


def check_strength(password: str, *, email: str) -> None:
    """:class:`WeakPassword` for a common or guessable password (OWASP ASVS 4.0 2.1.7).

    zxcvbn matches it against its lists of common and breached passwords, names, words and
    keyboard patterns, and against the e-mail address. It runs after the sign-up limit (a
    long password costs it up to a fifth of a second), on the first 72 characters."""
    local, _, domain = email.partition("@")
    result = zxcvbn(password, user_inputs=[email, local, domain, "spasmcheck"])
    if int(result["score"]) < MIN_STRENGTH:
        raise WeakPassword(WEAK)


def check_password(
    session: Session,
    *,
    user: User | None,
    email: str,
    password: str,
    client: str,
    settings: Settings,
) -> User:
    """``user`` when ``password`` is theirs. Every call counts against the budgets of guesses
    for this email and client address, for this client address and for this account
    (:class:`TooManyAttempts` once one is spent, before any hashing); a wrong password, or no
    such user, is :class:`WrongPassword` after the same hashing work."""
    limits = sign_in_limits(email, client, settings)
    spend(session, limits, message=TOO_MANY)
    if not verify_password(user.password_hash if user else None, password, settings=settings):
        raise WrongPassword(WRONG)
    if user is None:  # verify_password never says yes without a hash; this tells mypy
        raise WrongPassword(WRONG)
    refund(session, limits)  # the limits count wrong guesses, not a person's right password
    return user


def start_session(session: Session, *, user: User, settings: Settings) -> SignIn:
    """New tokens for an account that has just been created."""
    return sign_in(session, user=user, settings=settings)


def log_out(session: Session, *, token: AuthToken) -> None:
    """End one sign-in: its bearer token and its cookie session."""
    repository.delete_token_family(session, user_id=token.user_id, family=token.family)


def public(user: User) -> AccountPublic:
    return AccountPublic.model_validate(user, from_attributes=True)


def export(session: Session, *, user: User) -> ExportPublic:
    """Everything stored about ``user`` (no password hash, no tokens)."""
    return ExportPublic(
        exported_at=utcnow(),
        account=public(user),
        episodes=[EpisodePublic.of(e) for e in repository.list_episodes(session, user_id=user.id)],
        assessments=[
            SavedAssessmentPublic.of(a)
            for a in repository.list_assessments(session, user_id=user.id)
        ],
    )


def erase(session: Session, *, user: User) -> None:
    """Delete the account and everything of it; every token of it stops working."""
    repository.delete_user(session, user_id=user.id)
