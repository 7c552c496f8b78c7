"""Why a service could not do what it was asked: typed, so each front answers in its own way."""

from __future__ import annotations

from fastapi.exceptions import RequestValidationError


class ServiceError(Exception):
    """Base class; ``message`` is one plain sentence, safe to show (it never holds health data
    or a password)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """No such record for this account (the services never say whether it exists elsewhere)."""


class Invalid(ServiceError):
    """The request is well-formed but cannot be done as asked (a range, a changed episode)."""


class WeakPassword(Invalid):
    """The new password is too easy to guess (a 422, like any other refused value)."""


class Conflict(ServiceError):
    """The request clashes with what is stored (a reused Idempotency-Key, a taken address)."""


class EmailTaken(Conflict):
    """An account with this email address already exists."""


class NotConfirmed(ServiceError):
    """The password is right but the account's e-mail address is not confirmed yet."""


class WrongPassword(ServiceError):
    """The email address and password do not match an account."""


class TooManyAttempts(ServiceError):
    """A limit on sign-in or sign-up attempts is spent; ``retry_after_s`` until it renews."""

    def __init__(self, message: str, *, retry_after_s: int = 60) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Busy(ServiceError):
    """The server has no capacity for this now (every password-hashing turn is taken)."""

    retry_after_s = 5


def validation_message(error: RequestValidationError) -> str:
    """The first problem of a refused request in one line, naming the field (never echoing
    the value: it may be a password or a description of symptoms)."""
    problems = error.errors()
    if not problems:
        return "the request is not valid"
    first = problems[0]
    if first.get("type") == "json_invalid":
        return "the request body is not valid JSON"
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = str(first.get("msg", "invalid value"))
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return f"{where}: {message}{more}" if where else f"{message}{more}"
