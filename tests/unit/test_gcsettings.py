"""A serving worker's GC settings (api/gcsettings.py): the loaded app is frozen out of
every collection, and the young generation waits for 10,000 net allocations."""

from __future__ import annotations

import gc
import importlib.util
from pathlib import Path

import pytest

from api import gcsettings


@pytest.fixture
def restored_gc():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_settling_freezes_the_heap_and_raises_the_young_threshold(restored_gc):
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    gcsettings.post_worker_init(worker=None)
    assert gc.get_freeze_count() > 1000  # the interpreter, pytest and the app's modules
    assert gc.get_threshold()[0] == gcsettings.YOUNG_THRESHOLD


def test_production_gunicorn_settles_each_worker(restored_gc, monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "gunicorn_conf", Path(__file__).parents[2] / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    calls = []
    monkeypatch.setattr(gcsettings, "settle_heap", lambda: calls.append(1))
    conf.post_worker_init(worker=None)
    assert calls == [1]
