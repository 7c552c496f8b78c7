"""Request schemas of password reset, password change, settings and address confirmation,
shared by the API and the web forms (:mod:`.account_links` holds the rules)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from spasmcheck.services.schemas import PASSWORD_MAX, Email, Password, Timezone

LinkToken = Annotated[str, Field(min_length=16, max_length=512, pattern=r"^[A-Za-z0-9_.\-]+$")]
CurrentPassword = Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Notice(BaseModel):
    """An answer that is the same whatever the server found (e.g. whether an address has an
    account), in one sentence."""

    detail: str


class ResetRequest(_Strict):
    email: Email


class ResetConfirm(_Strict):
    token: LinkToken
    password: Password


class ConfirmRequest(_Strict):
    token: LinkToken


class PasswordChange(_Strict):
    current_password: CurrentPassword
    new_password: Password


class SettingsUpdate(_Strict):
    """Only what is sent changes; a new e-mail address needs ``password``."""

    timezone: Timezone | None = None
    email: Email | None = None
    password: CurrentPassword | None = None


class SettingsResult(BaseModel):
    """The account after the change; ``email_pending``: a confirmation link went there, and
    the address changes when it is opened."""

    id: int
    email: str
    timezone: str
    email_pending: str | None = None
