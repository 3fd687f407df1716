"""The WSGI entry point (``landcycle.wsgi:application``) for servers other than ``landcycle serve``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
application = get_wsgi_application()
