"""Settings for the server and storage, read from the environment.

Secrets are refused at start-up when left at their default outside development and tests,
as the Full Stack FastAPI Template does: a production server must never sign sessions with a
key that is published in this repository.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SECRET = "change-me"
ENVIRONMENTS = ("development", "test", "production")


class SettingsError(ValueError):
    """A setting is missing, malformed or unsafe."""


def default_database_url() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'spasmcheck' / 'spasmcheck.sqlite3'}"


def default_mail_dir() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "spasmcheck" / "outbox")


def database_url_from_env() -> str:
    return os.environ.get("SPASMCHECK_DATABASE_URL") or default_database_url()


@dataclass(frozen=True)
class Settings:
    # Production unless chosen otherwise: the published secret and plain-http cookies are
    # only ever accepted when development (or the test suite's mode) is asked for by name.
    environment: str = "production"
    database_url: str = field(default_factory=default_database_url)
    secret_key: str = DEFAULT_SECRET
    session_max_age_s: int = 14 * 24 * 3600
    max_body_bytes: int = 64 * 1024
    # Sign-in and sign-up limits (OWASP ASVS 4.0 2.2.1), each counted atomically in the
    # database so they hold across threads, workers and instances.
    login_rate_limit: int = 5  # attempts per minute per email and client address
    address_login_rate_limit: int = 30  # attempts per minute per client address, any email
    account_login_rate_limit: int = 30  # attempts per hour per email, any address
    register_rate_limit: int = 10  # sign-ups per hour per client address
    # Requests per minute per client address to the anonymous routes that run the engine or
    # draw a PDF (/v1/parse, /v1/assess, /v1/interview, /v1/triage, /v1/explain, the web's
    # interview and unsaved report); 0 turns the limit off (load benchmarks).
    engine_rate_limit: int = 120
    # argon2id takes 64 MiB a hash: at most this many at once, else a fast 503.
    max_concurrent_hashes: int = 2
    # Addresses (or CIDR networks) of reverse proxies whose X-Forwarded-For is believed. Empty:
    # the connection's own address is the client's, whatever the headers say.
    trusted_proxies: tuple[str, ...] = ()
    # argon2-cffi's cheapest profile instead of its defaults: for the test suite only, where
    # production hashing would cost half a second per sign-up. Not read from the environment.
    fast_password_hashing: bool = False
    # The https address people open, e.g. https://spasmcheck.example.org: the links that are
    # mailed (confirm an address, reset a password) point there. Required in production, so a
    # forged Host header can never put another site's address into a reset link; elsewhere
    # the request's own address is used when it is empty.
    public_url: str = ""
    # Mail: an smtp:// or smtps:// URL, or empty to write each message into mail_dir.
    smtp_url: str = ""
    mail_dir: str = field(default_factory=default_mail_dir)
    mail_from: str = "spasmcheck <no-reply@localhost>"
    # Sign-up by e-mail confirmation: None means on in production, off in development and
    # tests (a local trial has no mailbox). On, a sign-up answers the same whether or not the
    # address already has an account, and an account is used only once its address is
    # confirmed (OWASP ASVS 4.0 2.2.x, no user enumeration).
    verify_email: bool | None = None

    @property
    def confirms_email(self) -> bool:
        return self.environment == "production" if self.verify_email is None else self.verify_email

    def __post_init__(self) -> None:
        if self.environment not in ENVIRONMENTS:
            raise SettingsError(
                f"SPASMCHECK_ENV must be one of {', '.join(ENVIRONMENTS)}, got {self.environment!r}"
            )
        if self.environment == "production" and (
            self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32
        ):
            raise SettingsError(
                "SPASMCHECK_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (for a local trial, choose SPASMCHECK_ENV=development)"
            )
        if self.fast_password_hashing and self.environment == "production":
            raise SettingsError("fast password hashing is for tests, never for production")
        for name in (
            "login_rate_limit",
            "address_login_rate_limit",
            "account_login_rate_limit",
            "register_rate_limit",
            "max_concurrent_hashes",
        ):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError as error:
                raise SettingsError(
                    f"SPASMCHECK_TRUSTED_PROXIES: {proxy!r} is not an IP address or network"
                ) from error
        if self.engine_rate_limit < 0:
            raise SettingsError("engine_rate_limit must be 0 (off) or more")
        if self.environment == "production" and not self.public_url:
            raise SettingsError(
                "SPASMCHECK_PUBLIC_URL must be set in production to the https address people "
                "open (mailed links point there)"
            )
        if self.public_url and not self.public_url.startswith(("https://", "http://")):
            raise SettingsError("SPASMCHECK_PUBLIC_URL must start with https:// or http://")
        if self.smtp_url and not self.smtp_url.startswith(("smtp://", "smtps://")):
            raise SettingsError(
                "SPASMCHECK_SMTP_URL must look like smtp://host:587 or smtps://host"
            )
        if not self.database_url.startswith(("sqlite", "postgresql")):
            raise SettingsError("SPASMCHECK_DATABASE_URL must be a sqlite:// or postgresql:// URL")

    @property
    def is_development(self) -> bool:
        return self.environment != "production"

    @property
    def https(self) -> bool:
        """Served over HTTPS, so cookies are ``Secure`` and HSTS is sent: everywhere but in
        development (plain http://localhost). The one place this is decided."""
        return self.environment != "development"

    @classmethod
    def from_env(cls) -> Settings:
        def number(name: str, default: int) -> int:
            raw = os.environ.get(name)
            if raw is None:
                return default
            try:
                return int(raw)
            except ValueError as error:
                raise SettingsError(f"{name} must be a whole number, got {raw!r}") from error

        def switch(name: str) -> bool | None:
            raw = os.environ.get(name, "").strip().lower()
            if not raw:
                return None
            if raw in ("1", "true", "yes", "on"):
                return True
            if raw in ("0", "false", "no", "off"):
                return False
            raise SettingsError(f"{name} must be true or false, got {raw!r}")

        return cls(
            environment=os.environ.get("SPASMCHECK_ENV", "production"),
            database_url=database_url_from_env(),
            secret_key=os.environ.get("SPASMCHECK_SECRET_KEY", DEFAULT_SECRET),
            session_max_age_s=number("SPASMCHECK_SESSION_MAX_AGE", 14 * 24 * 3600),
            max_body_bytes=number("SPASMCHECK_MAX_BODY_BYTES", 64 * 1024),
            login_rate_limit=number("SPASMCHECK_LOGIN_RATE_LIMIT", 5),
            address_login_rate_limit=number("SPASMCHECK_ADDRESS_LOGIN_RATE_LIMIT", 30),
            account_login_rate_limit=number("SPASMCHECK_ACCOUNT_LOGIN_RATE_LIMIT", 30),
            register_rate_limit=number("SPASMCHECK_REGISTER_RATE_LIMIT", 10),
            max_concurrent_hashes=number("SPASMCHECK_MAX_CONCURRENT_HASHES", 2),
            engine_rate_limit=number("SPASMCHECK_ENGINE_RATE_LIMIT", 120),
            public_url=os.environ.get("SPASMCHECK_PUBLIC_URL", "").rstrip("/"),
            smtp_url=os.environ.get("SPASMCHECK_SMTP_URL", ""),
            mail_dir=os.environ.get("SPASMCHECK_MAIL_DIR") or default_mail_dir(),
            mail_from=os.environ.get("SPASMCHECK_MAIL_FROM", "spasmcheck <no-reply@localhost>"),
            verify_email=switch("SPASMCHECK_VERIFY_EMAIL"),
            trusted_proxies=tuple(
                part.strip()
                for part in os.environ.get("SPASMCHECK_TRUSTED_PROXIES", "").split(",")
                if part.strip()
            ),
        )
