"""A local twin of Exotel's v2 SIP trunk configuration API (see ``docs/internals.md``).

``backend.Backend`` holds state and rules (SQLite), ``app.build_app`` serves them over HTTP
with Exotel's envelopes, auth, rate limit and the ``/_emulator/`` control API, and
``server.EmulatorServer`` / ``server.serve`` run it with uvicorn.
"""

from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT, Account
from pulumi_exotel.emulator.app import build_app
from pulumi_exotel.emulator.backend import Backend, CredentialSink, Page
from pulumi_exotel.emulator.errors import ExotelFault
from pulumi_exotel.emulator.server import EmulatorServer, serve

__all__ = [
    "DEFAULT_ACCOUNT",
    "Account",
    "Backend",
    "CredentialSink",
    "EmulatorServer",
    "ExotelFault",
    "Page",
    "build_app",
    "serve",
]
