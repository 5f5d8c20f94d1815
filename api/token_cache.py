"""Access tokens whose signature was already verified, so that a client sending the same
token on every request pays for the Ed25519 check and the claims' parsing once.

What is cached is only the cryptographic verdict (the token's claims, under the key id
that signed them). Everything that can change while a token lives is still checked on
every request: the expiry against the ledger's clock, the signing key still being the
current one, and the subject's credentials version in the database (one primary-key or
unique-index read, see auth._actor_for). A rotated secret, a reset password or a disabled
client therefore refuses the old token at once, in every worker, cached or not.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

# A worker sees a few tokens per client: thousands cover any fleet of LMSs, at ~1 KB each.
DEFAULT_SIZE = 4096
# Past this a token is verified again: a bound on how long a verdict is trusted, not a
# revocation mechanism (revocation is the credentials version, read every request).
DEFAULT_TTL = 300.0


class VerifiedTokens:
    """A bounded LRU of verified claims by the whole token, entries expiring after ``ttl``
    seconds of ``clock``.

    Keyed by the whole token, never by its jti or signature alone: the signature covers
    header and payload, and a key of less than all three would let a forged payload
    beside a valid signature hit the cache.
    """

    def __init__(self, size: int = DEFAULT_SIZE, ttl: float = DEFAULT_TTL,
                 clock: Callable[[], float] = time.monotonic):
        self.size = size
        self.ttl = ttl
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, str, dict[str, Any]]] = OrderedDict()
        # gthread workers serve requests on several threads at once.
        self._lock = threading.Lock()

    def get(self, token: str, kid: str) -> dict[str, Any] | None:
        """The claims verified for ``token`` under key ``kid``, if still fresh."""
        with self._lock:
            found = self._entries.get(token)
            if found is None:
                return None
            expires, signed_by, claims = found
            if expires <= self.clock() or signed_by != kid:
                del self._entries[token]
                return None
            self._entries.move_to_end(token)
            return claims

    def put(self, token: str, kid: str, claims: dict[str, Any]) -> None:
        with self._lock:
            self._entries[token] = (self.clock() + self.ttl, kid, claims)
            self._entries.move_to_end(token)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
