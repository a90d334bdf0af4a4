"""Settings come from the environment; production refuses missing or development secrets."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from pine.core.config import DEV_FIELD_KEY, DEV_SECRET_KEY, Config

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        "PINE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://pine:secret@db.internal:5432/pine",
        "ALLOWED_HOSTS": "pine.example.org",
        "BASE_URL": "https://pine.example.org",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FIELD_HASH_KEY": secrets.token_urlsafe(32),
        "EMAIL_URL": "smtp+tls://user:pass@smtp.example.org:587",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v != "<unset>"}


def test_production_configuration_is_read_from_the_environment() -> None:
    config = Config.from_environ(project_dir=ROOT, environ_=production_env())
    assert config.database["ENGINE"] == "django.db.backends.postgresql"
    assert config.database["HOST"] == "db.internal"
    assert config.secure_cookies and config.ssl_redirect and config.hsts_seconds == 31536000
    assert config.debug is False
    assert config.email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": "<unset>"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "at least 50 random characters"),
        ({"SECRET_KEY": "ab" * 40}, "at least 50 random characters"),
        ({"DATABASE_URL": "<unset>"}, "DATABASE_URL must be set"),
        ({"ALLOWED_HOSTS": "<unset>"}, "ALLOWED_HOSTS must list"),
        ({"BASE_URL": "http://pine.example.org"}, "BASE_URL must be the service's https://"),
        ({"FIELD_ENCRYPTION_KEYS": "<unset>"}, "FIELD_ENCRYPTION_KEYS must be set"),
        ({"FIELD_ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()},{DEV_FIELD_KEY}"}, "development key"),
        ({"FIELD_ENCRYPTION_KEYS": "not-a-key"}, "key 1 is not a Fernet key"),
        ({"FIELD_HASH_KEY": "<unset>"}, "FIELD_HASH_KEY must be set"),
        ({"FIELD_HASH_KEY": "x"}, "FIELD_HASH_KEY must be at least 32 random characters"),
        ({"FIELD_HASH_KEY": "ab" * 20}, "FIELD_HASH_KEY must be at least 32 random characters"),
        ({"DEBUG": "true"}, "DEBUG must be off when PINE_ENV=production"),
        ({"EMAIL_URL": "<unset>"}, "EMAIL_URL must be set"),
        ({"PINE_ENV": "staging"}, "PINE_ENV must be one of"),
    ],
)
def test_production_refuses_to_start_without_real_secrets(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        Config.from_environ(project_dir=ROOT, environ_=production_env(**overrides))


def test_development_defaults_apply_only_in_development() -> None:
    config = Config.from_environ(project_dir=ROOT, environ_={"PINE_ENV": "development"})
    assert config.secret_key == DEV_SECRET_KEY
    assert config.database["ENGINE"] == "django.db.backends.sqlite3"
    assert config.database["NAME"] == str(ROOT / "var" / "pine.sqlite3")
    assert config.email["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    with pytest.raises(ImproperlyConfigured):
        Config.from_environ(project_dir=ROOT, environ_={})


@pytest.mark.parametrize(
    ("environ_", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8811"}, "http://127.0.0.1:8811"),
        ({"PORT": "8811", "HOST": "0.0.0.0"}, "http://127.0.0.1:8811"),
        ({"PORT": "9000", "HOST": "localhost"}, "http://localhost:9000"),
        ({"PORT": "8811", "BASE_URL": "http://pine.test:1234/"}, "http://pine.test:1234"),
    ],
)
def test_development_links_follow_the_served_address(environ_: dict[str, str], expected: str) -> None:
    """Outside production, the address in emails, .ics files and link downloads is where `pine serve` listens."""
    config = Config.from_environ(project_dir=ROOT, environ_={"PINE_ENV": "development", **environ_})
    assert config.base_url == expected


def test_production_links_come_from_base_url_whatever_the_port() -> None:
    """In production the served port says nothing about the public address: BASE_URL decides."""
    config = Config.from_environ(project_dir=ROOT, environ_=production_env(PORT="8811"))
    assert config.base_url == "https://pine.example.org"


def run_pine(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PINE_", "DATABASE_URL", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "pine", *args], env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing_in_production(tmp_path: Path) -> None:
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}", PINE_VAR_DIR=str(tmp_path))
    result = run_pine("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_command_names_a_missing_secret_in_one_line_without_a_traceback() -> None:
    result = run_pine("check", env={"PINE_ENV": "production"})
    assert result.returncode == 2
    assert result.stderr.strip() == "pine: SECRET_KEY must be set to a secret value when PINE_ENV=production."


def test_demo_data_is_refused_in_production(tmp_path: Path) -> None:
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'p.sqlite3'}", PINE_VAR_DIR=str(tmp_path))
    assert run_pine("migrate", "--no-input", env=env).returncode == 0
    result = run_pine("demo-data", env=env)
    assert result.returncode != 0
    assert "only for PINE_ENV=development" in result.stderr


def test_static_files_collect_with_hashed_names_for_production(tmp_path: Path) -> None:
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'p.sqlite3'}",
        PINE_VAR_DIR=str(tmp_path),
        STATIC_ROOT=str(tmp_path / "static"),
    )
    result = run_pine("collectstatic", "--no-input", env=env)
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "govuk/govuk-frontend.min.css" in manifest and "pine/js/init.mjs" in manifest


def test_pine_serve_runs_gunicorn_in_production_behind_a_proxy(tmp_path: Path) -> None:
    """The production server starts, answers the health check, and redirects pages asked for over plain HTTP."""
    import socket
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'p.sqlite3'}",
        PINE_VAR_DIR=str(tmp_path),
        ALLOWED_HOSTS="127.0.0.1",
        PORT=str(port),
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
    )
    assert run_pine("migrate", "--no-input", env=env).returncode == 0
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PINE_", "DATABASE_URL", "DJANGO_"))}
    server = subprocess.Popen(
        [sys.executable, "-m", "pine", "serve"],
        env={**base, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"})
        # The server opens its port once the application is loaded (--preload), which takes seconds on a busy
        # machine; after that, every request must answer quickly.
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own server
                    assert response.status == 200
                    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
                    break
            except (ConnectionError, urllib.error.URLError):
                if time.monotonic() > deadline or server.poll() is not None:
                    ended = server.poll() is not None
                    pytest.fail(f"pine serve did not answer:\n{server.stdout.read() if ended else ''}")
                time.sleep(0.2)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as health:  # noqa: S310
            assert health.status == 200  # a load balancer's plain-HTTP health check
        with pytest.raises(urllib.error.HTTPError) as plain:
            urllib.request.build_opener(NoRedirect).open(f"http://127.0.0.1:{port}/sign-in/", timeout=2)
        assert plain.value.code == 301
        assert plain.value.headers["Location"].startswith("https://")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_pine_worker_sends_queued_email(tmp_path: Path) -> None:
    """End to end: an email queued in the database is sent by `pine worker` (printed by the console backend)."""
    env = {
        "PINE_ENV": "development",
        "PINE_TASKS": "database",
        "PINE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}",
        "EMAIL_URL": "consolemail://",
    }
    assert run_pine("migrate", "--no-input", env=env).returncode == 0
    enqueue = "from pine.core.notify import deliver_email; deliver_email.enqueue(to='a@b.test', subject='S', body='Hi')"
    assert run_pine("shell", "-c", enqueue, env=env).returncode == 0
    result = run_pine("worker", "--batch", "--no-startup-delay", env=env)
    assert result.returncode == 0, result.stderr
    assert "To: a@b.test" in result.stdout and "Hi" in result.stdout
