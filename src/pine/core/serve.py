"""`pine serve`: gunicorn in production, Django's development server otherwise."""

from __future__ import annotations

import os
import sys


def serve(argv: list[str]) -> int:
    from django.conf import settings

    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1" if settings.PINE_ENV != "production" else "0.0.0.0")  # noqa: S104
    if settings.PINE_ENV == "production":
        from gunicorn.app.wsgiapp import run

        workers = os.environ.get("WEB_CONCURRENCY", "3")
        sys.argv = [
            "gunicorn",
            "pine.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            workers,
            # Load the application once before forking: workers share its memory and start ready to answer.
            "--preload",
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            *argv,
        ]
        run()
        return 0
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pine", "runserver", f"{host}:{port}", *argv])
    return 0
