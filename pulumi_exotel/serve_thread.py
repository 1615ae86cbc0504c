"""An ASGI app served by uvicorn in a daemon thread: what the Exotel emulator and the platform
twins both run. Depends on nothing else in the package (the emulator stays independent of the
client side, and the twins of the emulator).

``ServerThread.start(app, host=..., port=0, name=..., what=...)`` binds ``host:port`` (0: a free
port) and returns once the server answers; ``stop()`` ends it, and is safe to call twice.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn

__all__ = ["KEEP_ALIVE_SECONDS", "ServerThread"]

_START_TIMEOUT_SECONDS = 10.0
#: How long an idle keep-alive connection stays open. httpx drops a pooled connection after 5 s
#: idle by default and uvicorn closes one after 5 s too: with equal timers, a request sent just as
#: the server closes meets "connection reset" (seen once in CI, on a test's control client). The
#: server waiting longer than any client keeps the close on the client's side.
KEEP_ALIVE_SECONDS = 65


@dataclass
class ServerThread:
    """One running uvicorn server, its thread and the port it listens on."""

    server: uvicorn.Server
    thread: threading.Thread
    port: int

    @classmethod
    def start(cls, app: Any, *, host: str, port: int, name: str, what: str) -> ServerThread:
        """Serve ``app`` in a thread called ``name``; ``RuntimeError("<what> did not start on
        <host>")`` if it does not answer in time."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # proto must say TCP: asyncio only sets TCP_NODELAY on accepted sockets that do, and
        # without it every response waits ~40 ms for the client's delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        config = uvicorn.Config(
            app,
            http="h11",
            loop="asyncio",
            lifespan="off",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True
        )
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                sock.close()
                raise RuntimeError(f"{what} did not start on {host}")
            time.sleep(0.01)
        return cls(server, thread, int(sock.getsockname()[1]))

    def is_alive(self) -> bool:
        return self.thread.is_alive()

    def stop(self) -> None:
        """Ask the server to finish its requests and stop; force it after a grace period."""
        self.server.should_exit = True
        self.thread.join(timeout=10)
        if self.thread.is_alive():
            self.server.force_exit = True
            self.thread.join(timeout=5)
