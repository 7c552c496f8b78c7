"""Accounts on the web: sign up, sign in, sign out, the account page, export and erasure.

The rules live in the service layer (:mod:`spasmcheck.services.accounts`), which the API
calls too, so a person gets the same answer from a form as from a client: the forms are
validated by the same schemas (:class:`AccountCreate`, :class:`LoginRequest`), accounts are
created, signed in (the same limit on guesses, the same cookies), exported and erased by the
same functions. What the web adds is forms: the problems in plain words next to the
fields, the form again with a 422, and the password asked once more before an account and its
diary are erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from spasmcheck.services import accounts
from spasmcheck.services.deps import SessionDep, SettingsDep
from spasmcheck.services.errors import EmailTaken, TooManyAttempts, WeakPassword, WrongPassword
from spasmcheck.services.schemas import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    AccountCreate,
    LoginRequest,
)
from spasmcheck.services.security import (
    AuthError,
    check_same_origin,
    clear_session_cookies,
    client_address,
    set_session_cookies,
)
from spasmcheck.storage import repository
from spasmcheck.storage.models import Assessment, AuthToken, User
from spasmcheck.web.errors import WebRoute
from spasmcheck.web.session import (
    FormExpired,
    SignInRequired,
    form_user,
    page_user,
    require_user,
    safe_next,
)
from spasmcheck.web.templating import render

router = APIRouter(include_in_schema=False, route_class=WebRoute)

AFTER_SIGN_IN = "/diary"
FormText = Annotated[str, Form()]
NextQuery = Annotated[str, Query(alias="next", max_length=2048)]
NextForm = Annotated[str, Form(alias="next")]

PASSWORD_HINT = f"At least {PASSWORD_MIN} characters. A few unrelated words are easy to remember."
SIGN_UP_PROBLEMS = {
    "email": "Enter your email address in the form name@example.com.",
    "password": f"Choose a password of {PASSWORD_MIN} to {PASSWORD_MAX} characters.",
    "timezone": "Choose your time zone from the list.",
}
SIGN_IN_PROBLEMS = {
    "email": "Enter your email address in the form name@example.com.",
    "password": "Enter your password.",
}
WRONG_PASSWORD = "Wrong email or password."
TOO_MANY = "Too many attempts with this email address. Wait a minute, then try again."
WEAK_PASSWORD = (
    "This password is too easy to guess: it is a common password, close to one, or close to "
    "your email address. Try a few unrelated words."
)
TOO_MANY_SIGN_UPS = "Too many new accounts from this address. Please try again later."
TAKEN = (
    "An account with this email address already exists. "
    "Sign in instead, or use another email address."
)

# Offered in the sign-up form; any other IANA zone is accepted too (the browser's own zone is
# added by the page's script, and the schema checks the value against the full database).
TIMEZONES = (
    "UTC",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Africa/Nairobi",
    "America/Anchorage",
    "America/Argentina/Buenos_Aires",
    "America/Bogota",
    "America/Chicago",
    "America/Denver",
    "America/Halifax",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/New_York",
    "America/Phoenix",
    "America/Sao_Paulo",
    "America/St_Johns",
    "America/Toronto",
    "America/Vancouver",
    "Asia/Bangkok",
    "Asia/Dhaka",
    "Asia/Dubai",
    "Asia/Hong_Kong",
    "Asia/Jakarta",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Perth",
    "Australia/Sydney",
    "Europe/Amsterdam",
    "Europe/Athens",
    "Europe/Berlin",
    "Europe/Dublin",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Europe/Lisbon",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Moscow",
    "Europe/Paris",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Zurich",
    "Pacific/Auckland",
    "Pacific/Honolulu",
)


def field_errors(error: ValidationError, problems: dict[str, str]) -> dict[str, str]:
    """One plain-words message per refused field, in the form's order (never pydantic's text,
    which names types and would echo the password back)."""
    refused = {str(problem["loc"][0]) for problem in error.errors() if problem["loc"]}
    return {name: message for name, message in problems.items() if name in refused}


def timezone_options(chosen: str) -> list[tuple[str, str]]:
    """(value, label) pairs for the select, with ``chosen`` kept even when it is not listed."""
    zones = TIMEZONES if chosen in TIMEZONES or not chosen else (*TIMEZONES, chosen)
    return [(zone, zone.replace("_", " ")) for zone in zones]


def _same_origin(request: Request) -> None:
    """Sign-in and sign-up have no session to hold a CSRF token yet: refuse them when the
    browser says the form was sent from another site (login CSRF)."""
    try:
        check_same_origin(request)
    except AuthError as error:
        raise FormExpired(error.message) from error


# -- sign up -----------------------------------------------------------------------------------
def _sign_up_form(
    request: Request,
    *,
    email: str = "",
    timezone: str = "UTC",
    next_path: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "signup.html",
        {
            "nav": "signin",
            "email": email,
            "timezone": timezone,
            "timezones": timezone_options(timezone),
            "next": safe_next(next_path, ""),
            "errors": errors or {},
            "password_hint": PASSWORD_HINT,
        },
        status_code=status_code,
        headers=headers,
    )


@router.get("/signup")
def sign_up_page(request: Request, session: SessionDep, next_path: NextQuery = "") -> Response:
    if page_user(request, session) is not None:
        return RedirectResponse(safe_next(next_path, AFTER_SIGN_IN), status_code=303)
    return _sign_up_form(request, next_path=next_path)


@router.post("/signup")
def sign_up(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: FormText = "",
    password: FormText = "",
    timezone: FormText = "UTC",
    next_path: NextForm = "",
) -> Response:
    _same_origin(request)
    page_user(request, session)
    email = email.strip()

    def again(errors: dict[str, str]) -> Response:
        return _sign_up_form(
            request,
            email=email,
            timezone="UTC" if "timezone" in errors else timezone,  # never offer a bad zone back
            next_path=next_path,
            errors=errors,
            status_code=422,
        )

    try:
        body = AccountCreate(email=email, password=password, timezone=timezone)
    except ValidationError as error:
        return again(field_errors(error, SIGN_UP_PROBLEMS))
    try:
        user = accounts.register(
            session, account=body, client=client_address(request, settings), settings=settings
        )
    except EmailTaken:
        return again({"email": TAKEN})
    except WeakPassword:
        return again({"password": WEAK_PASSWORD})
    except TooManyAttempts as error:
        return _sign_up_form(
            request,
            email=email,
            timezone=timezone,
            next_path=next_path,
            errors={"email": TOO_MANY_SIGN_UPS},
            status_code=429,
            headers={"Retry-After": str(error.retry_after_s)},
        )
    response = RedirectResponse(safe_next(next_path, AFTER_SIGN_IN), status_code=303)
    issued = accounts.start_session(session, user=user, settings=settings)
    set_session_cookies(response, issued=issued, settings=settings)
    return response


# -- sign in and out ---------------------------------------------------------------------------
def _sign_in_form(
    request: Request,
    *,
    email: str = "",
    next_path: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "signin.html",
        {"nav": "signin", "email": email, "next": safe_next(next_path, ""), "errors": errors or {}},
        status_code=status_code,
        headers=headers,
    )


@router.get("/signin")
def sign_in_page(request: Request, session: SessionDep, next_path: NextQuery = "") -> Response:
    if page_user(request, session) is not None:
        return RedirectResponse(safe_next(next_path, AFTER_SIGN_IN), status_code=303)
    return _sign_in_form(request, next_path=next_path)


@router.post("/signin")
def sign_in_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: FormText = "",
    password: FormText = "",
    next_path: NextForm = "",
) -> Response:
    _same_origin(request)
    page_user(request, session)
    email = email.strip()
    try:
        body = LoginRequest(email=email, password=password)
    except ValidationError as error:
        problems = field_errors(error, SIGN_IN_PROBLEMS)
        return _sign_in_form(
            request, email=email, next_path=next_path, errors=problems, status_code=422
        )
    try:
        _, issued = accounts.log_in(
            session, credentials=body, client=client_address(request, settings), settings=settings
        )
    except TooManyAttempts as error:
        return _sign_in_form(
            request,
            email=email,
            next_path=next_path,
            errors={"email": TOO_MANY},
            status_code=429,
            headers={"Retry-After": str(error.retry_after_s)},
        )
    except WrongPassword:
        return _sign_in_form(
            request,
            email=email,
            next_path=next_path,
            errors={"email": WRONG_PASSWORD},
            status_code=422,
        )
    response = RedirectResponse(safe_next(next_path, AFTER_SIGN_IN), status_code=303)
    set_session_cookies(response, issued=issued, settings=settings)
    return response


@router.post("/signout")
def sign_out(
    request: Request, session: SessionDep, settings: SettingsDep, csrf_token: FormText = ""
) -> Response:
    response = RedirectResponse("/", status_code=303)
    try:
        form_user(request, session, csrf_token)  # a bad CSRF token raises FormExpired: a 403
    except SignInRequired:
        pass  # the sign-in had already ended: only the cookies are left to clear
    else:
        token: AuthToken = request.state.token
        accounts.log_out(session, token=token)
    clear_session_cookies(response, settings=settings)
    return response


# -- the account page --------------------------------------------------------------------------
@dataclass(frozen=True)
class SavedCheck:
    """One saved result as the account page lists it."""

    id: int
    saved_at: datetime
    level: str
    label: str
    top_cause: str | None


def saved_check(row: Assessment, zone: ZoneInfo) -> SavedCheck:
    result: dict[str, Any] = row.result
    triage: dict[str, Any] = result.get("triage") or {}
    conditions: list[dict[str, Any]] = result.get("conditions") or []
    return SavedCheck(
        id=row.id,
        saved_at=row.created_at.astimezone(zone),
        level=str(triage.get("level", "")),
        label=str(triage.get("label") or triage.get("level", "")),
        top_cause=str(conditions[0]["name"]) if conditions else None,
    )


def _account_page(
    request: Request,
    session: Session,
    user: User,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    zone = ZoneInfo(user.timezone)
    rows = repository.list_assessments(session, user_id=user.id)
    return render(
        request,
        "account.html",
        {
            "nav": "account",
            "account": user,
            "member_since": user.created_at.astimezone(zone),
            "checks": [saved_check(row, zone) for row in rows],
            "episode_count": repository.count_episodes(session, user_id=user.id),
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/account")
def account(request: Request, session: SessionDep) -> Response:
    return _account_page(request, session, require_user(request, session))


@router.get("/account/export")
def account_export(request: Request, session: SessionDep) -> Response:
    """The same document as the API's ``GET /v1/me/export``, as a file to keep."""
    data = accounts.export(session, user=require_user(request, session))
    filename = f"spasmcheck-export-{data.exported_at:%Y-%m-%d}.json"
    return Response(
        data.model_dump_json(indent=2),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/account/delete")
def account_delete(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    csrf_token: FormText = "",
    password: FormText = "",
) -> Response:
    user = form_user(request, session, csrf_token)
    if not password:
        errors = {"delete-password": "Enter your password to confirm. Nothing was deleted."}
        return _account_page(request, session, user, errors=errors, status_code=422)
    try:
        # The password check of sign-in, so it shares sign-in's limit on guesses.
        accounts.check_password(
            session,
            user=user,
            email=user.email,
            password=password,
            client=client_address(request, settings),
            settings=settings,
        )
    except TooManyAttempts:
        errors = {"delete-password": f"{TOO_MANY} Nothing was deleted."}
        return _account_page(request, session, user, errors=errors, status_code=429)
    except WrongPassword:
        errors = {"delete-password": "That is not your password. Nothing was deleted."}
        return _account_page(request, session, user, errors=errors, status_code=422)
    email = user.email
    accounts.erase(session, user=user)
    request.state.user = request.state.token = None  # the page's header: signed out
    response = render(request, "account_deleted.html", {"email": email})
    clear_session_cookies(response, settings=settings)
    return response
