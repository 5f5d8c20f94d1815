"""Administrative divisions by their GB/T 2260 codes.

A six-digit code nests: 37 0000 is Shandong, 37 03 00 is Zibo in Shandong, 37 03 03
a district of Zibo. ``000000`` stands for the nation.
"""

from __future__ import annotations

NATION = "000000"


def is_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def parent(code: str) -> str | None:
    """The enclosing division, or None for the nation."""
    if code == NATION:
        return None
    if code[4:] != "00":
        return code[:4] + "00"
    if code[2:4] != "00":
        return code[:2] + "0000"
    return NATION


def ancestry(code: str) -> list[str]:
    """The code and every division above it, innermost first."""
    chain = [code]
    while (up := parent(chain[-1])) is not None:
        chain.append(up)
    return chain


def covers(scope: str, code: str) -> bool:
    """Whether an authority over ``scope`` reaches ``code``."""
    return scope in ancestry(code)
