"""Benchmark: allocations through the real server on PostgreSQL, beside a bare-Django ceiling.

This script owns the allocation benchmark. It starts a throwaway PostgreSQL
cluster (or uses the server `DATABASE_URL` names), works in a scratch
database it drops at exit, migrates it and prepares sites, investigators and
enough participants ready for allocation (consented, eligible evidence,
signed) through the application's own services. It then serves the
application with gunicorn and the production settings, and the bare-Django
view of bench/bare_django_settings.py (one row inserted per request) with the
same gunicorn configuration, and drives both with the same load generator
(asyncio, one keep-alive connection per client) at each concurrency level.
Every allocation request allocates a distinct participant.

It prints requests per second and p50/p95 latency per server and level, then
the targets: allocation throughput at 64 clients at least 50 % of the bare
ceiling, allocation p95 under 100 ms at 8 clients, zero errors (including a
check afterwards that every draw was used once, in order, and that the audit
chain verifies). Exit status 1 when a target is missed.

Run: ``.venv/bin/python bench/allocation.py`` (``--help`` for the options).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import glob
import math
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
PROTOCOL = REPO / "protocols" / "eso_rt.toml"
SITES = 4  # participants and clients are spread over this many sites
REQUEST_TIMEOUT = 30.0  # seconds, per request
PROGRESS_EVERY = 10.0  # seconds between progress lines while measuring
TARGET_SHARE = 0.50  # allocation throughput at the highest level / bare ceiling
TARGET_P95_MS = 100.0  # allocation p95 at the lowest level
BENCH_PASSWORD = "a-long-benchmark-passphrase"
# The application's middleware around the bare insert: the least any signed-in
# write costs here, printed for context (no target).
FLOOR = "signed-in insert"


def log(message: str) -> None:
    print(message, flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ PostgreSQL


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder, stopped and removed at exit."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    initdb = candidates[-1] if candidates else shutil.which("initdb")
    if not initdb:
        raise SystemExit("no PostgreSQL server binaries found (apt-get install postgresql)")
    pg_ctl = str(Path(initdb).with_name("pg_ctl"))
    root = os.geteuid() == 0
    # initdb and pg_ctl refuse to run as root: run them as the postgres user.
    as_owner = ["runuser", "-u", "postgres", "--"] if root else []
    folder = Path(tempfile.mkdtemp(prefix="oncotrial-bench-pg-"))
    if root:
        shutil.chown(folder, "postgres", "postgres")
    folder.chmod(0o700)
    data, port = folder / "data", _free_port()
    started = False
    try:
        init = ["-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]
        subprocess.run(
            [*as_owner, initdb, *init, "--locale=C.UTF-8"],
            check=True,
            capture_output=True,
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections=200"
        start = ["-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "30"]
        subprocess.run(
            [*as_owner, pg_ctl, *start, "-o", options, "start"],
            check=True,
            capture_output=True,
        )
        started = True
        log(f"PostgreSQL: throwaway cluster on port {port} ({Path(initdb).parts[-3]})")
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        try:
            if started:
                subprocess.run(
                    [*as_owner, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
                    capture_output=True,
                    timeout=60,
                )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if started:
            log("PostgreSQL: throwaway cluster stopped and removed")


@contextlib.contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new database on `server_url`'s server, dropped at exit."""
    import psycopg

    name = f"oncotrial_bench_{secrets.token_hex(4)}"
    parts = urlsplit(server_url)
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path="/" + quote(name)))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ------------------------------------------------------------------ setup


def protocol_copy(folder: Path, participants: int) -> Path:
    """ESO-RT's protocol, with a target enrolment large enough that the committed
    sequence covers every allocation of the benchmark."""
    text = PROTOCOL.read_text(encoding="utf-8")
    marker = "target_enrolment = 120"
    if marker not in text:
        raise SystemExit(f"{PROTOCOL} no longer says {marker!r}; update the benchmark")
    path = folder / "protocol.toml"
    path.write_text(text.replace(marker, f"target_enrolment = {participants}"), encoding="utf-8")
    return path


@dataclass
class Prepared:
    # Site id -> participants ready for allocation; phases pop from the left,
    # so no participant is offered twice.
    by_site: dict[int, deque[int]]
    sessions: list[tuple[int, str]]  # per client: (site id, session key)


def prepare(participants: int, clients: int) -> Prepared:
    """Sites, a coordinator and an investigator per site, participants ready for allocation
    and one signed-in investigator session per client, through the application's services."""
    import datetime as dt

    from django.core.management import call_command
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import override_settings

    from oncotrial.accounts import services as accounts
    from oncotrial.accounts.models import Site
    from oncotrial.accounts.roles import Role
    from oncotrial.audit.services import save_record
    from oncotrial.consent.models import Consent
    from oncotrial.participants.services import register_participant
    from oncotrial.randomization.services import ensure_scheme
    from oncotrial.screening import services as screening
    from oncotrial.screening.examples import eligible_evidence
    from oncotrial.screening.forms import ScreeningForm
    from oncotrial.trial.services import ensure_protocol_version

    started = time.perf_counter()
    log("setup: migrating the scratch database ...")
    call_command("migrate", verbosity=0)
    ensure_protocol_version()
    log(f"setup: migrated in {time.perf_counter() - started:.1f} s")

    # The production hasher is deliberately slow and every signature re-checks
    # the password; the server never checks one (sessions are made here).
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        admin = accounts.create_user(actor=None, username="admin", password=BENCH_PASSWORD)
        accounts.add_membership(actor=admin, user=admin, role=Role.ADMINISTRATOR, site=None)
        teams = {}
        for n in range(1, SITES + 1):
            site = accounts.create_site(
                actor=admin, site=Site(code=f"BN{n:02d}", name=f"Benchmark hospital {n}")
            )
            team = []
            for role, prefix in [(Role.COORDINATOR, "coord"), (Role.INVESTIGATOR, "inv")]:
                user = accounts.create_user(
                    actor=admin,
                    username=f"{prefix}{n}",
                    password=BENCH_PASSWORD,
                    email=f"{prefix}{n}@bench.example",
                )
                accounts.add_membership(actor=admin, user=user, role=role, site=site)
                team.append(user)
            teams[site.pk] = (site, *team)
        # The trial starts: the scheme is set up and committed before anyone is allocated.
        ensure_scheme(admin)

        by_site: dict[int, list[int]] = {pk: [] for pk in teams}
        screened = dt.date(2024, 2, 1)
        evidence = eligible_evidence(screened - dt.timedelta(days=7), ecog=1)
        t0, step = time.perf_counter(), max(1, participants // 10)
        site_ids = list(teams)
        for i in range(participants):
            site, coordinator, investigator = teams[site_ids[i % len(site_ids)]]
            participant = register_participant(
                site=site,
                actor=coordinator,
                date_of_birth=dt.date(1960, 5, 1),
                sex="M" if i % 3 else "F",
                screening_date=screened,
            )
            save_record(
                Consent(
                    participant=participant,
                    document_version="1.0",
                    language="zh",
                    signed_at=dt.datetime(2024, 1, 20, 2, 0, tzinfo=dt.UTC),
                    obtained_by=coordinator,
                    blood=True,
                    tissue=True,
                ),
                actor=coordinator,
            )
            episode = screening.start_screening(participant, coordinator)
            data = QueryDict(mutable=True)
            for key, value in evidence.items():
                data.setlist(key, value if isinstance(value, list) else [value])
            form = ScreeningForm(
                data,
                instance=episode,
                site_time_zone=site.time_zone,
                consent_date=screening.participant_consent_date(participant),
            )
            if not form.is_valid():
                raise SystemExit(f"benchmark evidence refused: {form.errors.as_text()}")
            screening.save_evidence(form.instance, coordinator)
            screening.sign(episode, investigator, BENCH_PASSWORD)
            by_site[site.pk].append(participant.pk)
            if (i + 1) % step == 0 or i + 1 == participants:
                rate = (i + 1) / (time.perf_counter() - t0)
                log(f"setup: {i + 1:>5}/{participants} participants ready ({rate:.0f}/s)")

    from django.conf import settings

    sessions = []
    for c in range(clients):
        site, _, investigator = teams[site_ids[c % len(site_ids)]]
        client = Client()
        client.force_login(investigator)
        sessions.append((site.pk, client.cookies[settings.SESSION_COOKIE_NAME].value))

    from bare_django_urls import TABLE_SQL
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(TABLE_SQL)
    log(f"setup: done in {time.perf_counter() - started:.1f} s")
    return Prepared({pk: deque(ids) for pk, ids in by_site.items()}, sessions)


# ------------------------------------------------------------------ servers


@dataclass(frozen=True)
class ServerConfig:
    workers: int
    threads: int

    def args(self) -> list[str]:
        return [
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(self.threads),
            # Long enough that no keep-alive connection is dropped between requests.
            "--keep-alive",
            "30",
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
            # Workers fork from one loaded application.
            "--preload",
        ]


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], config: ServerConfig, logfile: Path) -> Iterator[int]:
    """gunicorn serving `app` on a free port; stopped at exit."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        *config.args(),
    ]
    with logfile.open("ab") as out:
        server = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn {app} exited; see {logfile}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn {app} did not start; see {logfile}")
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


# ------------------------------------------------------------------ load generator


class Connection:
    """One client's keep-alive HTTP/1.1 connection (reopened if the server closes it)."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, raw: bytes) -> tuple[int, dict[str, str]]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(raw)
        await self.writer.drain()
        line = await self.reader.readline()
        if not line:
            raise ConnectionError("connection closed by the server")
        status = int(line.split()[1])
        headers: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while (size := int((await self.reader.readline()).split(b";")[0], 16)) > 0:
                await self.reader.readexactly(size + 2)
            await self.reader.readline()
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, headers

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


@dataclass
class Result:
    name: str
    clients: int
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the successful requests' latency, in ms."""
        ordered = sorted(self.latencies)
        if not ordered:
            return math.nan
        return 1000 * ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


# A request for one client: the raw bytes and a check of the answer (None if right).
Check = Callable[[int, dict[str, str]], str | None]  # status, headers -> error or None
Job = tuple[bytes, Check]


async def _drive(port: int, clients: list[Callable[[], Job | None]], result: Result) -> None:
    async def client(next_job: Callable[[], Job | None]) -> None:
        connection = Connection(port)
        try:
            while (job := next_job()) is not None:
                raw, check = job
                start = time.perf_counter()
                try:
                    status, headers = await asyncio.wait_for(connection.send(raw), REQUEST_TIMEOUT)
                except (TimeoutError, OSError, ValueError, IndexError) as exc:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                    await connection.close()
                    continue
                elapsed = time.perf_counter() - start
                problem = check(status, headers)
                if problem:
                    result.errors.append(problem)
                else:
                    result.latencies.append(elapsed)
        finally:
            await connection.close()

    async def progress() -> None:
        # A slow phase still shows that it is moving.
        while True:
            await asyncio.sleep(PROGRESS_EVERY)
            done = len(result.latencies) + len(result.errors)
            elapsed = time.perf_counter() - start
            log(f"  ... {done} requests in {elapsed:.0f} s ({done / elapsed:.1f}/s)")

    start = time.perf_counter()
    ticker = asyncio.create_task(progress())
    try:
        await asyncio.gather(*(client(c) for c in clients))
    finally:
        ticker.cancel()
    result.wall = time.perf_counter() - start


def run_phase(port: int, name: str, jobs_per_client: list[Callable[[], Job | None]]) -> Result:
    result = Result(name, len(jobs_per_client))
    asyncio.run(_drive(port, jobs_per_client, result))
    return result


def _request(path: str, form: dict[str, str], cookies: str = "") -> bytes:
    body = urlencode(form).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: en\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
    )
    if cookies:
        head += f"Cookie: {cookies}\r\n"
    return (head + "\r\n").encode() + body


def allocation_clients(
    prepared: Prepared, csrf: str, clients: int, per_client: int
) -> list[Callable[[], Job | None]]:
    """Clients that each allocate `per_client` distinct participants of their site."""
    from django.conf import settings

    def make(site_id: int, session: str) -> Callable[[], Job | None]:
        left = per_client
        cookies = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
        queue = prepared.by_site[site_id]

        def next_job() -> Job | None:
            nonlocal left
            if left == 0:
                return None
            if not queue:
                raise SystemExit("not enough prepared participants")
            left -= 1
            pid = queue.popleft()
            path = f"/allocation/participants/{pid}/"
            form = {
                "idempotency_key": str(uuid.uuid4()),
                "cohort": "randomized",
                "csrfmiddlewaretoken": csrf,
            }

            def check(status: int, headers: dict[str, str]) -> str | None:
                # A refusal re-renders the form (200); a lost session redirects to sign-in.
                if status == 302 and urlsplit(headers.get("location", "")).path == path:
                    return None
                return f"participant {pid}: HTTP {status} {headers.get('location', '')}"

            return _request(path, form, cookies), check

        return next_job

    sessions = prepared.sessions
    return [make(*sessions[c % len(sessions)]) for c in range(clients)]


def _repeating(raw: bytes, check: Check, times: int) -> Callable[[], Job | None]:
    """A client that sends the same request `times` times."""
    left = times

    def next_job() -> Job | None:
        nonlocal left
        if left == 0:
            return None
        left -= 1
        return raw, check

    return next_job


def bare_clients(clients: int, per_client: int) -> list[Callable[[], Job | None]]:
    raw = _request("/insert/", {"token": "x"})

    def check(status: int, headers: dict[str, str]) -> str | None:
        return None if status == 200 else f"bare: HTTP {status}"

    return [_repeating(raw, check, per_client) for _ in range(clients)]


def floor_clients(
    prepared: Prepared, csrf: str, clients: int, per_client: int
) -> list[Callable[[], Job | None]]:
    """Signed-in clients posting the bare insert through the application's middleware."""
    from django.conf import settings

    def check(status: int, headers: dict[str, str]) -> str | None:
        return None if status == 200 else f"floor: HTTP {status} {headers.get('location', '')}"

    def make(session: str) -> Callable[[], Job | None]:
        cookies = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
        raw = _request("/insert/", {"token": "x", "csrfmiddlewaretoken": csrf}, cookies)
        return _repeating(raw, check, per_client)

    sessions = prepared.sessions
    return [make(sessions[c % len(sessions)][1]) for c in range(clients)]


def csrf_token(port: int, prepared: Prepared) -> str:
    """The CSRF cookie the server sets on an allocation page (one serves every client)."""
    from http.client import HTTPConnection
    from http.cookies import SimpleCookie

    from django.conf import settings

    site_id, session = prepared.sessions[0]
    pid = prepared.by_site[site_id][0]
    conn = HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request(
            "GET",
            f"/allocation/participants/{pid}/",
            headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
        )
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"the allocation page answered {response.status}")
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie(header)
            if settings.CSRF_COOKIE_NAME in jar:
                return jar[settings.CSRF_COOKIE_NAME].value
    finally:
        conn.close()
    raise SystemExit("the allocation page set no CSRF cookie")


# ------------------------------------------------------------------ checks and report


def integrity(allocated: int, bare_rows: int) -> list[str]:
    """What the database says after the run: every problem found, as text."""
    from bare_django_urls import TABLE
    from django.db import connection

    from oncotrial.audit.services import verify_chain
    from oncotrial.randomization.models import Allocation, AllocationScheme
    from oncotrial.randomization.services import verify_scheme

    problems = []
    indexes = sorted(Allocation.objects.values_list("draw_index", flat=True))
    if len(indexes) != allocated:
        problems.append(f"{len(indexes)} allocations stored, {allocated} acknowledged")
    if indexes != list(range(len(indexes))):
        problems.append("the draw indexes used are not 0..n-1 (a draw used twice or skipped)")
    if not verify_scheme(AllocationScheme.objects.get()):
        problems.append("the scheme no longer matches its commitment")
    verdict = verify_chain()
    if not verdict.ok:
        problems.append(f"the audit chain does not verify: {verdict.problem}")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        (rows,) = cursor.fetchone()
    if rows != bare_rows:
        problems.append(f"bare: {rows} rows stored, {bare_rows} acknowledged")
    return problems


def report(results: list[Result], levels: list[int], problems: list[str]) -> bool:
    log("")
    log(
        f"{'server':<24}{'clients':>8}{'requests':>10}{'errors':>8}{'req/s':>10}"
        f"{'p50 ms':>10}{'p95 ms':>10}"
    )
    for r in results:
        log(
            f"{r.name:<24}{r.clients:>8}{len(r.latencies) + len(r.errors):>10}"
            f"{len(r.errors):>8}{r.throughput:>10.1f}{r.percentile(50):>10.1f}"
            f"{r.percentile(95):>10.1f}"
        )
    for r in results:
        for e in r.errors[:3]:
            log(f"  error ({r.name}, {r.clients} clients): {e}")
    for p in problems:
        log(f"  integrity: {p}")

    def find(name: str, clients: int) -> Result:
        return next(r for r in results if r.name == name and r.clients == clients)

    low, high = min(levels), max(levels)
    alloc_high, bare_high = find("allocation", high), find("bare Django insert", high)
    share = alloc_high.throughput / bare_high.throughput if bare_high.throughput else 0.0
    p95 = find("allocation", low).percentile(95)
    errors = sum(len(r.errors) for r in results) + len(problems)
    floor_high = find(FLOOR, high)
    floor_share = floor_high.throughput / bare_high.throughput if bare_high.throughput else 0.0
    of_floor = alloc_high.throughput / floor_high.throughput if floor_high.throughput else 0.0
    checks = [
        (
            f"allocation throughput at {high} clients: {alloc_high.throughput:.1f}/s = "
            f"{100 * share:.1f} % of the bare-Django ceiling ({bare_high.throughput:.1f}/s); "
            f"target >= {100 * TARGET_SHARE:.0f} %",
            share >= TARGET_SHARE,
        ),
        (
            f"allocation p95 at {low} clients: {p95:.1f} ms; target < {TARGET_P95_MS:.0f} ms",
            p95 < TARGET_P95_MS,
        ),
        (f"errors (requests and integrity): {errors}; target 0", errors == 0),
    ]
    log("")
    log(
        f"INFO  application floor at {high} clients (the bare insert behind the application's "
        f"middleware, signed in): {floor_high.throughput:.1f}/s = {100 * floor_share:.1f} % "
        f"of the bare-Django ceiling; allocation = {100 * of_floor:.1f} % of the floor"
    )
    for text, ok in checks:
        log(f"{'PASS' if ok else 'FAIL'}  {text}")
    return all(ok for _, ok in checks)


# ------------------------------------------------------------------ main


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 64])
    parser.add_argument(
        "--requests", type=int, default=512, help="requests per server and level (default 512)"
    )
    cores = os.cpu_count() or 2
    parser.add_argument("--workers", type=int, default=2 * cores + 1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    args = parser.parse_args()
    levels = sorted(set(args.clients))
    config = ServerConfig(args.workers, args.threads)
    per_level = {c: max(1, math.ceil(args.requests / c)) for c in levels}
    warmup = config.workers * config.threads * 2
    # Client c works for site c % SITES: enough participants at every site.
    per_site = math.ceil(warmup / SITES) + sum(
        math.ceil(c / SITES) * n for c, n in per_level.items()
    )
    participants = SITES * per_site

    import django

    log(
        f"python {platform.python_version()}, Django {django.get_version()}, {cores} cores; "
        f"gunicorn gthread {config.workers} workers x {config.threads} threads"
    )
    # SIGTERM (a CI timeout, say) unwinds like Ctrl-C, so every cleanup below runs.
    signal.signal(signal.SIGTERM, _interrupt)
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="oncotrial-bench-")))
        server_url = os.environ.get("DATABASE_URL") or stack.enter_context(throwaway_postgres())
        if os.environ.get("DATABASE_URL"):
            log("PostgreSQL: the server DATABASE_URL names (a scratch database is created)")
        db_url = stack.enter_context(scratch_database(server_url))
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "DJANGO_SETTINGS_MODULE": "oncotrial.config.settings",
            "ONCOTRIAL_DATA_DIR": str(folder / "data"),
            "ONCOTRIAL_PROTOCOL": str(protocol_copy(folder, participants)),
            "ONCOTRIAL_DEBUG": "0",
        }
        os.environ.update(env)
        sys.path.insert(0, str(BENCH_DIR))  # bare_django_urls, for its table
        django.setup()
        from django.db import connection, connections

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        log(f"PostgreSQL {version}; scratch database {connection.settings_dict['NAME']}")
        log(
            f"plan: {participants} participants over {SITES} sites; "
            + ", ".join(f"{c} clients x {n} requests" for c, n in per_level.items())
            + f" per server; warm-up {warmup}"
        )
        prepared = prepare(participants, max(levels))
        connections.close_all()

        bare_env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "bare_django_settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR), env.get("PYTHONPATH")])),
        }
        logs = folder / "gunicorn.log"
        app_port = stack.enter_context(gunicorn("oncotrial.config.wsgi", env, config, logs))
        bare_port = stack.enter_context(
            gunicorn("django.core.wsgi:get_wsgi_application()", bare_env, config, logs)
        )
        floor_env = {**bare_env, "DJANGO_SETTINGS_MODULE": "app_floor_settings"}
        floor_port = stack.enter_context(
            gunicorn("django.core.wsgi:get_wsgi_application()", floor_env, config, logs)
        )
        log(
            f"servers: application on port {app_port}, bare Django on port {bare_port}, "
            f"application floor on port {floor_port}"
        )
        csrf = csrf_token(app_port, prepared)

        # Warm-up: every worker thread loads its code and opens its connection.
        acknowledged = {"allocation": 0, "bare Django insert": 0, FLOOR: 0}
        warm_errors = 0
        for name, port, clients in [
            ("bare Django insert", bare_port, bare_clients(warmup, 1)),
            (FLOOR, floor_port, floor_clients(prepared, csrf, warmup, 1)),
            ("allocation", app_port, allocation_clients(prepared, csrf, warmup, 1)),
        ]:
            result = run_phase(port, name, clients)
            acknowledged[name] += len(result.latencies)
            warm_errors += len(result.errors)
            log(f"warm-up: {name}, {len(result.latencies)} requests, {len(result.errors)} errors")
        results: list[Result] = []
        for clients in levels:
            n = per_level[clients]
            for name, port, drivers in [
                ("bare Django insert", bare_port, bare_clients(clients, n)),
                (FLOOR, floor_port, floor_clients(prepared, csrf, clients, n)),
                ("allocation", app_port, allocation_clients(prepared, csrf, clients, n)),
            ]:
                log(f"measuring: {name}, {clients} clients x {n} requests ...")
                result = run_phase(port, name, drivers)
                results.append(result)
                acknowledged[name] += len(result.latencies)
                log(
                    f"measuring: {name}, {clients} clients: {result.throughput:.1f}/s, "
                    f"{len(result.errors)} errors"
                )
        problems = integrity(
            acknowledged["allocation"], acknowledged["bare Django insert"] + acknowledged[FLOOR]
        )
        if warm_errors:
            problems.append(f"{warm_errors} errors during the warm-up")
        connections.close_all()
        ok = report(results, levels, problems)
        if any(r.errors for r in results) or problems:
            # The servers' own account of the errors (the log also holds the
            # console e-mails of every allocation).
            lines = logs.read_text(errors="replace").splitlines()
            errors = [line for line in lines if "Error" in line or "Traceback" in line]
            log("\ngunicorn log, errors:\n" + "\n".join(errors[-20:]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
