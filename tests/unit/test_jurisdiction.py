"""GB/T 2260 codes nest: district in city in province in nation."""

from __future__ import annotations

import pytest

from ledger import jurisdiction

DISTRICT, CITY, PROVINCE, NATION = "370303", "370300", "370000", "000000"


@pytest.mark.parametrize(
    ("code", "expected"),
    [(DISTRICT, CITY), (CITY, PROVINCE), (PROVINCE, NATION), (NATION, None)],
    ids=["district in city", "city in province", "province in nation", "nation has none"],
)
def test_the_parent_of_a_division_is_the_one_enclosing_it(code, expected):
    assert jurisdiction.parent(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (DISTRICT, [DISTRICT, CITY, PROVINCE, NATION]),
        (CITY, [CITY, PROVINCE, NATION]),
        (PROVINCE, [PROVINCE, NATION]),
        (NATION, [NATION]),
    ],
    ids=["district", "city", "province", "nation"],
)
def test_the_ancestry_lists_the_code_and_every_division_above_innermost_first(code, expected):
    assert jurisdiction.ancestry(code) == expected


@pytest.mark.parametrize(
    ("scope", "code", "expected"),
    [
        (DISTRICT, DISTRICT, True),
        (CITY, DISTRICT, True),
        (PROVINCE, DISTRICT, True),
        (NATION, DISTRICT, True),
        (CITY, CITY, True),
        (DISTRICT, CITY, False),
        (CITY, PROVINCE, False),
        (CITY, "371002", False),
        (CITY, "371000", False),
        ("371000", DISTRICT, False),
        (PROVINCE, "320402", False),
        ("370303", "370302", False),
    ],
    ids=[
        "a district covers itself",
        "Zibo covers its district",
        "Shandong covers a Zibo district",
        "the nation covers everything",
        "a city covers itself",
        "a district does not cover its city",
        "a city does not cover its province",
        "Zibo does not cover a Weihai district",
        "Zibo does not cover Weihai",
        "Weihai does not cover a Zibo district",
        "Shandong does not cover a Changzhou district",
        "a district does not cover its sibling",
    ],
)
def test_an_authority_covers_only_the_divisions_inside_it(scope, code, expected):
    assert jurisdiction.covers(scope, code) is expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [("370303", True), ("000000", True), ("37030", False), ("3703031", False),
     ("37030a", False), ("", False)],
    ids=["six digits", "the nation", "five digits", "seven digits", "a letter", "empty"],
)
def test_a_code_is_six_digits(code, expected):
    assert jurisdiction.is_code(code) is expected
