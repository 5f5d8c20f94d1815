"""What a draft regulation would have said: advice on a receipt, never a decision.

四川 2025 is a 征求意见稿 (第三十八条 leaves its day blank): until an operator enables it,
completions are decided under the profile otherwise in force, and the receipt carries
the draft's view as a note. Pure: the standard library only.
"""

from __future__ import annotations

from .policy import Resolved
from .rules import Decision, Reason


def draft_advice(actual: Decision, draft: Decision, draft_policy: Resolved) -> Reason:
    """One note: how the draft would have decided, and the reasons it would have given."""
    profile = draft_policy.profile
    said = [r for r in (*draft.reasons, *draft.notes)]
    if draft.outcome == actual.outcome and not said:
        verdict = f"would also have {draft.outcome} it"
    else:
        verdict = f"would have {draft.outcome} it" + (
            ": " + "; ".join(r.message for r in said) if said else "")
    return Reason(
        "draft_advisory",
        f"advisory only: {profile.name}'s draft ({profile.document}) is not in force; it "
        f"{verdict}",
        {"document": profile.document, "source": profile.source, "article": None,
         "summary": "a draft for comment binds no one until an operator enables it with its "
                    "in-force date", "profile": profile.key},
        {"outcome": str(draft.outcome), "hours": str(draft.hours),
         "reasons": [r.as_dict() for r in said]},
        note=True,
    )
