"""deploy/gunicorn.conf.py: one worker process per core and one more unless WEB_CONCURRENCY says otherwise, and
each worker, once it has loaded Assure, sets what it loaded aside from the garbage collector, unless
GUNICORN_GC_FREEZE=0."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

import pytest
from django.urls import get_resolver

CONFIG = Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py"


@pytest.mark.parametrize(("cores", "workers"), [(1, 2), (2, 3), (4, 5), (16, 8)])
def test_the_server_runs_one_worker_per_core_and_one_more_at_most_eight(cores, workers, monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: cores)

    assert runpy.run_path(str(CONFIG))["workers"] == workers


def test_web_concurrency_sets_the_number_of_workers(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)

    assert runpy.run_path(str(CONFIG))["workers"] == 5


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
