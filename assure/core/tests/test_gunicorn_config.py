"""deploy/gunicorn.conf.py: each worker, once it has loaded Assure, sets what it loaded aside from the garbage
collector, unless GUNICORN_GC_FREEZE=0."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

import pytest
from django.urls import get_resolver

CONFIG = Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py"


@pytest.fixture
def post_worker_init():
    hook = runpy.run_path(str(CONFIG))["post_worker_init"]
    gc.unfreeze()
    yield hook
    gc.unfreeze()


def test_a_worker_freezes_what_it_has_loaded_with_every_view_imported(post_worker_init, monkeypatch):
    monkeypatch.delenv("GUNICORN_GC_FREEZE", raising=False)
    resolver = get_resolver()
    imported = []

    class Resolver:
        @property
        def url_patterns(self):
            imported.append(gc.get_freeze_count())  # before the freeze
            return resolver.url_patterns

    monkeypatch.setattr("django.urls.get_resolver", Resolver)

    post_worker_init(worker=None)

    assert imported == [0]
    assert gc.get_freeze_count() > 10_000  # Django's and Assure's modules, classes and functions
    assert gc.get_count()[0] < 100  # collected just before


def test_gunicorn_gc_freeze_0_leaves_the_collector_alone(post_worker_init, monkeypatch):
    monkeypatch.setenv("GUNICORN_GC_FREEZE", "0")

    post_worker_init(worker=None)

    assert gc.get_freeze_count() == 0
