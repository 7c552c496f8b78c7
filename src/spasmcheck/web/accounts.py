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
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from spasmcheck.config import Settings
from spasmcheck.services import account_links, accounts, assessments
from spasmcheck.services.deps import SessionDep, SettingsDep
from spasmcheck.services.errors import (
    Conflict,
    EmailTaken,
    Invalid,
    NotConfirmed,
    TooManyAttempts,
    WeakPassword,
    WrongPassword,
)
from spasmcheck.services.link_schemas import (
    ConfirmRequest,
    PasswordChange,
    ResetConfirm,
    ResetRequest,
    SettingsUpdate,
)
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
NOT_CONFIRMED = (
    "Confirm your email address first: we have sent a new link to it. Look in your spam folder too."
)
MAIL_DOWN = "We could not send the message just now. Please try again in a few minutes."
TOO_MANY_MAILS = "Too many messages were asked for. Please try again in an hour."
BAD_LINK = "This link has expired or was already used."

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

    def refused(message: str, status_code: int, retry_after_s: int) -> Response:
        """The form again with ``message``, when a limit or the mail server says not now."""
        return _sign_up_form(
            request,
            email=email,
            timezone=timezone,
            next_path=next_path,
            errors={"email": message},
            status_code=status_code,
            headers={"Retry-After": str(retry_after_s)},
        )

    try:
        body = AccountCreate(email=email, password=password, timezone=timezone)
    except ValidationError as error:
        return again(field_errors(error, SIGN_UP_PROBLEMS))
    client = client_address(request, settings)
    try:
        if settings.confirms_email:
            base_url = account_links.link_base(request, settings)
            account_links.sign_up(
                session, account=body, client=client, base_url=base_url, settings=settings
            )
            purpose = "confirm it and start using it"
            return _check_email(request, settings, body.email, purpose, "/signup")
        user = accounts.register(session, account=body, client=client, settings=settings)
    except EmailTaken:
        return again({"email": TAKEN})
    except WeakPassword:
        return again({"password": WEAK_PASSWORD})
    except TooManyAttempts as error:
        return refused(TOO_MANY_SIGN_UPS, 429, error.retry_after_s)
    except account_links.MailUnavailable:
        return refused(MAIL_DOWN, 503, account_links.MailUnavailable.retry_after_s)
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
        _, issued = account_links.log_in(
            session,
            credentials=body,
            client=client_address(request, settings),
            base_url=account_links.link_base(request, settings),
            settings=settings,
        )
    except NotConfirmed:
        return _sign_in_form(
            request,
            email=email,
            next_path=next_path,
            errors={"email": NOT_CONFIRMED},
            status_code=403,
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
    result = assessments.result_of(row)
    return SavedCheck(
        id=row.id,
        saved_at=row.created_at.astimezone(zone),
        level=result.triage.level.value,
        label=result.triage.label or result.triage.level.value,
        top_cause=result.conditions[0].name if result.conditions else None,
    )


def _account_page(
    request: Request,
    session: Session,
    user: User,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    notice: str = "",
    open_section: str = "",
    settings_email: str = "",
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
            "notice": notice,
            "open_section": open_section,
            "settings_email": settings_email,
            "timezones": timezone_options(user.timezone),
            "password_hint": PASSWORD_HINT,
        },
        status_code=status_code,
    )


@router.get("/account")
def account(request: Request, session: SessionDep, changed: str = "") -> Response:
    user = require_user(request, session)
    return _account_page(request, session, user, notice=CHANGED.get(changed, ""))


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


# -- mailed links: confirm an address, reset a password -------------------------------------------
def _check_email(
    request: Request, settings: Settings, email: str, purpose: str, again_url: str
) -> Response:
    """The same page whatever the server found, naming the outbox folder when mail is not
    sent (a local trial)."""
    return render(
        request,
        "check_email.html",
        {
            "nav": "signin",
            "email": email,
            "purpose": purpose,
            "again_url": again_url,
            # Where the mail went, for a local trial only: a public server never shows its paths.
            "outbox": (
                settings.mail_dir if settings.is_development and not settings.smtp_url else ""
            ),
        },
    )


def _forgot_form(
    request: Request,
    *,
    email: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "forgot.html",
        {"nav": "signin", "email": email, "errors": errors or {}},
        status_code=status_code,
        headers=headers,
    )


@router.get("/forgot")
def forgot_page(request: Request, session: SessionDep) -> Response:
    page_user(request, session)
    return _forgot_form(request)


@router.post("/forgot")
def forgot(
    request: Request, session: SessionDep, settings: SettingsDep, email: FormText = ""
) -> Response:
    _same_origin(request)
    page_user(request, session)
    email = email.strip()
    try:
        body = ResetRequest(email=email)
    except ValidationError:
        return _forgot_form(
            request, email=email, errors={"email": SIGN_IN_PROBLEMS["email"]}, status_code=422
        )
    try:
        account_links.request_reset(
            session,
            email=body.email,
            client=client_address(request, settings),
            base_url=account_links.link_base(request, settings),
            settings=settings,
        )
    except TooManyAttempts as error:
        return _forgot_form(
            request,
            email=email,
            errors={"email": TOO_MANY_MAILS},
            status_code=429,
            headers={"Retry-After": str(error.retry_after_s)},
        )
    except account_links.MailUnavailable:
        return _forgot_form(request, email=email, errors={"email": MAIL_DOWN}, status_code=503)
    return _check_email(request, settings, body.email, "choose a new password", "/forgot")


def _reset_form(
    request: Request,
    *,
    token: str,
    email: str,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "reset.html",
        {
            "nav": "signin",
            "token": token,
            "email": email,
            "errors": errors or {},
            "password_hint": PASSWORD_HINT,
        },
        status_code=status_code,
    )


def _live_reset(session: Session, token: str) -> User | None:
    try:
        return account_links.check_reset(session, token=ConfirmRequest(token=token).token)
    except (ValidationError, Invalid):
        return None


@router.get("/reset")
def reset_page(request: Request, session: SessionDep, token: str = "") -> Response:
    page_user(request, session)
    user = _live_reset(session, token)
    if user is None:
        return _reset_form(request, token="", email="", status_code=410)
    return _reset_form(request, token=token, email=user.email)


@router.post("/reset")
def reset(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: FormText = "",
    password: FormText = "",
) -> Response:
    _same_origin(request)
    page_user(request, session)
    user = _live_reset(session, token)
    if user is None:
        return _reset_form(request, token="", email="", status_code=410)
    try:
        body = ResetConfirm(token=token, password=password)
    except ValidationError as error:
        errors = field_errors(error, {"password": SIGN_UP_PROBLEMS["password"]})
        return _reset_form(request, token=token, email=user.email, errors=errors, status_code=422)
    try:
        user = account_links.reset(
            session, token=body.token, password=body.password, settings=settings
        )
    except WeakPassword:
        errors = {"password": WEAK_PASSWORD}
        return _reset_form(request, token=token, email=user.email, errors=errors, status_code=422)
    except Invalid:
        return _reset_form(request, token="", email="", status_code=410)
    response = RedirectResponse("/account?changed=password", status_code=303)
    issued = accounts.start_session(session, user=user, settings=settings)
    set_session_cookies(response, issued=issued, settings=settings)
    return response


@router.get("/confirm")
def confirm_page(request: Request, session: SessionDep, token: str = "") -> Response:
    """A button, not a confirmation on GET: mail scanners open links by themselves, and must
    not confirm an address for whoever signed up with it."""
    page_user(request, session)
    try:
        account_links.check_confirm(session, token=ConfirmRequest(token=token).token)
    except (ValidationError, Invalid):
        token = ""
    return render(
        request,
        "confirm.html",
        {"nav": "signin", "token": token},
        status_code=200 if token else 410,
    )


@router.post("/confirm")
def confirm(
    request: Request, session: SessionDep, settings: SettingsDep, token: FormText = ""
) -> Response:
    _same_origin(request)
    page_user(request, session)
    try:
        user = account_links.confirm(session, token=ConfirmRequest(token=token).token)
    except (ValidationError, Invalid):
        return render(request, "confirm.html", {"nav": "signin", "token": ""}, status_code=410)
    response = RedirectResponse(AFTER_SIGN_IN, status_code=303)
    issued = accounts.start_session(session, user=user, settings=settings)
    set_session_cookies(response, issued=issued, settings=settings)
    return response


# -- the account's settings and password -----------------------------------------------------------
CHANGED = {
    "password": "Your password was changed. Every other device was signed out.",
    "settings": "Your changes were saved.",
    "email": "Your e-mail address was changed.",
}
SETTINGS_PROBLEMS = {
    "email": "Enter the new email address in the form name@example.com.",
    "timezone": "Choose your time zone from the list.",
    "password": "Enter your password to change your email address.",
}


@router.post("/account/settings")
def account_settings(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    csrf_token: FormText = "",
    email: FormText = "",
    timezone: FormText = "",
    password: FormText = "",
) -> Response:
    user = form_user(request, session, csrf_token)
    email = email.strip()

    def again(errors: dict[str, str], status_code: int = 422) -> Response:
        return _account_page(
            request,
            session,
            user,
            errors=errors,
            status_code=status_code,
            open_section="settings",
            settings_email=email,
        )

    try:
        body = SettingsUpdate(
            email=email or None, timezone=timezone or None, password=password or None
        )
    except ValidationError as error:
        problems = field_errors(error, SETTINGS_PROBLEMS)
        return again({f"settings-{name}": message for name, message in problems.items()})
    try:
        change = account_links.change_settings(
            session,
            user=user,
            timezone=body.timezone,
            email=body.email,
            password=body.password,
            client=client_address(request, settings),
            base_url=account_links.link_base(request, settings),
            settings=settings,
        )
    except Invalid:
        return again({"settings-password": SETTINGS_PROBLEMS["password"]})
    except WrongPassword:
        return again({"settings-password": "That is not your password. Nothing was changed."})
    except TooManyAttempts as error:
        return _retry(again({"settings-password": f"{TOO_MANY} Nothing was changed."}, 429), error)
    except Conflict:
        return again({"settings-email": "Another account uses this email address."}, 409)
    except account_links.MailUnavailable:
        return again({"settings-email": MAIL_DOWN}, 503)
    if change.email_pending:
        notice = (
            f"We have sent a link to {change.email_pending}. Your email address changes when "
            "you open it while signed in (within 24 hours)."
        )
        return _account_page(request, session, change.user, notice=notice)
    return RedirectResponse("/account?changed=settings", status_code=303)


def _retry(response: Response, error: TooManyAttempts) -> Response:
    response.headers["Retry-After"] = str(error.retry_after_s)
    return response


@router.post("/account/password")
def account_password(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    csrf_token: FormText = "",
    current_password: FormText = "",
    new_password: FormText = "",
) -> Response:
    user = form_user(request, session, csrf_token)

    def again(errors: dict[str, str], status_code: int = 422) -> Response:
        return _account_page(
            request, session, user, errors=errors, status_code=status_code, open_section="password"
        )

    try:
        body = PasswordChange(current_password=current_password, new_password=new_password)
    except ValidationError as error:
        problems = field_errors(
            error,
            {
                "current_password": "Enter your current password.",
                "new_password": SIGN_UP_PROBLEMS["password"],
            },
        )
        return again({name.replace("_", "-"): message for name, message in problems.items()})
    token: AuthToken = request.state.token
    try:
        account_links.change_password(
            session,
            user=user,
            current=body.current_password,
            new=body.new_password,
            keep_family=token.family,
            client=client_address(request, settings),
            settings=settings,
        )
    except WrongPassword:
        return again({"current-password": "That is not your current password."})
    except WeakPassword:
        return again({"new-password": WEAK_PASSWORD})
    except TooManyAttempts as error:
        return _retry(again({"current-password": TOO_MANY}, 429), error)
    return RedirectResponse("/account?changed=password", status_code=303)


@router.get("/account/email")
def account_email(
    request: Request, session: SessionDep, settings: SettingsDep, token: str = ""
) -> Response:
    """Opened from the link mailed to a new address, in the owner's signed-in browser."""
    user = require_user(request, session)
    try:
        account_links.confirm_email_change(
            session, user=user, token=token[:1024], settings=settings
        )
    except Invalid:
        return _account_page(
            request, session, user, errors={"settings-email": BAD_LINK}, status_code=410
        )
    except Conflict:
        errors = {"settings-email": "Another account uses this email address now."}
        return _account_page(request, session, user, errors=errors, status_code=409)
    return RedirectResponse("/account?changed=email", status_code=303)
