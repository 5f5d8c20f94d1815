"""Jurisdictions' policy profiles: data files with effective periods and sources.

One TOML file per jurisdiction and version lives in ``ledger/policies``. Each holds
its effective period, its parent jurisdiction, the parameters the ledger uses and the
article behind each rule, every value citing its source. A rule is evaluated under
the profile in force on the training date; where a profile is silent, or none is in
force (威海 2019 lapsed on 2024-12-17), the parent's and then the national profile
applies.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from . import jurisdiction

POLICY_DIR = Path(__file__).with_name("policies")


class PolicyFileError(ValueError):
    """A malformed policy file; the message names the file and the key."""


class NoProfileInForce(LookupError):
    """No profile, not even the national one, was in force on that day."""


@dataclass(frozen=True)
class Citation:
    document: str
    source: str
    article: str | None
    summary: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"document": self.document, "source": self.source, "article": self.article,
                "summary": self.summary}


@dataclass(frozen=True)
class Param:
    value: Any
    citation: Citation


@dataclass(frozen=True)
class Profile:
    jurisdiction: str
    name: str
    version: str
    document: str
    source: str
    effective_from: date
    effective_to: date | None
    parent: str | None
    draft: bool
    params: dict[str, Param] = field(default_factory=dict)
    rules: dict[str, Citation] = field(default_factory=dict)
    path: str = ""
    # A draft (征求意见稿) binds no one: it is in force only where an operator enabled it,
    # with its in-force date (PolicyBook's enabled_drafts); until then it only advises.
    enabled: bool = True

    @property
    def key(self) -> str:
        return f"{self.jurisdiction}@{self.version}"

    def within(self, day: date) -> bool:
        """Whether ``day`` lies in the profile's effective period, enabled or not."""
        ends = self.effective_to
        return self.effective_from <= day and (ends is None or day <= ends)

    def in_force(self, day: date) -> bool:
        return self.enabled and self.within(day)


@dataclass(frozen=True)
class Resolved:
    """The profile in force for a jurisdiction on a day, with its ancestors for fallback."""

    chain: tuple[Profile, ...]
    requested: str

    @property
    def profile(self) -> Profile:
        return self.chain[0]

    def param(self, name: str) -> Param:
        for profile in self.chain:
            if name in profile.params:
                return profile.params[name]
        raise KeyError(f"no profile in {[p.key for p in self.chain]} sets {name!r}")

    def value(self, name: str) -> Any:
        return self.param(name).value

    def get(self, name: str) -> Param | None:
        """The parameter, or None where no profile in the chain sets it (no such rule)."""
        try:
            return self.param(name)
        except KeyError:
            return None

    def citation(self, rule: str) -> Citation:
        for profile in self.chain:
            if rule in profile.rules:
                return profile.rules[rule]
        raise KeyError(f"no profile in {[p.key for p in self.chain]} cites rule {rule!r}")

    def describe(self) -> dict[str, Any]:
        p = self.profile
        return {"jurisdiction": p.jurisdiction, "name": p.name, "version": p.version,
                "document": p.document, "requested_jurisdiction": self.requested}


class PolicyBook:
    """Every profile, and the question "which applies here, on that day?"."""

    def __init__(self, profiles: Iterable[Profile], source: str = "the policy files",
                 enabled_drafts: Mapping[str, date] | None = None):
        self.profiles: dict[str, list[Profile]] = {}
        wanted = dict(enabled_drafts or {})
        for profile in profiles:
            if profile.draft and profile.key in wanted:
                profile = replace(profile, enabled=True,
                                  effective_from=wanted.pop(profile.key))
            self.profiles.setdefault(profile.jurisdiction, []).append(profile)
        if wanted:
            raise PolicyFileError(f"enabled drafts name no draft profile: {sorted(wanted)}")
        for code, versions in self.profiles.items():
            versions.sort(key=lambda p: p.effective_from)
            for earlier, later in zip(versions, versions[1:], strict=False):
                if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                    raise PolicyFileError(
                        f"{later.path}: effective_from overlaps {earlier.path} for {code}"
                    )
        if jurisdiction.NATION not in self.profiles:
            raise PolicyFileError(
                f"{source}: no national profile (a file with jurisdiction = \"000000\")")

    def _in_force(self, code: str, day: date, drafts: bool = False) -> Profile | None:
        for profile in self.profiles.get(code, ()):
            if profile.in_force(day) or (drafts and profile.within(day)):
                return profile
        return None

    def resolve(self, code: str, day: date, *, drafts: bool = False) -> Resolved:
        """The profiles in force on ``day``, innermost first; ``drafts`` also takes in
        drafts nobody enabled, as if they were in force (for their advice only)."""
        chain: list[Profile] = []
        current: str | None = code
        while current is not None:
            profile = self._in_force(current, day, drafts)
            if profile is not None:
                chain.append(profile)
            up = profile.parent if profile is not None and profile.parent else None
            current = up or jurisdiction.parent(current)
        if not chain:
            raise NoProfileInForce(f"no profile is in force for {code} on {day}")
        return Resolved(tuple(chain), code)

    def resolve_for_decision(self, code: str, day: date) -> Resolved:
        """The profile in force, or else the earliest national one, whose citations then
        explain why a day before any profile cannot be judged (rules.check_policy_in_force)."""
        try:
            return self.resolve(code, day)
        except NoProfileInForce:
            return Resolved((self.profiles[jurisdiction.NATION][0],), code)

    def advisory(self, code: str, day: date) -> Resolved | None:
        """The chain a draft nobody enabled would make on ``day``, or None if none would:
        what the draft would have said is shown as advice, never applied."""
        try:
            chain = self.resolve(code, day, drafts=True)
        except NoProfileInForce:
            return None
        return chain if any(not p.enabled for p in chain.chain) else None

    def enabled_drafts(self) -> list[Profile]:
        return [p for p in self.all() if p.draft and p.enabled]

    def history(self, code: str) -> list[Profile]:
        return list(self.profiles.get(code, ()))

    def all(self) -> list[Profile]:
        return [p for versions in self.profiles.values() for p in versions]


_FRACTION_PARAMS = {"professional_share_min"}


def _require(data: dict, key: str, path: Path, kind: type | tuple[type, ...]) -> Any:
    if key not in data:
        raise PolicyFileError(f"{path.name}: missing key {key!r}")
    value = data[key]
    # A TOML datetime is a date subclass; a day is meant, so it is refused.
    if not isinstance(value, kind) or (kind is date and isinstance(value, datetime)):
        raise PolicyFileError(f"{path.name}: key {key!r} has the wrong type")
    return value


def _citation(entry: dict, where: str, path: Path, default_doc: str, default_src: str) -> Citation:
    if "article" not in entry:
        raise PolicyFileError(
            f"{path.name}: {where} needs an 'article' (an empty string where the source has none)"
        )
    article = entry["article"]
    if article is not None and not isinstance(article, str):
        raise PolicyFileError(f"{path.name}: {where}.article must be a string")
    return Citation(
        document=entry.get("document", default_doc),
        source=entry.get("source", default_src),
        article=article or None,
        summary=entry.get("summary", ""),
    )


def load_profile(path: Path) -> Profile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PolicyFileError(f"{path.name}: not valid TOML: {exc}") from exc
    code = _require(data, "jurisdiction", path, str)
    if not jurisdiction.is_code(code):
        raise PolicyFileError(f"{path.name}: key 'jurisdiction' must be a GB/T 2260 code")
    document = _require(data, "document", path, str)
    source = _require(data, "source", path, str)
    effective_from = _require(data, "effective_from", path, date)
    effective_to = data.get("effective_to")
    if effective_to is not None:
        effective_to = _require(data, "effective_to", path, date)
        if effective_to < effective_from:
            raise PolicyFileError(f"{path.name}: key 'effective_to' lies before effective_from")
    params: dict[str, Param] = {}
    for name, entry in data.get("params", {}).items():
        if not isinstance(entry, dict) or "value" not in entry:
            raise PolicyFileError(f"{path.name}: params.{name} needs a 'value'")
        value = entry["value"]
        if name in _FRACTION_PARAMS:
            try:
                value = Fraction(value)
            except (ValueError, TypeError) as exc:
                raise PolicyFileError(f"{path.name}: params.{name} is not a fraction") from exc
        params[name] = Param(value, _citation(entry, f"params.{name}", path, document, source))
    rules = {
        name: _citation(entry, f"rules.{name}", path, document, source)
        for name, entry in data.get("rules", {}).items()
    }
    return Profile(
        jurisdiction=code,
        name=_require(data, "name", path, str),
        version=str(_require(data, "version", path, (str, int))),
        document=document,
        source=source,
        effective_from=effective_from,
        effective_to=effective_to,
        parent=data.get("parent"),
        draft=bool(data.get("draft", False)),
        enabled=not data.get("draft", False),
        params=params,
        rules=rules,
        path=path.name,
    )


def load_book(directory: Path = POLICY_DIR,
              enabled_drafts: Mapping[str, date] | None = None) -> PolicyBook:
    """Load and validate every profile; raise PolicyFileError naming file and key.

    ``enabled_drafts`` maps a draft's key (``510000@2025-draft``) to the day an operator
    puts it in force (see parse_enabled_drafts).
    """
    return PolicyBook((load_profile(p) for p in sorted(directory.glob("*.toml"))),
                      source=str(directory), enabled_drafts=enabled_drafts)


def parse_enabled_drafts(setting: str | None) -> dict[str, date]:
    """``LEDGER_ENABLED_DRAFTS``: comma-separated ``key=YYYY-MM-DD``, e.g.
    ``510000@2025-draft=2025-09-01``. A malformed setting stops the app, naming it."""
    out: dict[str, date] = {}
    for part in (setting or "").split(","):
        if not part.strip():
            continue
        key, sep, day = part.strip().partition("=")
        try:
            if not sep:
                raise ValueError(part)
            out[key.strip()] = date.fromisoformat(day.strip())
        except ValueError as exc:
            raise PolicyFileError(
                f"LEDGER_ENABLED_DRAFTS: {part.strip()!r} is not key=YYYY-MM-DD") from exc
    return out
