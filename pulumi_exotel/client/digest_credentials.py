"""Digest credential calls: ``/trunks/{sid}/credentials`` (SIP user name and password).

Passwords are taken as ``SecretStr`` (a plain ``str`` is wrapped at once) and only revealed
when the request body is serialised; Exotel never returns them.
"""

from __future__ import annotations

from pydantic import SecretStr

from pulumi_exotel.client._base import Children, ClientBase
from pulumi_exotel.client.errors import NotFound
from pulumi_exotel.client.http import PAGE_SIZE
from pulumi_exotel.client.models import (
    CreateDigestCredentialRequest,
    DigestCredential,
    UpdateDigestCredentialRequest,
)

__all__ = ["DigestCredentialsMixin"]

_CREDENTIALS = Children("credentials", DigestCredential)


def _secret(password: str | SecretStr | None) -> SecretStr | None:
    if password is None or isinstance(password, SecretStr):
        return password
    return SecretStr(password)


class DigestCredentialsMixin(ClientBase):
    def create_digest_credential(
        self,
        trunk_sid: str,
        user_name: str,
        password: str | SecretStr,
        *,
        friendly_name: str | None = None,
    ) -> DigestCredential:
        """``POST`` a credential. Raises ``Duplicate`` if the user name is taken."""
        body = CreateDigestCredentialRequest(
            user_name=user_name, password=_secret(password), friendly_name=friendly_name
        )
        return self._create_child(
            _CREDENTIALS, trunk_sid, body, lambda: self.find_digest_credential(trunk_sid, user_name)
        )

    def list_digest_credentials(
        self,
        trunk_sid: str,
        *,
        credential_id: str | None = None,
        page_size: int = PAGE_SIZE,
        max_age: float = 0.0,
    ) -> list[DigestCredential]:
        """``GET …/credentials``, every page; ``credential_id`` narrows it with ``?id=``;
        ``max_age`` > 0 shares a recent listing (``listings``)."""
        params = {"id": credential_id} if credential_id else None
        found = self._list_children(
            _CREDENTIALS, trunk_sid, params, page_size=page_size, max_age=max_age
        )
        if credential_id:
            found = [c for c in found if c.id == credential_id]
        return found

    def get_digest_credential(self, trunk_sid: str, credential_id: str) -> DigestCredential:
        """One credential by id (``GET …/credentials?id=``); raises ``NotFound``."""
        for credential in self.list_digest_credentials(trunk_sid, credential_id=credential_id):
            return credential
        raise NotFound(404, 1000, "Not Found", f"no credential {credential_id} on {trunk_sid}")

    def find_digest_credential(self, trunk_sid: str, user_name: str) -> DigestCredential | None:
        credentials = self.list_digest_credentials(trunk_sid)
        return next((c for c in credentials if c.user_name == user_name), None)

    def update_digest_credential(
        self,
        trunk_sid: str,
        credential_id: str,
        *,
        user_name: str | None = None,
        password: str | SecretStr | None = None,
        friendly_name: str | None = None,
    ) -> DigestCredential:
        """``PUT …/credentials/{id}`` with the given fields only."""
        body = UpdateDigestCredentialRequest(
            user_name=user_name, password=_secret(password), friendly_name=friendly_name
        )
        return self._update_child(
            _CREDENTIALS,
            trunk_sid,
            credential_id,
            body,
            read_back=lambda: self.get_digest_credential(trunk_sid, credential_id),
        )

    def delete_digest_credential(self, trunk_sid: str, credential_id: str) -> None:
        """``DELETE …/credentials?id=``; raises ``NotFound`` for an unknown id."""
        self._delete_child(_CREDENTIALS, trunk_sid, credential_id)
