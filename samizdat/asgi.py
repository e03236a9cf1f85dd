"""The ASGI application ``samizdat serve`` runs under gunicorn's asyncio worker (the default).

The worker's event loop reads every request (its body too) and writes every answer, so slow
clients never hold anything but a socket. The views and middleware are synchronous; Django's own
ASGI handler would run each request in a new thread and cross between the event loop and that
thread at every sync/async boundary of the middleware chain (three times a page), and a new
thread means a new database connection per request. :class:`OneThreadHandler` instead runs the
whole synchronous chain in one call on the worker's one sync thread: one hand-over per request
and a database connection that is kept (``CONN_MAX_AGE``). Measured in docs/performance.md
("The app server"). A worker runs one view at a time, as a gunicorn sync worker would; the
number of workers is what sets how many run at once.

Django keeps cache clients per async context, which here is per request: a new file-cache
object, or a new Redis connection, for every request. On the one sync thread a thread-local
client is reused by every request instead (redis-py's pool is thread-safe).
"""

import os

from asgiref.local import Local
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.settings")


class OneThreadHandler(ASGIHandler):
    """Django's ASGI handler with a synchronous middleware chain run on one thread."""

    def __init__(self):
        from django.core.cache import caches

        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        caches._connections = Local(thread_critical=True)  # see the module's docstring

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"samizdat serves HTTP only, not {scope['type']}")
        # No ThreadSensitiveContext: thread-sensitive code (the chain, the request signals,
        # response.close) then runs on asgiref's single sync thread, the same for every request.
        await self.handle(scope, receive, send)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def _application():
    import django

    django.setup(set_prefix=False)
    return OneThreadHandler()


application = _application()
