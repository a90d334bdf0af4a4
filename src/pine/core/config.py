"""The one typed reader of PINE's settings from the environment.

Every setting comes from an environment variable (see `.env.example` and the README's table). Development
defaults apply only when PINE_ENV is `development` or `test`; in `production` a missing or default secret stops
the service from starting, with a message naming the variable.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

ENVIRONMENTS = ("production", "development", "test")

# Development-only values. They are public (they are in this file), so production refuses them.
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production-use-0123456789abcdef"  # noqa: S105
DEV_FIELD_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"pine-dev-field-key").digest()).decode()
DEV_HASH_KEY = "dev-only-hash-key"  # noqa: S105


@dataclass(frozen=True)
class Config:
    env: str
    secret_key: str
    debug: bool
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    database: dict[str, Any]
    field_encryption_keys: list[str]
    field_hash_key: str
    email: dict[str, Any]
    default_from_email: str
    contact_email: str
    base_url: str
    var_dir: Path
    media_root: Path
    static_root: Path | None
    secure_cookies: bool
    ssl_redirect: bool
    behind_proxy: bool
    trusted_proxies: list[str]
    hsts_seconds: int
    axes_failure_limit: int
    staticfiles_backend: str
    tasks_backend: str
    log_level: str
    stuck_after_weeks: int
    upload_max_mb: int = 20

    @classmethod
    def from_environ(cls, *, project_dir: Path, environ_: dict[str, str] | None = None) -> Config:
        env = environ.Env()
        if environ_ is not None:
            env.ENVIRON = environ_
        pine_env = env.str("PINE_ENV", default="production")
        if pine_env not in ENVIRONMENTS:
            raise ImproperlyConfigured(f"PINE_ENV must be one of {', '.join(ENVIRONMENTS)}, not {pine_env!r}.")
        production = pine_env == "production"

        def secret(name: str, dev_default: str) -> str:
            value = env.str(name, default="")
            if production and (not value or value == dev_default):
                raise ImproperlyConfigured(f"{name} must be set to a secret value when PINE_ENV=production.")
            return value or dev_default

        var_dir = Path(env.str("PINE_VAR_DIR", default=str(project_dir / "var")))
        secret_key = secret("SECRET_KEY", DEV_SECRET_KEY)
        if production and (len(secret_key) < 50 or len(set(secret_key)) < 5):
            raise ImproperlyConfigured(
                "SECRET_KEY must be at least 50 random characters when PINE_ENV=production "
                "(for example from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
            )
        field_keys = [k.strip() for k in secret("FIELD_ENCRYPTION_KEYS", DEV_FIELD_KEY).split(",") if k.strip()]
        if production and DEV_FIELD_KEY in field_keys:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must not contain the development key in production.")
        _check_fernet_keys(field_keys)

        if "DATABASE_URL" in env.ENVIRON:
            database = env.db_url("DATABASE_URL")
        elif production:
            raise ImproperlyConfigured("DATABASE_URL must be set when PINE_ENV=production.")
        else:
            database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(var_dir / "pine.sqlite3")}
        database.setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60 if production else 0))
        if database["ENGINE"] == "django.db.backends.sqlite3":
            # WAL and a busy timeout let the web server and a worker share the embedded database.
            database.setdefault("OPTIONS", {}).update(
                {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
            )

        default_email = "consolemail://" if not production else ""
        email_url = env.str("EMAIL_URL", default=default_email)
        if not email_url:
            raise ImproperlyConfigured("EMAIL_URL must be set when PINE_ENV=production (e.g. smtp+tls://…).")
        email = environ.Env.email_url_config(email_url)
        if pine_env == "test":
            email["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

        hosts_default = [] if production else ["127.0.0.1", "localhost", "testserver", "[::1]"]
        allowed_hosts = env.list("ALLOWED_HOSTS", default=hosts_default)
        if production and not allowed_hosts:
            raise ImproperlyConfigured("ALLOWED_HOSTS must list the service's host names when PINE_ENV=production.")
        base_url = env.str("BASE_URL", default="" if production else _served_address(env)).rstrip("/")
        if production and not base_url.startswith("https://"):
            raise ImproperlyConfigured("BASE_URL must be the service's https:// address when PINE_ENV=production.")
        debug = env.bool("DEBUG", default=pine_env == "development")
        if production and debug:
            raise ImproperlyConfigured(
                "DEBUG must be off when PINE_ENV=production: its error pages show settings and data to anyone."
            )
        field_hash_key = secret("FIELD_HASH_KEY", DEV_HASH_KEY)
        if production and (len(field_hash_key) < 32 or len(set(field_hash_key)) < 10):
            raise ImproperlyConfigured(
                "FIELD_HASH_KEY must be at least 32 random characters when PINE_ENV=production: identifiers are "
                "looked up by keyed hashes, and a short key lets anyone who sees the hashes guess the identifiers "
                "(for example from `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)."
            )

        return cls(
            env=pine_env,
            secret_key=secret_key,
            debug=debug,
            allowed_hosts=allowed_hosts,
            csrf_trusted_origins=env.list("CSRF_TRUSTED_ORIGINS", default=[base_url] if production else []),
            database=database,
            field_encryption_keys=field_keys,
            field_hash_key=field_hash_key,
            email=email,
            default_from_email=env.str("DEFAULT_FROM_EMAIL", default="PINE <pine@localhost>"),
            contact_email=env.str("CONTACT_EMAIL", default="pine@localhost"),
            base_url=base_url,
            var_dir=var_dir,
            media_root=Path(env.str("MEDIA_ROOT", default=str(var_dir / "media"))),
            # Outside production, static files are served straight from the apps (WhiteNoise's finders).
            static_root=Path(env.str("STATIC_ROOT", default=str(var_dir / "static"))) if production else None,
            secure_cookies=production,
            ssl_redirect=env.bool("SECURE_SSL_REDIRECT", default=production),
            behind_proxy=env.bool("BEHIND_PROXY", default=production),
            hsts_seconds=env.int("HSTS_SECONDS", default=31536000 if production else 0),
            trusted_proxies=_proxy_list(env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1"])),
            axes_failure_limit=env.int("SIGN_IN_FAILURE_LIMIT", default=5),
            staticfiles_backend=(
                "whitenoise.storage.CompressedManifestStaticFilesStorage"
                if production
                else "django.contrib.staticfiles.storage.StaticFilesStorage"
            ),
            # Production runs tasks in `pine worker` processes; development and tests run them at once, in
            # the request, so `make demo` needs no worker. PINE_TASKS=database tries the worker locally.
            tasks_backend=(
                "django_tasks_db.backend.DatabaseBackend"
                if env.str("PINE_TASKS", default="database" if production else "immediate") == "database"
                else "django_tasks.backends.immediate.ImmediateBackend"
            ),
            log_level=env.str("LOG_LEVEL", default="INFO"),
            stuck_after_weeks=env.int("STUCK_AFTER_WEEKS", default=12),
            upload_max_mb=env.int("UPLOAD_MAX_MB", default=20),
        )


def _served_address(env: environ.Env) -> str:
    """Outside production, links in emails and downloads point at the address `pine serve` listens on."""
    host = env.str("HOST", default="127.0.0.1")
    if host in {"", "0.0.0.0", "::", "[::]"}:  # noqa: S104 - listening everywhere; links use the loopback
        host = "127.0.0.1"
    return f"http://{host}:{env.int('PORT', default=8000)}"


def _proxy_list(values: list[str]) -> list[str]:
    """FORWARDED_ALLOW_IPS: addresses or networks (10.0.0.0/8) of the proxies whose X-Forwarded-For is believed."""
    proxies = [v.strip() for v in values if v.strip()]
    for value in proxies:
        if value == "*":
            continue
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"FORWARDED_ALLOW_IPS must list IP addresses or networks (like 10.0.0.0/8) or be *, not {value!r}."
            ) from None
    return proxies


def _check_fernet_keys(keys: list[str]) -> None:
    for position, key in enumerate(keys, start=1):
        try:
            raw = base64.urlsafe_b64decode(key.encode())
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS key {position} is not a Fernet key (32 url-safe base64-encoded bytes). "
                "Make one with `pine generate-key`."
            )
