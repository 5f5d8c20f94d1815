"""Plain Chinese for the reasons a posting did not credit, and the server-drawn chart."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from api.pages.chart import hours_chart
from ledger import rules, wording

# The rules are a package (ledger/rules/); every module of it may give reason codes.
RULES_SOURCE = "\n".join(path.read_text(encoding="utf-8")
                         for path in sorted(Path(rules.__file__).parent.glob("*.py")))


def test_every_reason_code_the_rules_can_give_has_chinese_words():
    codes = set(re.findall(r'(?:reason|Reason)\(\s*"([a-z_]+)"', RULES_SOURCE))
    assert len(codes) > 15
    assert codes - set(wording.REASONS) == set()


values = st.one_of(st.text(max_size=12), st.integers(), st.lists(st.text(max_size=5),
                                                                 max_size=3))


@given(st.sampled_from(sorted(wording.REASONS)),
       st.dictionaries(st.sampled_from(["hours", "days", "start_on", "end_on", "required",
                                        "submitted_on", "year", "problems", "other"]),
                       values, max_size=6))
def test_a_reason_always_reads_as_a_sentence_whatever_its_details(code, details):
    text = wording.reason_text({"code": code, "message": "english", "details": details})
    assert text and "{" not in text and text.endswith("。")


def test_an_unknown_code_falls_back_to_the_message_so_nothing_is_hidden():
    assert wording.reason_text({"code": "new_rule", "message": "a new rule"}) == "a new rule"


def test_the_two_ways_a_credit_is_reversed_read_in_chinese():
    assert wording.reversal_text("voided by the base: 录入错误").startswith("基地撤回了这条记录")
    revoked = wording.reversal_text("base revoked on 2025-07-01; its credits for training "
                                    "from 2025-01-01 are void: 伪造培训记录")
    assert "2025-07-01被撤销认定" in revoked and "伪造培训记录" in revoked


hours = st.decimals(min_value=0, max_value=2000, places=1, allow_nan=False)


@given(st.lists(st.tuples(hours, hours, st.sampled_from([None, Decimal("90.0")])),
                min_size=1, max_size=8))
def test_the_chart_draws_one_labelled_bar_pair_per_year_and_stays_inside_its_box(data):
    years = [{"year": 2020 + i, "public": p, "professional": q, "total": p + q,
              "compliance": {"required_total": r}} for i, (p, q, r) in enumerate(data)]
    svg = str(hours_chart(years))
    assert svg.count("<rect") == 2 * len(years)
    for year in years:
        assert f">{year['year']}</text>" in svg
    ys = [float(v) for v in re.findall(r' y="(-?[\d.]+)"', svg)]
    assert min(ys) >= 0 and max(ys) <= 280
