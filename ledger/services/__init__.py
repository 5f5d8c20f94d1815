"""Use cases: verbs taking a Context, an Actor and plain values.

Each verb that writes is one unit of work: it commits on success and leaves nothing
behind on failure. Callers (the API, the CLI, jobs, benchmarks) never commit.
"""

from . import log  # noqa: F401,E402  (registers the Merkle log's leaf hook)
from .context import Context  # noqa: F401
