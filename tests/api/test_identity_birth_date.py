"""GB 11643-1999: the birth-date code is the holder's date of birth. Nobody is credited
for training before they were born, nor registered before they are born. Both databases."""

from __future__ import annotations

import pytest

from ledger.errors import Invalid
from ledger.services import reading

from ..world import id_number


def test_gb_11643_a_person_born_after_the_training_is_not_credited(world):
    project = world.accepted_project()
    world.clock.advance(days=14)
    unborn = id_number(77, born="20300101")

    receipt = world.post(world.item(project, id_number=unborn,
                                    name="未来人")).get_json()["receipts"][0]

    assert receipt["status"] == "rejected"
    [reason] = receipt["reasons"]
    assert reason["code"] == "identity_invalid"
    assert "birth date 2030-01-01 is after 2025-06-20" in reason["message"]


def test_gb_11643_a_person_born_after_today_cannot_be_registered(world):
    with pytest.raises(Invalid) as refused:
        reading.register_professional(world.ctx, world.regulator, id_number(78, born="20300101"),
                                      "未来人", "370303", None)

    assert refused.value.code == "id_number_invalid"
