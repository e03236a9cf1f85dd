"""gunicorn's asyncio worker, accepting one connection per event-loop turn.

The workers share one listening socket. asyncio accepts up to ``backlog`` waiting connections
each time the socket is ready, so the worker that wakes first takes a whole burst — all 16 of
a benchmark's connections, or every connection nginx's upstream pool opens at once — and keeps
them (keep-alive) while the other worker idles: measured, a page at 740 req/s instead of 1,800
(docs/performance.md, "Accepting connections"). Accepting one per turn lets every worker's
loop take its share; the kernel's queue keeps its configured length (``--backlog``).
"""

from gunicorn.workers.gasgi import ASGIWorker

ACCEPT_PER_TURN = 1


class FairAcceptWorker(ASGIWorker):
    def _setup_event_loop(self):
        super()._setup_event_loop()
        create_server = self.loop.create_server
        kernel_backlog = self.cfg.backlog

        async def fair_create_server(*args, **kwargs):
            # asyncio uses ``backlog`` both for listen() and as the accepts per turn.
            server = await create_server(*args, **{**kwargs, "backlog": ACCEPT_PER_TURN})
            sock = kwargs.get("sock")
            if sock is not None:
                sock.listen(kernel_backlog)  # the kernel queue as configured, not 1
            return server

        self.loop.create_server = fair_create_server
