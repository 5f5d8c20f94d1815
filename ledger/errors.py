"""Domain errors. Each has a stable ``code``; the API maps the kind to a status once."""

from __future__ import annotations


class LedgerError(Exception):
    code = "ledger_error"

    def __init__(self, message: str, *, code: str | None = None, **details: object):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class NotFound(LedgerError):
    """The object does not exist, or the caller may not know that it does."""

    code = "not_found"


class Invalid(LedgerError):
    """The request is well-formed but breaks a domain rule."""

    code = "invalid"


class Conflict(LedgerError):
    """The request clashes with what the ledger already holds."""

    code = "conflict"


class Unauthorized(LedgerError):
    code = "unauthorized"
