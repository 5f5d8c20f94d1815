"""What text the ledger accepts: no NUL, no lone surrogate, no control character but
tab and line breaks, and no invisible format character (bidirectional controls,
zero-width spaces and joiners); a name takes no control character at all.

NUL cannot be stored in PostgreSQL text and a lone surrogate cannot be encoded as UTF-8
for either database, so both would fail deep in a write; bidirectional overrides make a
name read differently from what is stored ("Trojan Source", CVE-2021-42574) and
zero-width characters make two names that look alike compare unequal.
"""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
ALLOWED_CONTROLS = frozenset("\t\n\r")


def problem(value: str, *, name: bool = False) -> str | None:
    """Why ``value`` is not acceptable text (a name, if ``name``), or None if it is.

    Invisible characters are refused everywhere, not only in names: in an identifier
    (a registry number, an external id) they make two values that look the same differ.
    """
    # The fast path, in C: printable text holds no control, format or surrogate
    # character. What is not printable (a line break, a no-break space) is looked at.
    if value.isprintable():
        return None
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            return "holds a lone surrogate"
        if char == "\x00":
            return "holds a NUL character"
        if char in BIDI_CONTROLS:
            return f"holds a bidirectional control (U+{ord(char):04X})"
        if category == "Cc" and (name or char not in ALLOWED_CONTROLS):
            return f"holds a control character (U+{ord(char):04X})"
        if category == "Cf":
            return f"holds an invisible format character (U+{ord(char):04X})"
    return None
