"""A professional's yearly hours against the requirement in force.

人社部令第25号 第八条: at least 90 学时 a year, of which 专业科目 generally at least
two thirds. The ledger reads "two thirds" of the required total (60 of 90), so extra
公需 hours never turn a compliant year into a failing one; both numbers come from the
policy profile, not from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from .policy import Resolved

ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class Compliance:
    required_total: Decimal
    required_professional: Decimal
    total: Decimal
    professional: Decimal
    policy: dict[str, Any]
    citation: dict[str, Any]

    @property
    def met(self) -> bool:
        return self.total >= self.required_total and self.professional >= self.required_professional

    @property
    def shortfall_total(self) -> Decimal:
        return max(Decimal("0.0"), self.required_total - self.total)

    @property
    def shortfall_professional(self) -> Decimal:
        return max(Decimal("0.0"), self.required_professional - self.professional)


def assess(public: Decimal, professional: Decimal, policy: Resolved) -> Compliance:
    total_param = policy.param("yearly_hours_required")
    share = policy.value("professional_share_min")
    required = Decimal(str(total_param.value)).quantize(ONE_PLACE)
    required_professional = (required * share.numerator / share.denominator).quantize(
        ONE_PLACE, rounding=ROUND_CEILING
    )
    return Compliance(
        required_total=required,
        required_professional=required_professional,
        total=public + professional,
        professional=professional,
        policy=policy.describe(),
        citation=total_param.citation.as_dict(),
    )
