"""API tokens (stored hashed) and encryption of connection settings at rest."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOKEN_PREFIX = "ai_"


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_api_token(token: str) -> str:
    """Tokens are 256 random bits, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


class SettingsCipher:
    """AES-GCM with a key derived from the secret key; the stored value names its key id.

    `bound_to` is authenticated with the ciphertext, so a value copied to another row (another
    account or connection) does not decrypt.
    """

    KEY_ID = "k1"

    def __init__(self, secret_key: bytes) -> None:
        derive = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"autoimport", info=b"connection-settings")
        self._keys = {self.KEY_ID: AESGCM(derive.derive(secret_key))}
        signing = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"autoimport", info=b"signatures")
        self._signing_key = signing.derive(secret_key)

    def sign(self, value: str) -> str:
        """An HMAC-SHA256 of `value` under a key of its own, for values a browser hands back."""
        return hmac.new(self._signing_key, value.encode(), hashlib.sha256).hexdigest()

    def encrypt(self, value: dict[str, Any], bound_to: str) -> str:
        nonce = os.urandom(12)
        sealed = self._keys[self.KEY_ID].encrypt(nonce, json.dumps(value).encode(), bound_to.encode())
        return f"{self.KEY_ID}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str, bound_to: str) -> dict[str, Any]:
        key_id, _, payload = stored.partition(":")
        if key_id not in self._keys:
            raise ValueError(f"Unknown encryption key id {key_id!r}")
        raw = base64.urlsafe_b64decode(payload.encode())
        try:
            plain = self._keys[key_id].decrypt(raw[:12], raw[12:], bound_to.encode())
        except InvalidTag as exc:
            raise ValueError("Stored settings do not decrypt for this row") from exc
        result: dict[str, Any] = json.loads(plain)
        return result
