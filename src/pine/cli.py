"""The `pine` command for administrators.

`pine serve`, `pine worker`, `pine demo-data`, `pine createadmin` and `pine stats`, plus every Django management
command (`pine migrate`, `pine check --deploy`, ...). `pine stats` runs without Django so it can be used on any
CSV file, even where no database is configured.
"""

from __future__ import annotations

import os
import sys

USAGE = """usage: pine COMMAND [options]

Commands:
  serve        run the web service (gunicorn in production, Django's server in development)
  worker       run background tasks
  migrate      apply database migrations
  demo-data    load the demo programme (development only)
  createadmin  create the first programme manager
  stats        run a statistical method on a CSV or XLSX file (see docs/statistics.md)
  send-reminders  email owners of actions due tomorrow (run daily)
  survey-reminders  email survey reminders that waves ask for (run daily)
  generate-key print a new key for FIELD_ENCRYPTION_KEYS
  rotate-keys  re-encrypt identifying data with the newest key
  prune-tasks  delete finished background tasks older than 7 days (run daily)
  prune-proposals  delete declined and withdrawn proposals a year after the decision, and expired drafts (run daily)
  help         list every command, including Django's own

Any other Django management command works too, e.g. `pine check --deploy`.
"""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        sys.stdout.write(USAGE)
        return 0
    command, rest = args[0], args[1:]
    if command == "stats":
        from pine.stats.cli import main as stats_main

        return stats_main(rest)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pine.settings")
    import django
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as problem:
        # A configuration mistake is the administrator's to fix: one clear line, no traceback.
        sys.stderr.write(f"pine: {problem}\n")
        return 2
    settings.PINE_VAR_DIR.mkdir(parents=True, exist_ok=True)
    if command == "serve":
        from pine.core.serve import serve

        return serve(rest)
    from django.core.management import execute_from_command_line

    # `pine demo-data` runs Django's `demo_data`, and so on for every command with an underscore.
    django_command = {"worker": "db_worker"}.get(command, command.replace("-", "_"))
    execute_from_command_line(["pine", django_command, *rest])
    return 0
