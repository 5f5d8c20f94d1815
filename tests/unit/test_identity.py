"""GB 11643-1999 resident identity numbers: check character, keyed hash, mask."""

from __future__ import annotations

import pytest

from ledger import identity


def with_check(first17: str) -> str:
    return first17 + identity.check_character(first17)


# The standard's own example (GB 11643-1999 appendix) ends in X; the others are computed.
VALID = {
    "standard example ending in X": "11010519491231002X",
    "Zibo district, born 1985": with_check("37030319850612341"),
    "Weihai, born on a leap day": with_check("37100220000229123"),
    "Changzhou, born 1900-01-01": with_check("32040219000101567"),
}


def test_the_check_character_of_the_standards_example_is_x():
    assert identity.check_character("11010519491231002") == "X"


def test_the_check_character_of_a_known_number_is_a_digit():
    # 7*1+9*1+10*0+... weighted sum mod 11 = 8 -> table "10X98765432"[8] = "4"
    assert identity.check_character("44052418800101001") == "4"


@pytest.mark.parametrize("number", list(VALID.values()), ids=list(VALID))
def test_a_number_with_the_right_check_character_is_valid(number):
    assert identity.problems(number) == []
    assert identity.is_valid(number)


def test_a_lower_case_x_is_normalised_to_upper_case_and_accepted():
    assert identity.normalize("11010519491231002x") == "11010519491231002X"
    assert identity.is_valid("11010519491231002x")


def test_surrounding_spaces_are_stripped():
    assert identity.is_valid("  11010519491231002X \n")


def _wrong_check(number: str) -> str:
    right = number[17]
    wrong = "1" if right != "1" else "2"
    return number[:17] + wrong


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (_wrong_check("11010519491231002X"), "check character is 1, expected X"),
        (_wrong_check(VALID["Zibo district, born 1985"]), "check character"),
        ("11010519491231002", "has 17 characters, 18 required"),
        ("11010519491231002X1", "has 19 characters, 18 required"),
        ("", "has 0 characters, 18 required"),
        ("1101051949123100AX", "must be 17 digits and a digit or X"),
        ("11010519491231002Y", "must be 17 digits and a digit or X"),
        ("X10105194912310021", "must be 17 digits and a digit or X"),
        (with_check("11010519490230002"), "birth date 19490230 is not a date"),
        (with_check("11010519491301002"), "birth date 19491301 is not a date"),
        (with_check("11010519490001002"), "birth date 19490001 is not a date"),
        (with_check("11010518991231002"), "birth date before 1900"),
    ],
    ids=[
        "wrong check character after X",
        "wrong check character after digit",
        "17 characters",
        "19 characters",
        "empty",
        "letter among the first 17",
        "Y as check character",
        "X not at the end",
        "30 February",
        "month 13",
        "month 0",
        "born in 1899",
    ],
)
def test_an_invalid_number_is_reported_with_what_is_wrong(raw, fragment):
    found = identity.problems(raw)
    assert found, f"{raw!r} was accepted"
    assert any(fragment in problem for problem in found), found
    assert not identity.is_valid(raw)


def test_an_impossible_birth_date_with_a_wrong_check_character_reports_both():
    number = _wrong_check(with_check("11010519490230002"))
    found = identity.problems(number)
    assert len(found) == 2
    assert "not a date" in found[0]
    assert "check character" in found[1]


KEY_A = b"a" * 32
KEY_B = b"b" * 32


def test_the_keyed_hash_is_stable_for_the_same_key():
    number = VALID["Zibo district, born 1985"]
    assert identity.keyed_hash(number, KEY_A) == identity.keyed_hash(number, KEY_A)
    assert len(identity.keyed_hash(number, KEY_A)) == 64


def test_the_keyed_hash_differs_across_keys():
    number = VALID["Zibo district, born 1985"]
    assert identity.keyed_hash(number, KEY_A) != identity.keyed_hash(number, KEY_B)


def test_the_keyed_hash_differs_across_numbers():
    a, b = VALID["Zibo district, born 1985"], VALID["Weihai, born on a leap day"]
    assert identity.keyed_hash(a, KEY_A) != identity.keyed_hash(b, KEY_A)


def test_the_keyed_hash_is_the_same_for_lower_and_upper_case_x():
    assert identity.keyed_hash("11010519491231002x", KEY_A) == identity.keyed_hash(
        "11010519491231002X", KEY_A
    )


def test_the_keyed_hash_does_not_contain_the_number():
    number = VALID["Zibo district, born 1985"]
    assert number not in identity.keyed_hash(number, KEY_A)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("11010519491231002X", "110***********002X"),
        ("11010519491231002x", "110***********002X"),
        ("370303198506123418", "370***********3418"),
    ],
    ids=["ending in X", "lower-case x normalised", "ending in a digit"],
)
def test_the_mask_keeps_the_first_three_and_the_last_four_characters(raw, masked):
    assert identity.mask(raw) == masked
    assert len(identity.mask(raw)) == 18


def test_the_mask_hides_the_birth_date():
    assert "19491231" not in identity.mask("11010519491231002X")


def test_a_string_too_short_to_mask_is_masked_entirely():
    assert identity.mask("1234567") == "*******"


FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in "11010519491231002") + "X"


def test_a_number_typed_in_full_width_digits_is_rejected_or_hashes_like_its_ascii_form():
    ascii_form = "11010519491231002X"
    assert not identity.is_valid(FULL_WIDTH) or (
        identity.keyed_hash(FULL_WIDTH, KEY_A) == identity.keyed_hash(ascii_form, KEY_A)
    )


def test_a_superscript_digit_is_reported_as_a_problem_not_raised():
    assert identity.problems("1101051949123100\u00b2X")


def test_gb_11643_a_birth_date_after_the_day_asked_about_is_refused():
    from datetime import date

    first17 = "37030320300101001"
    number = first17 + identity.check_character(first17)

    assert identity.problems(number) == []  # a well-formed number, on its own
    assert identity.problems(number, on=date(2025, 6, 20)) == [
        "birth date 2030-01-01 is after 2025-06-20"]
    assert identity.problems(number, on=date(2030, 1, 1)) == []
