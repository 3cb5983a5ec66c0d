"""Exactly-once allocation under real concurrency, against a real server process.

This file owns the end-to-end concurrency check of allocation: gunicorn, with
several worker processes and threads, serves the test database, and many
simultaneous allocation requests are released together. Distinct participants
must take the sequence in order (no draw index or block slot used twice or
skipped), and double clicks and retries for one participant must all return
the one allocation made.

The same test runs on PostgreSQL (`DATABASE_URL`) and on SQLite, with each of
the protocol's two allocation methods.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from tests.conftest import record_consent
from tests.randomization.conftest import make_ready

pytestmark = pytest.mark.django_db(transaction=True)

DISTINCT = 50  # participants, one allocation request each
DUPLICATES = 12  # requests for one more participant: double clicks and retries
SAME_KEY = 6  # of those, how many resend one idempotency key
WORKERS, THREADS = 3, 4  # gunicorn: up to 12 requests in flight at once
TIMEOUT = 30.0  # seconds; every wait on the server is bounded
ARM_SHOWN = re.compile(r'<dd class="arm">(.*?)</dd>', re.S)


@dataclass
class Reply:
    participant_id: int
    key: str
    status: int | None = None
    location: str = ""
    error: str = ""


@pytest.fixture(params=["minimization", "permuted_block"])
def method(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The allocation method in force: the protocol file's, or a copy that switches it."""
    from oncotrial.trial.current import loaded_protocol

    path = Path(settings.PROTOCOL_FILE)
    if request.param != "minimization":
        text = path.read_text(encoding="utf-8")
        switched = text.replace('method = "minimization"', f'method = "{request.param}"')
        assert switched != text, "the protocol file no longer names its allocation method"
        path = tmp_path / "protocol.toml"
        path.write_text(switched, encoding="utf-8")
    # The protocol is read once per process: forget it on the way in and, once
    # the setting is restored, on the way out.
    with override_settings(PROTOCOL_FILE=path):
        loaded_protocol.cache_clear()
        yield request.param
    loaded_protocol.cache_clear()


def _prepare(world: Any) -> tuple[list[Any], Any, dict[int, Any]]:
    """DISTINCT + 1 participants ready for allocation, at two sites (two strata), and
    the investigator who allocates each."""
    from tests.conftest import PASSWORD

    from oncotrial.accounts import services as accounts
    from oncotrial.accounts.roles import Role
    from oncotrial.participants.services import register_participant
    from oncotrial.screening.services import start_screening

    inv_b = accounts.create_user(actor=world.admin, username="inv_b", password=PASSWORD)
    accounts.add_membership(
        actor=world.admin, user=inv_b, role=Role.INVESTIGATOR, site=world.site_b
    )
    teams = {
        world.site_a.pk: (world.users["coord_a"], world.users["inv_a"]),
        world.site_b.pk: (world.users["coord_b"], inv_b),
    }
    participants = []
    for i in range(DISTINCT + 1):
        site = world.site_a if i % 2 == 0 else world.site_b
        coordinator, investigator = teams[site.pk]
        participant = register_participant(
            site=site,
            actor=coordinator,
            date_of_birth=dt.date(1960, 5, 1),  # 63: no G8 needed (ELIGIBLE_EVIDENCE)
            sex="M" if i % 3 else "F",
            screening_date=dt.date(2024, 2, 1),
        )
        record_consent(participant, coordinator)
        make_ready(
            participant, start_screening(participant, coordinator), coordinator, investigator
        )
        participants.append(participant)
    investigators = {pk: investigator for pk, (_, investigator) in teams.items()}
    return participants[:DISTINCT], participants[DISTINCT], investigators


# ------------------------------------------------------------------ the server


def _listening_socket() -> socket.socket:
    # Bound here and handed to gunicorn by file descriptor: no other process
    # (another xdist worker) can take the port between choosing and binding it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def _server_env(data_dir: Path) -> dict[str, str]:
    """The environment that points the production settings at the test database."""
    env = {
        **os.environ,
        "ONCOTRIAL_DATA_DIR": str(data_dir),
        "ONCOTRIAL_PROTOCOL": str(settings.PROTOCOL_FILE),
        # The same secrets as this process: sessions made here must be valid
        # there, and the scheme the server sets up must verify here.
        "ONCOTRIAL_SECRET_KEY": settings.SECRET_KEY,
        "ONCOTRIAL_ALLOCATION_SECRET": settings.ALLOCATION_SECRET.decode("ascii"),
        "ONCOTRIAL_DEBUG": "0",
    }
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        host = quote(db["HOST"] or "localhost", safe="")
        auth = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        port = f":{db['PORT']}" if db["PORT"] else ""
        env["DATABASE_URL"] = f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"
    else:
        # The settings' SQLite store is DATA_DIR/oncotrial.sqlite3 with the
        # production options (immediate transactions, WAL, busy timeout).
        env.pop("DATABASE_URL", None)
    # Set for the browser tests of this process; the server runs as in production.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@contextmanager
def _sqlite_file(data_dir: Path) -> Iterator[None]:
    """Make DATA_DIR/oncotrial.sqlite3 the test database for the server.

    A file test database (`ONCOTRIAL_TEST_SQLITE`) is linked to directly. The
    default in-memory one cannot be opened by another process: the server gets
    a copy made with SQLite's online backup API, and its result is copied back
    before anything is checked.
    """
    target = data_dir / "oncotrial.sqlite3"
    if not connection.is_in_memory_db():
        target.symlink_to(Path(connection.settings_dict["NAME"]).resolve())
        yield
        return
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
    try:
        yield
    finally:
        with closing(sqlite3.connect(target)) as result:
            result.backup(connection.connection)


@contextmanager
def _server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """gunicorn serving the test database; yields its port and log, always stops it."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    log = tmp_path / "server.log"
    with _sqlite_file(data_dir) if connection.vendor == "sqlite" else _no_op():
        sock = _listening_socket()
        port = sock.getsockname()[1]
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "oncotrial.config.wsgi",
            "--bind",
            f"fd://{sock.fileno()}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--timeout",
            str(int(TIMEOUT)),
            "--graceful-timeout",
            "5",
            # Workers fork from one loaded application: a quicker start.
            "--preload",
        ]
        with log.open("wb") as out:
            server = subprocess.Popen(
                command,
                env=_server_env(data_dir),
                cwd=settings.BASE_DIR,
                stdout=out,
                stderr=subprocess.STDOUT,
                pass_fds=[sock.fileno()],
            )
        sock.close()
        try:
            _wait_until_serving(server, port, log)
            yield port, log
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=15)


@contextmanager
def _no_op() -> Iterator[None]:
    yield


def _wait_until_serving(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited ({server.returncode}):\n{_tail(log)}")
        try:
            status, _, _ = _http(port, "GET", "/accounts/login/", timeout=2)
        except OSError:
            time.sleep(0.1)
            continue
        if status == 200:
            return
    pytest.fail(f"the server did not answer within {TIMEOUT:.0f} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _http(
    port: int,
    method: str,
    path: str,
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> tuple[int, dict[str, list[str]], str]:
    conn = HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            method, path, body=urlencode(form) if form else None, headers=_headers(cookies, form)
        )
        response = conn.getresponse()
        headers: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            headers.setdefault(name.lower(), []).append(value)
        return response.status, headers, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _headers(cookies: dict[str, str] | None, form: dict[str, str] | None) -> dict[str, str]:
    headers = {"Accept-Language": "en"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if form:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return headers


def _session(user: Any) -> dict[str, str]:
    """A signed-in session of `user`, stored in the test database."""
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def _with_csrf(port: int, cookies: dict[str, str], participant: Any) -> dict[str, str]:
    """`cookies` and the CSRF cookie the server sets on the allocation page."""
    status, headers, _ = _http(port, "GET", f"/allocation/participants/{participant.pk}/", cookies)
    assert status == 200, f"the allocation page answered {status}"
    for header in headers.get("set-cookie", []):
        jar = SimpleCookie(header)
        if settings.CSRF_COOKIE_NAME in jar:
            return {**cookies, settings.CSRF_COOKIE_NAME: jar[settings.CSRF_COOKIE_NAME].value}
    raise AssertionError("the allocation page set no CSRF cookie")


# ------------------------------------------------------------------ the burst


def _fire(port: int, jobs: list[tuple[Reply, dict[str, str]]]) -> None:
    """Send every allocation request at once; each thread fills in its Reply."""
    barrier = threading.Barrier(len(jobs), timeout=TIMEOUT)

    def send(reply: Reply, cookies: dict[str, str]) -> None:
        form = {
            "idempotency_key": reply.key,
            "cohort": "randomized",
            "csrfmiddlewaretoken": cookies[settings.CSRF_COOKIE_NAME],
        }
        body = urlencode(form)
        conn = HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        try:
            # Connect first, so that the barrier releases requests, not handshakes.
            conn.connect()
            barrier.wait()
            conn.request(
                "POST",
                f"/allocation/participants/{reply.participant_id}/",
                body=body,
                headers=_headers(cookies, form),
            )
            response = conn.getresponse()
            response.read()
            reply.status = response.status
            reply.location = response.getheader("Location", "")
        except Exception as exc:  # recorded and asserted on below, never lost
            reply.error = f"{type(exc).__name__}: {exc}"
        finally:
            conn.close()

    threads = [threading.Thread(target=send, args=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 2 * TIMEOUT
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), "some allocation requests never finished"


def test_simultaneous_requests_allocate_each_participant_once_in_sequence_order(
    method: str, world: Any, tmp_path: Path
) -> None:
    from oncotrial.audit.models import AuditEvent
    from oncotrial.audit.services import verify_chain
    from oncotrial.randomization.models import (
        Allocation,
        AllocationScheme,
        BlockSlot,
        MinimizationDraw,
    )
    from oncotrial.randomization.services import verify_scheme
    from oncotrial.trial.current import current_protocol

    distinct, repeated, investigators = _prepare(world)
    same_key = str(uuid.uuid4())
    duplicate_keys = [same_key] * SAME_KEY + [
        str(uuid.uuid4()) for _ in range(DUPLICATES - SAME_KEY)
    ]

    # Sessions first: on in-memory SQLite the server works on a copy made at its start.
    sessions = {pk: _session(user) for pk, user in investigators.items()}
    with _server(tmp_path) as (port, log):
        own = {p.site_id: p for p in distinct}  # a participant each investigator may see
        sessions = {pk: _with_csrf(port, c, own[pk]) for pk, c in sessions.items()}
        jobs = [(Reply(p.pk, str(uuid.uuid4())), sessions[p.site_id]) for p in distinct]
        jobs += [(Reply(repeated.pk, key), sessions[repeated.site_id]) for key in duplicate_keys]
        _fire(port, jobs)
        replies = [reply for reply, _ in jobs]

        failed = [r for r in replies if r.error or r.status is None or r.status >= 500]
        assert not failed, f"{len(failed)} requests failed, e.g. {failed[:3]}\n{_tail(log)}"
        for reply in replies:
            # Success is a redirect to the participant's page (a page with the
            # form again means the allocation was refused).
            assert reply.status == 302, reply
            assert (
                urlsplit(reply.location).path == f"/allocation/participants/{reply.participant_id}/"
            )
        # What the investigator sees after each double click or retry.
        duplicate_cookies = sessions[repeated.site_id]
        shown = set()
        for reply in replies[DISTINCT:]:
            status, _, page = _http(port, "GET", urlsplit(reply.location).path, duplicate_cookies)
            assert status == 200
            shown.update(html.unescape(m.strip()) for m in ARM_SHOWN.findall(page))

    # Exactly once: one allocation per participant, none for anyone else.
    allocations = list(Allocation.objects.all())
    per_participant = Counter(a.participant_id for a in allocations)
    assert per_participant == Counter({p.pk: 1 for p in [*distinct, repeated]})
    assert all(a.cohort == "randomized" and a.method for a in allocations)

    # Every duplicate got the one allocation made, whichever request made it.
    first = Allocation.objects.get(participant=repeated)
    assert str(first.idempotency_key) in duplicate_keys
    assert shown == {current_protocol().arm(first.arm).name.en}

    # The sequence was taken in order: nothing used twice or skipped.
    scheme = AllocationScheme.objects.get()
    assert scheme.method == method
    if method == "minimization":
        used = sorted(a.draw_index for a in allocations)
        assert used == list(range(len(allocations)))
        draws = dict(MinimizationDraw.objects.filter(scheme=scheme).values_list("index", "draw"))
        assert all(a.draw == draws[a.draw_index] for a in allocations)
    else:
        by_stratum: dict[str, list[int]] = {}
        for a in allocations:
            by_stratum.setdefault(a.stratum_key, []).append(a.slot)
        assert len(by_stratum) == 2  # one stratum per site
        for stratum, slots in by_stratum.items():
            assert sorted(slots) == list(range(len(slots))), stratum
        arms = {(s.stratum_key, s.slot): s.arm for s in BlockSlot.objects.filter(scheme=scheme)}
        assert all(a.arm == arms[a.stratum_key, a.slot] for a in allocations)

    # The scheme still matches its commitment; the audit trail has one creation
    # per allocation and is still one unbroken chain.
    assert verify_scheme(scheme)
    created = AuditEvent.objects.filter(record_type="randomization.allocation", action="create")
    assert created.count() == len(allocations)
    verdict = verify_chain()
    assert verdict.ok, verdict
