"""One specimen per position under simultaneous check-ins, on SQLite and PostgreSQL.

Real threads, each with its own database connection, release their check-ins
together. On PostgreSQL they share the test database; on SQLite an in-memory
test database cannot be shared between connections, so the threads work on a
file copy (made and copied back with SQLite's online backup API) opened with
the production options (immediate transactions, WAL, busy timeout).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from tests.biobank.conftest import draw, make_box

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


@contextmanager
def _shared_database(tmp_path: Path) -> Iterator[Any]:
    """Yield a function that makes the current thread's connection reach the shared data."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield lambda: None
        return
    target = tmp_path / "biobank.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
    settings_dict = {**connection.settings_dict, "NAME": str(target)}

    def use_file() -> None:
        wrapper = type(connections["default"])(settings_dict, alias="default")
        connections["default"] = wrapper

    try:
        yield use_file
    finally:
        with closing(sqlite3.connect(target)) as result:
            result.backup(connection.connection)


def _race(tmp_path: Path, work: list[Any]) -> list[Any]:
    """Run each callable in its own thread, released together; return results or errors."""
    barrier = threading.Barrier(len(work), timeout=30)
    results: list[Any] = [None] * len(work)
    with _shared_database(tmp_path) as attach:

        def run(index: int) -> None:
            attach()
            try:
                barrier.wait()
                results[index] = work[index]()
            except Exception as exc:  # kept and asserted on
                results[index] = exc
            finally:
                connections["default"].close()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not any(t.is_alive() for t in threads)
    return results


def test_simultaneous_check_ins_to_one_position_store_one_specimen(world, tmp_path) -> None:
    from oncotrial.biobank import services
    from oncotrial.biobank.models import Placement, Specimen

    tech = world.users["biobank"]
    box = make_box(world.site_a, tech)
    specimens = [draw(world.participant_a, tech, kind="plasma") for _ in range(THREADS)]

    def check_in(specimen: Any) -> Any:
        return lambda: services.check_in(Specimen.objects.get(pk=specimen.pk), box, 3, 3, tech).pk

    results = _race(tmp_path, [check_in(s) for s in specimens])
    won = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, services.BiobankRefused)]
    assert len(won) == 1, results
    assert len(refused) == THREADS - 1, results
    assert all(r.field == "position" and "C3" in str(r) for r in refused)
    held = Placement.objects.filter(box=box, row=3, column=3, checked_out_at__isnull=True)
    assert list(held.values_list("pk", flat=True)) == won


def test_simultaneous_check_ins_of_one_specimen_take_one_position(world, tmp_path) -> None:
    from oncotrial.audit.services import verify_chain
    from oncotrial.biobank import services
    from oncotrial.biobank.models import Placement, Specimen

    tech = world.users["biobank"]
    box = make_box(world.site_a, tech)
    specimen = draw(world.participant_a, tech, kind="plasma")

    def check_in(column: int) -> Any:
        return lambda: (
            services.check_in(Specimen.objects.get(pk=specimen.pk), box, 1, column, tech).pk
        )

    results = _race(tmp_path, [check_in(c) for c in range(1, THREADS + 1)])
    assert sum(isinstance(r, int) for r in results) == 1, results
    assert all(isinstance(r, (int, services.BiobankRefused)) for r in results), results
    assert Placement.objects.filter(specimen=specimen, checked_out_at__isnull=True).count() == 1
    assert verify_chain().ok
