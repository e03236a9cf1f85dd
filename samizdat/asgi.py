"""The ASGI application ``samizdat serve`` runs under gunicorn's asyncio worker (the default).

The worker's event loop reads every request (its body too) and writes every answer, so slow
clients never hold anything but a socket. The views and middleware are synchronous; Django's own
ASGI handler would run each request in a new thread and cross between the event loop and that
thread at every sync/async boundary of the middleware chain (three times a page), and a new
thread means a new database connection per request. :class:`OneThreadHandler` instead runs the
whole synchronous part of a request in one call on the worker's one sync thread: one hand-over
per request and a database connection that is kept (``CONN_MAX_AGE``). Measured in
docs/performance.md ("The app server"). A worker runs one view at a time, as a gunicorn sync
worker would; the number of workers is what sets how many run at once.

Django keeps cache clients per async context, which here is per request: a new file-cache
object, or a new Redis connection, for every request. On the one sync thread a thread-local
client is reused by every request instead (redis-py's pool is thread-safe).
"""

import asyncio
import os

from asgiref.local import Local
from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse
from django.urls import set_script_prefix

from samizdat.core.resolving import RememberedResolution

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.settings")


class OneThreadHandler(RememberedResolution, ASGIHandler):
    """Django's ASGI handler with a synchronous middleware chain run on one thread, and URL
    resolution remembered per path (samizdat.core.resolving)."""

    def __init__(self):
        from django.core.cache import caches

        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        caches._connections = Local(thread_critical=True)  # see the module's docstring

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"samizdat serves HTTP only, not {scope['type']}")
        # No ThreadSensitiveContext: thread-sensitive code (handle's one hand-over, a
        # streaming answer's chunks) then runs on asgiref's single sync thread, the same thread
        # for every request.
        await self.handle(scope, receive, send)

    async def handle(self, scope, receive, send):
        """Django's ``handle`` with one hand-over to the sync thread instead of three.

        The body is read and the answer sent on the event loop. The sync thread runs the
        ``request_started`` receivers (they close a connection that failed or is too old), makes
        the request and runs the chain. ``response.close()`` runs on the loop: its
        ``request_finished`` receivers only see the loop thread's (unused) connections. A view
        is not cancelled when its client goes away (it could not be: it runs on the thread).
        """
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            set_script_prefix(get_script_prefix(scope))
            response = await sync_to_async(self._respond, thread_sensitive=True)(scope, body_file)
            try:
                await self.send_response(response, send)
            except asyncio.CancelledError:
                pass  # the client went away during the answer
            finally:
                response.close()
        finally:
            body_file.close()

    def _respond(self, scope, body_file):
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            return error_response
        response = self.get_response(request)
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size  # the server chunks (as Django's handler)
        return response


def _application():
    import django

    django.setup(set_prefix=False)
    return OneThreadHandler()


application = _application()
