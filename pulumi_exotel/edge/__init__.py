"""The local SIP edge: Kamailio on loopback authenticating the credentials the emulator issues.

``SubscriberStore`` is the emulator's ``credential_sink`` (Kamailio's ``subscriber`` table in
SQLite); ``KamailioEdge`` runs Kamailio against it over TCP and TLS.
"""

from pulumi_exotel.edge.certs import EdgeCertificate, generate_edge_certificate
from pulumi_exotel.edge.kamailio import (
    DEFAULT_TCP_PORT,
    INSTALL_HINT,
    EdgeStartError,
    KamailioEdge,
    KamailioNotFound,
    find_kamailio,
)
from pulumi_exotel.edge.subscribers import SubscriberStore, ensure_schema

__all__ = [
    "DEFAULT_TCP_PORT",
    "INSTALL_HINT",
    "EdgeCertificate",
    "EdgeStartError",
    "KamailioEdge",
    "KamailioNotFound",
    "SubscriberStore",
    "ensure_schema",
    "find_kamailio",
    "generate_edge_certificate",
]
