"""A small load driver: simulated staff using Haven over real HTTP, the way a browser does.

Every simulated person keeps cookies, reads the CSRF token from the form it is about to submit,
signs in through the real sign-in pages (with the second factor for the IB/AF/school leader),
and waits a little between pages as people do. Each request is timed and checked against what
that page must answer; every write that answered success (the redirect after the POST) is
recorded with the id of what it created, so the caller can check the database afterwards.

No third-party tool: threads and http.client, so the figures mean exactly what this code does.
The requests carry `X-Forwarded-Proto: https` and the public host name, as the reverse proxy in
front of gunicorn does in production (docs/operations.md); without them the production profile
redirects to HTTPS, as it should.
"""

from __future__ import annotations

import base64
import http.client
import random
import re
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from django_otp.oath import totp

# The page Haven shows when its database is unreachable answers 503 with this header.
OUTAGE_HEADER = "Retry-After"
SEARCH_FRAGMENTS = ("an", "de", "ee", "ar", "en", "ij", "ie", "el", "on", "is", "ma", "er")
REQUEST_TIMEOUT = 30.0
# Forms take local times in Haven's time zone, whatever this machine's is.
HAVEN_TIME_ZONE = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    public_host: str  # the Host header: a name in HAVEN_ALLOWED_HOSTS, as behind the proxy

    @property
    def origin(self) -> str:
        return f"https://{self.public_host}"


@dataclass
class Result:
    kind: str
    method: str
    status: int
    seconds: float
    expected: bool
    outage: bool = False  # the Dutch 503 page (allowed only where the caller says so)
    note: str = ""
    at: float = field(default_factory=time.monotonic)  # when the answer came


@dataclass(frozen=True)
class Write:
    """A write that answered success: what it created, so the database can be checked."""

    kind: str  # "signal" or "consultation"
    object_id: int | None  # the signal's id (from the redirect); None for a consultation
    case_id: int | None
    marker: str  # a unique text in the narrative, to find a consultation by
    username: str


@dataclass
class Recorder:
    """Thread-safe collection of every request's result and every successful write."""

    results: list[Result] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    outage_bodies: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, result: Result, body: str = "") -> None:
        with self.lock:
            self.results.append(result)
            if result.outage and len(self.outage_bodies) < 3:
                self.outage_bodies.append(body)

    def wrote(self, write: Write) -> None:
        with self.lock:
            self.writes.append(write)

    def unexpected(self) -> list[Result]:
        return [r for r in self.results if not r.expected]

    def summary(self, seconds: float) -> str:
        """Throughput and p50/p95 per kind of request (only the answers that were as expected)."""
        lines = [f"{len(self.results)} requests in {seconds:.0f} s: {len(self.results) / seconds:.1f} requests/s"]
        lines.append(f"{'kind':<22}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'503':>6}{'bad':>6}")
        kinds = sorted({r.kind for r in self.results})
        for kind in kinds:
            rows = [r for r in self.results if r.kind == kind]
            good = sorted(r.seconds * 1000 for r in rows if r.expected and not r.outage)
            p50 = statistics.median(good) if good else float("nan")
            p95 = good[min(len(good) - 1, int(0.95 * len(good)))] if good else float("nan")
            top = good[-1] if good else float("nan")
            outages = sum(r.outage for r in rows)
            bad = sum(not r.expected for r in rows)
            lines.append(f"{kind:<22}{len(rows):>7}{p50:>9.0f}{p95:>9.0f}{top:>9.0f}{outages:>6}{bad:>6}")
        lines.append(f"successful writes: {len(self.writes)}")
        return "\n".join(lines)


class Unexpected(Exception):
    """A page answered something it must not: this simulated person stops its current round."""


class Browser:
    """One browser: its cookies (shared by the simulated users who share a signed-in account)."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()

    def _cookie_header(self) -> str:
        with self.lock:
            return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _store(self, set_cookies: list[str]) -> None:
        with self.lock:
            for raw in set_cookies:
                parsed = SimpleCookie()
                parsed.load(raw)
                for name, morsel in parsed.items():
                    if morsel["max-age"] == "0" or not morsel.value or "1970" in morsel["expires"]:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value

    def fetch(self, method: str, path: str, form: list[tuple[str, str]] | None = None, htmx: bool = False):
        headers = {
            "Host": self.target.public_host,
            "X-Forwarded-Proto": "https",
            "User-Agent": "haven-load-driver",
            "Accept-Language": "nl",
        }
        if cookie := self._cookie_header():
            headers["Cookie"] = cookie
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.target.origin
            headers["Referer"] = self.target.origin + path
        if htmx:
            headers["HX-Request"] = "true"
        connection = http.client.HTTPConnection(self.target.host, self.target.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            self._store(response.headers.get_all("Set-Cookie") or [])
            return response.status, response.headers, content
        finally:
            connection.close()


@dataclass
class Person:
    """A simulated member of staff: who, which browser, and where to record."""

    username: str
    password: str
    browser: Browser
    recorder: Recorder
    rng: random.Random
    outage_allowed: bool
    think: tuple[float, float]
    totp_secret: str | None = None
    last_totp_step: int = -1

    def pause(self) -> None:
        time.sleep(self.rng.uniform(*self.think))

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        expect: tuple[int, ...] = (200,),
        form: list[tuple[str, str]] | None = None,
        htmx: bool = False,
    ) -> tuple[int, str, str]:
        """One request; returns (status, Location, body). Raises Unexpected on anything else."""
        started = time.perf_counter()
        try:
            status, headers, body = self.browser.fetch(method, path, form, htmx)
        except (OSError, http.client.HTTPException) as exc:
            elapsed = time.perf_counter() - started
            self.recorder.add(Result(kind, method, 0, elapsed, False, note=f"{type(exc).__name__}: {exc}"))
            raise Unexpected(kind) from exc
        elapsed = time.perf_counter() - started
        location = headers.get("Location", "")
        outage = status == 503 and headers.get(OUTAGE_HEADER) is not None and "Traceback" not in body
        if outage and self.outage_allowed:
            self.recorder.add(Result(kind, method, status, elapsed, True, outage=True), body)
            raise Unexpected(kind)
        if status not in expect or "Traceback" in body:
            title = re.search(r"<title>(.*?)</title>", body, re.S)
            note = f"{location or (title.group(1).strip() if title else body[:120])}"
            self.recorder.add(Result(kind, method, status, elapsed, False, outage=outage, note=note), body)
            raise Unexpected(kind)
        self.recorder.add(Result(kind, method, status, elapsed, True))
        return status, location, body

    # Pages ---------------------------------------------------------------------------------------

    def sign_in(self) -> None:
        status, location, page = self.request("login_form", "GET", "/inloggen/", expect=(200, 302))
        if status == 302:
            # Signed in already: an earlier attempt got through, but its answer was lost (the
            # database went away just after, say). The sign-in page sends us on.
            self.request("home", "GET", path_of(location) or "/", expect=(200,))
            return
        form = hidden_fields(page) + [("auth-username", self.username), ("auth-password", self.password)]
        status, location, page = self.request("login_submit", "POST", "/inloggen/", form=form, expect=(200, 302))
        if self.totp_secret is not None:
            # The second step of the same form: the code from the authenticator.
            if "token-otp_token" not in page:
                raise Unexpected("login_submit: no two-factor step")
            # A code counts once: a retry (after an outage, say) waits for the next one.
            while int(time.time() // 30) == self.last_totp_step:
                time.sleep(1)
            self.last_totp_step = int(time.time() // 30)
            code = f"{totp(base64.b32decode(self.totp_secret), step=30, t0=0, digits=6):06d}"
            form = hidden_fields(page) + [("token-otp_token", code)]
            status, location, page = self.request("login_token", "POST", "/inloggen/", form=form, expect=(302,))
        elif status != 302:
            raise Unexpected("login_submit: the password was not accepted")
        self.request("home", "GET", path_of(location) or "/", expect=(200, 302))

    def teacher_round(self) -> None:
        """Search a pupil, log a signal about them, read it back, look at the own signals."""
        self.request("home", "GET", "/")
        self.pause()
        pupils: list[str] = []
        for _attempt in range(4):
            query = self.rng.choice(SEARCH_FRAGMENTS)
            _, _, results = self.request("pupil_search", "GET", f"/signalen/nieuw/?q={query}", htmx=True)
            pupils = re.findall(r"/signalen/nieuw/\?leerling=(\d+)", results)
            if pupils:
                break
        if not pupils:
            raise Unexpected("pupil_search: no pupil found")
        path = f"/signalen/nieuw/?leerling={self.rng.choice(pupils)}"
        _, _, page = self.request("signal_form", "GET", path)
        self.pause()
        marker = f"lasttest-{uuid.uuid4().hex[:12]}"
        observed = datetime.now(HAVEN_TIME_ZONE) - timedelta(hours=1)
        form = hidden_fields(page) + [
            ("observed_at_0", observed.strftime("%Y-%m-%d")),
            ("observed_at_1", observed.strftime("%H:%M")),
            ("source", self.rng.choice(["own_observation", "child_told", "colleague"])),
            ("categories", self.rng.choice(["physical_neglect", "emotional_neglect", "other"])),
            ("facts", f"Kwam zonder jas en zonder ontbijt naar school ({marker})."),
            ("child_words", "'Mama was er vanochtend niet.'"),
        ]
        _, location, _ = self.request("signal_submit", "POST", path, form=form, expect=(302,))
        found = re.fullmatch(r"/signalen/(\d+)/", path_of(location))
        if found is None:
            raise Unexpected(f"signal_submit: redirected to {location}")
        self.recorder.wrote(Write("signal", int(found.group(1)), None, marker, self.username))
        self.request("signal_detail", "GET", path_of(location))
        self.pause()
        if self.rng.random() < 0.5:
            self.request("signal_list", "GET", "/signalen/")
            self.pause()

    def lead_round(self) -> None:
        """The IB/AF's morning: the inbox, the dossiers, one dossier, now and then a consultation."""
        _, _, inbox = self.request("inbox", "GET", "/inbox/")
        self.pause()
        signals = re.findall(r"/signalen/(\d+)/", inbox)
        if signals and self.rng.random() < 0.3:
            self.request("signal_detail", "GET", f"/signalen/{self.rng.choice(signals)}/")
            self.pause()
        _, _, listing = self.request("case_list", "GET", "/dossiers/")
        cases = sorted(set(re.findall(r"/dossiers/(\d+)/", listing)))
        if not cases:
            raise Unexpected("case_list: no open dossier")
        case_id = int(self.rng.choice(cases))
        self.pause()
        self.request("dossier", "GET", f"/dossiers/{case_id}/")
        self.pause()
        if self.rng.random() < 0.4:
            path = f"/dossiers/{case_id}/consultatie/"
            _, _, page = self.request("consultation_form", "GET", path)
            self.pause()
            marker = f"lasttest-{uuid.uuid4().hex[:12]}"
            form = hidden_fields(page) + [
                ("held_on", datetime.now(HAVEN_TIME_ZONE).strftime("%Y-%m-%d")),
                ("consulted", self.rng.choice(["colleague", "care_coordinator", "school_doctor"])),
                ("question", f"Moeten we de ouders nu uitnodigen? ({marker})"),
                ("advice", "Eerst nog een week observeren en de signalen vastleggen."),
            ]
            _, location, _ = self.request("consultation_submit", "POST", path, form=form, expect=(302,))
            if path_of(location) != f"/dossiers/{case_id}/":
                raise Unexpected(f"consultation_submit: redirected to {location}")
            self.recorder.wrote(Write("consultation", None, case_id, marker, self.username))
            self.request("dossier", "GET", f"/dossiers/{case_id}/")
            self.pause()


def hidden_fields(page: str) -> list[tuple[str, str]]:
    """The hidden inputs of the page's own POST form (the CSRF token, the sign-in wizard's step).

    The header holds forms too (sign out, the language switch); a person fills in the one in
    the page's main content, so only forms inside <main> count.
    """
    main_content = re.search(r"<main\b.*?</main>", page, re.S | re.I)
    content = main_content.group(0) if main_content else ""
    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", content, re.S | re.I)
    fields = []
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", forms[0] if forms else "", re.I):
        name = re.search(r"name=\"([^\"]*)\"", tag)
        value = re.search(r"value=\"([^\"]*)\"", tag)
        if name:
            fields.append((unescape(name.group(1)), unescape(value.group(1)) if value else ""))
    return fields


def path_of(location: str) -> str:
    return urlsplit(location).path if location else ""


@dataclass(frozen=True)
class Account:
    username: str
    role: str  # "teacher" (password only) or "lead" (IB/AF/school leader: two factors, the inbox)


def run(
    target: Target,
    accounts: list[Account],
    password: str,
    totp_secret: str,
    *,
    users: int,
    seconds: float,
    lead_share: float = 0.3,
    think: tuple[float, float] = (0.5, 2.0),
    outage_allowed: bool = False,
    seed: int = 2026,
) -> tuple[Recorder, float, float]:
    """Runs `users` simulated staff for `seconds`; returns what was recorded, the monotonic start
    and the real duration.

    Teachers sign in themselves (password only). The IB/AF/school leaders share one signed-in
    browser per account (as one person with several tabs): a TOTP code can be used once, so
    several people cannot each sign in to one account within the same 30 seconds.
    """
    recorder = Recorder()
    rng = random.Random(seed)
    teachers = [a for a in accounts if a.role == "teacher"]
    leads = [a for a in accounts if a.role == "lead"]
    lead_count = max(1, round(users * lead_share)) if leads else 0
    lead_browsers: dict[str, Browser] = {}
    signed_in: dict[str, threading.Event] = {}
    setup_lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def simulate(index: int) -> None:
        person_rng = random.Random(rng.random() + index)
        is_lead = index < lead_count
        account = leads[index % len(leads)] if is_lead else teachers[index % len(teachers)]
        if is_lead:
            with setup_lock:
                first = account.username not in lead_browsers
                if first:
                    lead_browsers[account.username] = Browser(target)
                    signed_in[account.username] = threading.Event()
            browser = lead_browsers[account.username]
        else:
            first, browser = True, Browser(target)
        person = Person(
            account.username,
            password,
            browser,
            recorder,
            person_rng,
            outage_allowed,
            think,
            totp_secret if is_lead else None,
        )
        # Spread the sign-ins over the first seconds, as people arrive.
        time.sleep(person_rng.uniform(0, min(10.0, seconds / 4)))
        while time.monotonic() < deadline:
            try:
                if first and not (is_lead and signed_in[account.username].is_set()):
                    person.sign_in()
                    if is_lead:
                        signed_in[account.username].set()
                    first = False
                elif is_lead and not signed_in[account.username].wait(timeout=1):
                    continue
                if is_lead:
                    person.lead_round()
                else:
                    person.teacher_round()
            except Unexpected:
                time.sleep(person_rng.uniform(0.5, 1.5))

    threads = [threading.Thread(target=simulate, args=(i,), name=f"staff-{i}", daemon=True) for i in range(users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        # Bounded: every request has its own time-out, so each thread ends soon after the deadline.
        thread.join(timeout=max(1.0, deadline - time.monotonic()) + 2 * REQUEST_TIMEOUT)
    return recorder, started, time.monotonic() - started
