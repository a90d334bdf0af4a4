import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pine.settings")

application = get_wsgi_application()
# Load every view (and the statistics libraries they use) now, not on the first request: with gunicorn's
# --preload this happens once, before the workers fork, so no request or health check waits on it.
get_resolver().check()  # imports every URLconf and view, as the first request would
