"""The feed to the province: cursor paging, and a push that survives a receiver failing
on purpose, losing and duplicating nothing; dead letters a regulator sees and replays."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledger.actors import Role
from ledger.services import feed

from .conftest import AFTER_CLASS
from .receiver import Receiver


@pytest.fixture
def credited(world, project):
    """35 entries: 30 credits of distinct people, 5 of them reversed."""
    world.clock.set(AFTER_CLASS)
    from .test_rosters import person

    items = [world.item(project, f"c-{n}", id_number=person(n), name=f"学员{n}")
             for n in range(30)]
    receipts = world.post(*items).get_json()["receipts"]
    assert all(r["status"] == "credited" for r in receipts)
    for r in receipts[:5]:
        assert world.call("POST", f"/v1/completions/{r['posting_id']}/void", world.base,
                          json={"reason": "录入错误"}).status_code == 200
    return receipts


def sequenced(world) -> int:
    n = feed.sequence(world.ctx)
    world.ctx.session.commit()
    return n


def page(world, who=None, **query):
    return world.call("GET", "/v1/feed", who or world.regulator, query_string=query)


def push_until_settled(world, receiver, rounds=40):
    for _ in range(rounds):
        feed.push(world.ctx, receiver.url, batch=10)
        world.clock.set(world.clock.now() + timedelta(hours=7))  # past any backoff


def test_the_feed_pages_by_cursor_through_every_credit_and_reversal(world, credited):
    assert sequenced(world) == 35
    seen, cursor = [], 0
    while True:
        body = page(world, after=cursor, limit=10).get_json()
        seen += body["items"]
        cursor = body["next"]
        if not body["has_more"]:
            break

    assert [i["seq"] for i in seen] == list(range(1, 36))
    assert sorted(i["kind"] for i in seen).count("reversal") == 5
    reversal = next(i for i in seen if i["kind"] == "reversal")
    assert reversal["reverses_entry_id"] in {i["entry_id"] for i in seen}
    assert page(world, after=cursor).get_json() == {"items": [], "next": 35,
                                                    "has_more": False}


def test_entries_sequenced_later_follow_the_cursor_and_none_is_skipped(world, credited,
                                                                         project):
    sequenced(world)
    cursor = page(world, after=0, limit=1000).get_json()["next"]
    from .test_rosters import person

    world.post(world.item(project, "late", id_number=person(99), name="学员99"))
    sequenced(world)

    later = page(world, after=cursor).get_json()["items"]
    assert [i["external_id"] for i in later] == ["late"]
    assert sequenced(world) == 0  # sequencing twice gives no entry a second place


def test_another_provinces_regulator_sees_none_of_it(world, credited):
    sequenced(world)
    sichuan = world.new_client(Role.REGULATOR, "四川省人社厅", "510000")

    assert page(world, sichuan).get_json()["items"] == []
    assert page(world, world.base).status_code == 404


def test_the_push_survives_a_failing_receiver_losing_and_duplicating_nothing(world, credited):
    sequenced(world)
    plan = ["fail", "ok", "lost", "drop", "ok", "fail", "fail", "ok", "lost"]
    with Receiver(plan) as receiver:
        push_until_settled(world, receiver)

    everything = page(world, after=0, limit=1000).get_json()["items"]
    assert sorted(receiver.stored) == [i["seq"] for i in everything]
    assert [receiver.stored[i["seq"]] for i in everything] == everything
    assert len(receiver.received) > len(everything)  # retries did resend
    assert len(set(receiver.keys)) < len(receiver.keys)  # ... under the same key
    assert feed.dead_letters(world.ctx, world.regulator) == []


def test_an_item_failing_every_attempt_is_a_dead_letter_a_regulator_replays(world, credited):
    sequenced(world)
    with Receiver([], then="fail") as down:
        for _ in range(feed.MAX_ATTEMPTS):
            feed.push(world.ctx, down.url, batch=100)
            world.clock.set(world.clock.now() + timedelta(hours=7))
    dead = world.call("GET", "/v1/feed/dead-letters", world.regulator).get_json()
    assert [d["seq"] for d in dead] == list(range(1, 36))
    assert dead[0]["attempts"] == feed.MAX_ATTEMPTS and dead[0]["last_error"] == "HTTP 500"

    for d in dead:
        replayed = world.call("POST", f"/v1/feed/dead-letters/{d['seq']}/replay",
                              world.regulator)
        assert replayed.status_code == 200 and replayed.get_json()["status"] == "pending"
    with Receiver([]) as up:
        feed.push(world.ctx, up.url, batch=100)

    assert sorted(up.stored) == list(range(1, 36))
    assert world.call("GET", "/v1/feed/dead-letters", world.regulator).get_json() == []
    again = world.call("POST", "/v1/feed/dead-letters/1/replay", world.regulator)
    assert again.status_code == 409


def test_backoff_doubles_and_is_capped():
    assert [feed.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert feed.backoff(30) == timedelta(hours=6)
