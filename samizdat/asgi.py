"""The ASGI application ``samizdat serve`` runs under gunicorn's asyncio worker (the default).

The views are synchronous: Django runs them in one thread per worker process, while the
worker's event loop reads requests and writes answers for every connection (slow ones too).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.settings")
application = get_asgi_application()
