"""Synthetic data at scale, written with bulk inserts (`manage.py generate_scale_data`, docs/scale-data.md).

The rows are the rows the services would write, without going through them one object at a
time (that would take days for the national preset):

- Column lists come from each model's `_meta`: a field this module does not fill gets the
  model's default (or NULL where allowed), so a field added later with a default is filled
  without a change here, and a field added without one stops the generator with its name.
- Encrypted columns get plain values here; `Table.add` seals each with the row's id, exactly as
  the encrypted fields of `haven.infrastructure.encryption` store them (bound to column and row).
- Every write gets the audit event its service would record (same action, object, detail), and
  the events continue the hash chain from `AuditChainHead` with `haven.audit.chain`, normalised
  like `haven.audit.services.record_event` does; the head is moved in the same transaction.
- Ids are assigned here (from the table's current maximum), so that rows can reference each
  other before they are written; the sequences are reset afterwards. This is why the generator
  must run while nobody else writes to the database.

Rows are written per chunk of schools, one transaction per chunk, with PostgreSQL's COPY (psycopg
3) or `executemany` on SQLite. Only one chunk is ever held in memory.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import queue
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.roles import Role
from haven.accounts import totp
from haven.accounts.models import AnalystMembership, Membership, TOTPKey, User
from haven.audit import actions, chain, sealing
from haven.audit.keys import current_keys
from haven.audit.models import AuditChainHead, AuditEvent
from haven.external_signals.models import ReferralIndexEntry
from haven.followup.models import EvaluationMoment, HelpPlan, ReportFollowUp
from haven.infrastructure.encryption import EncryptedField, KeyRing, current_keyring, encrypt
from haven.insights import metrics, rollups
from haven.insights.models import PublicFigure, Region, RollupCount, RollupState, RouteSnapshot
from haven.meldcode.models import (
    AdviceRequest,
    Case,
    CaseMember,
    Closure,
    Consultation,
    Conversation,
    Decision,
    LookAlongRequest,
    Report,
    Signal,
    StepSkip,
    Weighing,
)
from haven.meldcode.workflow import Step
from haven.organisations.models import Board, Group, Municipality, School
from haven.pupils.models import GroupPlacement, HouseholdMember, Pupil

# The published secret of every generated two-factor account (the demo's too): `oathtool --totp -b <it>`.
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
TOTP_KEY_HEX = base64.b32decode(TOTP_SECRET).hex()  # as django-otp reads it; stored encrypted in TOTPKey
DEFAULT_PASSWORD = "haven-scale-2026"

# About 1% of pupils get a dossier each school year (the order of magnitude of Veilig Thuis reports
# and help trajectories started from primary schools); a third as many signals are noted without one.
DOSSIER_RATE = 0.01
NOTED_RATE = 0.004
# Veilig Thuis advice asked without a dossier (about one a year per 125 pupils, most of it anonymous),
# and verwijsindex signals placed without one, a third of them ended again some months later.
ADVICE_RATE = 0.008
ANONYMOUS_ADVICE = 0.65
REFERRAL_RATE = 0.003
REFERRAL_ENDED = 0.3
GRADES = 8
PUPILS_PER_GROUP = 26
SCHOOLS_PER_BOARD = 8
SCHOOLS_PER_MUNICIPALITY = 20
# Veilig Thuis regions differ in size: consecutive municipalities form regions of 7, 14 and 21 in
# turn (the national preset's 350 municipalities make 25 regions), so that the national data holds
# regions of the region preset's size (7 municipalities) as well as larger ones.
REGION_SIZES = (7, 14, 21)
# Municipality codes count down from GM9999, away from CBS's real codes (below GM2000).
LAST_MUNICIPALITY_CODE = 9999
# Rows buffered before they are written, and pupils per transaction.
FLUSH_ROWS = 200_000
CHUNK_PUPILS = 60_000

BRIN_CODES = 100 * 26 * 26

# The stages a dossier can be in; the showcase school has one of each (see Generator.route).
SHOWCASE = ("new", "consultation", "conversation", "weighing", "decision", "reported", "acute", "help", "closed")

# Where closed dossiers stopped (the step the route was in when it was closed) and why. Seed 004:
# most routes stop at step 2, the consultation. Step 5 is a route that was weighed or decided.
STOP_STEPS = ((2, 45), (3, 20), (4, 10), (5, 25))
STOP_REASONS: dict[int, tuple[tuple[str, int], ...]] = {
    2: (
        ("explained", 20), ("too_vague", 20), ("unclear_next", 12), ("fear_relation", 10), ("pupil_left", 10),
        ("help_involved", 8), ("other", 5), ("not_recorded", 15),
    ),
    3: (
        ("explained", 20), ("help_involved", 15), ("referred", 15), ("no_cooperation", 12), ("fear_relation", 10),
        ("unclear_next", 8), ("pupil_left", 5), ("other", 5), ("not_recorded", 10),
    ),
    4: (
        ("explained", 25), ("referred", 20), ("help_involved", 15), ("no_cooperation", 15), ("pupil_left", 5),
        ("other", 5), ("not_recorded", 15),
    ),
}  # fmt: skip
# Public figures (per municipality and calendar year, as CBS and the verwijsindex publish them), per
# 1,000 pupils (the demo's, from seed 004's region); never below what Haven's own schools counted.
PUBLIC_PER_THOUSAND = {
    "advice_requests_education": (3.4, 5.6),
    "reports_education": (0.6, 1.0),
    "referral_index_signals_primary": (3.0, 6.0),
}
PUBLIC_METRICS = {
    "advice_requests_education": metrics.ADVICE_REQUESTS,
    "reports_education": metrics.REPORTS,
    "referral_index_signals_primary": metrics.REFERRAL_INDEX_PLACED,
}

PRESETS: dict[str, dict[str, int]] = {
    "region": {"schools": 130, "pupils_per_school": 208, "years": 5},
    "national": {"schools": 7000, "pupils_per_school": 357, "years": 5},
}


def refresh_planner_statistics(db_tables: list[str] | None = None) -> None:
    """ANALYZE after a bulk load, inside its transaction (PostgreSQL counts its own new rows).

    Without it the planner keeps the sizes of before: on PostgreSQL, statistics taken of empty
    tables make it join tens of thousands of rows by nested loops (minutes for one count).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(table) for table in db_tables or [])
            cursor.execute(f"ANALYZE {tables}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


class ScaleDataError(Exception):
    """The generator cannot run (a non-empty database without --append, a model it cannot fill)."""


# Fictional names and texts -------------------------------------------------------------------------

# fmt: off
FIRST_NAMES = (
    "Sanne", "Daan", "Noah", "Emma", "Liam", "Julia", "Lucas", "Mila", "Sem", "Tess", "Finn", "Zoë", "Levi", "Sara",
    "Luuk", "Nora", "Milan", "Evi", "Jesse", "Lotte", "Bram", "Fenna", "Thijs", "Saar", "Ayoub", "Yara", "Mohamed",
    "Fatima", "Mees", "Lina", "Adam", "Isa", "Ravi", "Anouk", "Stijn", "Roos", "Youssef", "Hanna", "Teun", "Noor",
    "Jayden", "Maud", "Ilias", "Femke", "Ruben", "Sofie", "Kerem", "Elif", "Gijs", "Vera", "Tobias", "Amira",
    "Siem", "Lieke", "Omar", "Jasmijn", "Otis", "Fleur", "Ezra", "Ilse",
)
LAST_NAMES = (
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
    "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
    "van Dijk", "Schouten", "El Amrani", "Yilmaz", "Kaya", "Bouzid", "Tahiri", "Ramdin", "Nguyen", "Kowalski",
    "Hoekstra", "Postma", "Veenstra", "Kuipers", "Prins", "Huisman", "Willems", "Maas", "Verhoeven", "Koster",
)
ADULT_FIRST_NAMES = (
    "Marieke", "Peter", "Sandra", "Mark", "Linda", "Dennis", "Esther", "Rob", "Nadia", "Hasan", "Ingrid", "Erik",
    "Samira", "Jeroen", "Monique", "Khalid", "Petra", "Kevin", "Yvonne", "Ahmed", "Karin", "Bas",
)
PLACES = (
    "Zonnedal", "Weidebroek", "Lindehoven", "Eikenrode", "Beekveld", "Heuvelstein", "Waterland", "Rietmeer",
    "Duinwijk", "Berkendaal", "Vlierhaven", "Molenburg", "Kranenveen", "Oosterlo", "Westerhout", "Noorderzand",
)
SCHOOL_NAMES = (
    "De Regenboog", "De Wegwijzer", "De Vlinder", "Het Kompas", "De Zonnewijzer", "De Klimop", "Het Anker",
    "De Toverfluit", "De Wilgen", "De Horizon", "Het Palet", "De Boomgaard", "De Sterrenkijker", "Het Baken",
)
SCHOOL_KINDS = (
    "OBS", "CBS", "KBS", "IKC",
)
SIGNAL_TEXTS = (
    ("physical_neglect", "Komt deze week drie keer zonder ontbijt en zonder jas naar school; steeds dezelfde kleren."),
    ("physical_abuse", "Blauwe plekken op beide bovenarmen, in de vorm van vingers; wil bij gym het shirt niet uit."),
    ("emotional_neglect", "Wordt na schooltijd vaak niet opgehaald en wacht dan tot half vijf bij het hek."),
    ("psychological_abuse", "Vertelt dat mama zegt dat zij beter nooit geboren had kunnen worden. Huilt daarna lang."),
    ("witnessing_violence", "Vertelt in de kring dat papa gisteren met de deur gooide en dat mama bloedde."),
    ("sexual_abuse", "Tekent en speelt seksuele handelingen na die niet bij de leeftijd passen."),
    ("gut_feeling", "Is de laatste weken stil en schrikt bij harde geluiden; de ouders zijn niet bereikbaar."),
    ("other", "Mist sinds de herfstvakantie veel dagen; afmeldingen komen steeds op het laatste moment."),
)
CHILD_WORDS = (
    "Ik mag het niet zeggen.", "Papa wordt heel boos als ik huil.", "Thuis is het soms eng.", "",
)
INTERPRETATIONS = (
    "Ik maak me zorgen over de thuissituatie.",
    "Het lijkt op verwaarlozing.",
    "",
)
CONTEXTS = (
    "De ouders zijn sinds de zomer gescheiden.",
    "Er is een baby geboren in het gezin.",
    "",
)
CONSULT_QUESTIONS = (
    "Zijn deze signalen reden tot zorg?", "Welke vervolgstappen zijn passend?",
)
CONSULT_ADVICE = (
    "Bespreek de zorgen met de ouders en leg de afspraken vast.",
    "Vraag de ouders om toestemming voor een gesprek met de schoolarts.",
    "Raadpleeg opnieuw na het gesprek met de ouders.",
)
SHARED = (
    "We hebben de signalen van de leerkracht besproken.",
    "We hebben onze zorgen over het verzuim gedeeld.",
)
REACTIONS = (
    "Moeder herkent het en vertelt dat het thuis zwaar is.",
    "Vader ontkent en wil niet verder praten.",
)
EXPLANATIONS = (
    "Na de gesprekken en het consult blijft de zorg bestaan.",
    "De uitleg van de ouders neemt de zorg weg.",
    "Er zijn aanwijzingen voor structurele onveiligheid.",
)
HELP_TEXTS = (
    "Gezinscoach van het wijkteam, wekelijks.",
    "Opvoedondersteuning via het CJG.",
    "Schoolmaatschappelijk werk.",
)
ADVICE_QUESTIONS = (
    "Een leerling vertelt over harde ruzies thuis; is dit reden voor een melding?",
    "Moeten we de ouders inlichten voordat we verder gaan?",
    "Hoe bespreken we onze zorgen over verwaarlozing met de ouders?",
    "Een kind komt steeds met honger naar school; wat is een passende eerste stap?",
)
ADVICE_ANSWERS = (
    "Breng de signalen verder in kaart en bespreek ze met de ouders.",
    "Nog geen melding; bel terug na het gesprek met de ouders.",
    "Overleg met de jeugdverpleegkundige van de GGD en leg de afspraken vast.",
)
# fmt: on


# Writing rows --------------------------------------------------------------------------------------


def _column(field_: models.Field) -> str:
    """A concrete field's column (typed optional: a field has none before it joins a model)."""
    assert field_.column is not None
    return field_.column


def _plain(field_: models.Field, value: Any) -> Any:
    """A default as the column stores it."""
    if isinstance(field_, models.JSONField):
        return None if value is None else json.dumps(value)
    return value  # an encrypted column's value is sealed per row, by Table.add


class Table:
    """One model's rows: ids assigned here, the given columns first, every other column its default."""

    def __init__(
        self, model: type[models.Model], given: Iterable[str], now: dt.datetime, ring: KeyRing | None = None
    ) -> None:
        meta = model._meta
        self.model = model
        self.label = meta.label
        self.db_table = meta.db_table
        # A generated column (Pupil.sort_surname) is the database's to fill: never written here.
        fields = {f.attname: f for f in meta.concrete_fields if not f.generated}
        pk = meta.pk.attname
        self.given = (pk, *given)
        unknown = [name for name in self.given if name not in fields]
        if unknown:
            raise ScaleDataError(f"{self.label} has no field {', '.join(unknown)}.")
        tail_columns, tail = [], []
        for attname, field_ in fields.items():
            if attname in self.given:
                continue
            if field_.has_default():
                value = field_.get_default()
            elif getattr(field_, "auto_now", False) or getattr(field_, "auto_now_add", False):
                value = now
            elif field_.null:
                value = None
            elif field_.blank and field_.empty_strings_allowed:
                value = ""  # what Django saves for a blank field that was not set
            else:
                raise ScaleDataError(
                    f"{self.label}.{attname} has no default and may not be NULL: teach haven/tools/scale.py to fill it."
                )
            tail_columns.append(_column(field_))
            tail.append(_plain(field_, value))
        self.fields = fields
        self.columns = [_column(fields[name]) for name in self.given] + tail_columns
        by_column = {f.column: f for f in fields.values()}
        # (position in the row, field) of each encrypted column: sealed with the row's id when added.
        self.sealed = [
            (index, f)
            for index, column in enumerate(self.columns)
            if isinstance(f := by_column[column], EncryptedField)
        ]
        self.ring = ring or (current_keyring() if self.sealed else None)
        self.tail = tuple(tail)
        self.rows: list[tuple[Any, ...]] = []
        self.next_id = 1
        self.written = 0

    def add(self, *values: Any) -> int:
        pk = self.next_id
        self.next_id = pk + 1
        row = (pk, *values) + self.tail
        if self.sealed:
            cells = list(row)
            for index, field_ in self.sealed:
                cells[index] = field_.seal(cells[index], pk, self.ring)
            row = tuple(cells)
        self.rows.append(row)
        return pk


Batch = list[tuple[Table, list[tuple[Any, ...]]]]


def write_rows(table: Table, rows: list[tuple[Any, ...]]) -> None:
    """Write rows of one table on this thread's connection: COPY on PostgreSQL, executemany elsewhere."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in table.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table.db_table)} ({columns}) FROM STDIN") as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
        else:
            convert = _converters(table)
            rows = [tuple(c(v) if c else v for c, v in zip(convert, row, strict=True)) for row in rows]
            placeholders = ", ".join(["%s"] * len(table.columns))
            # Only quoted names from the models' _meta in the statement; the values are parameters.
            sql = f"INSERT INTO {quote(table.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, rows)
    table.written += len(rows)


def _converters(table: Table) -> list[Callable[[Any], Any] | None]:
    """Dates as the backend stores them (SQLite: text, datetimes naive in UTC)."""
    by_column = {f.column: f for f in table.fields.values()}
    ops = connection.ops
    converters: list[Callable[[Any], Any] | None] = []
    for column in table.columns:
        field_ = by_column[column]
        if isinstance(field_, models.DateTimeField):
            converters.append(ops.adapt_datetimefield_value)
        elif isinstance(field_, models.DateField):
            converters.append(ops.adapt_datefield_value)
        else:
            converters.append(None)
    return converters


class Writer:
    """Writes chunks, one transaction each, and moves the audit chain head with them.

    Each chunk's transaction locks the chain head and checks that it is where the generator
    started the chunk's events from; a mismatch (someone else wrote an audit event meanwhile)
    aborts the run with that chunk rolled back. In the background mode (PostgreSQL, not inside a
    caller's transaction) a thread with its own connection writes one chunk while the next one is
    generated, so that the database and Python each get a core.
    """

    def __init__(self, background: bool) -> None:
        self.background = background
        self.error: BaseException | None = None
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=3)
        self._atomic: Any = None
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._work, name="scale-data-writer", daemon=True)
            self._thread.start()

    # The generator's side.

    def begin(self, head: tuple[int, str]) -> None:
        self._send("begin", head)

    def write(self, batch: Batch) -> None:
        self._send("write", batch)

    def commit(self, head: tuple[int, str]) -> None:
        self._send("commit", head)

    def close(self) -> None:
        """Wait for everything to be written; raise what went wrong in the writer."""
        if self._thread is not None:
            self._queue.put(("stop", None))
            self._thread.join()
        if self.error is not None:
            raise self.error

    def abort(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(("abort", None))
            self._thread.join()
        elif self._atomic is not None:
            self._end(failed=True)

    def _send(self, what: str, payload: Any) -> None:
        if self.error is not None:
            raise self.error
        if self._thread is None:
            self._do(what, payload)
        else:
            self._queue.put((what, payload))

    # The writer's side.

    def _work(self) -> None:
        try:
            while True:
                what, payload = self._queue.get()
                if what in ("stop", "abort"):
                    if self._atomic is not None:
                        self._end(failed=True)
                    return
                if self.error is None:
                    self._do(what, payload)
        except BaseException as error:  # noqa: BLE001 (handed to the generator's thread)
            self.error = error
            if self._atomic is not None:
                self._end(failed=True)
            # Keep taking work off the queue so that the generator is never blocked on it.
            while self._queue.get()[0] not in ("stop", "abort"):
                pass
        finally:
            connection.close()

    def _do(self, what: str, payload: Any) -> None:
        if what == "begin":
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
            if head is None:
                if AuditEvent.objects.exists():
                    raise ScaleDataError("The audit chain head is missing; run `manage.py verify_audit`.")
                head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            if (head.last_sequence, head.last_hash) != payload:
                raise ScaleDataError(
                    "Someone else wrote to the audit log while the data was generated; this chunk was rolled back. "
                    "Generate on a database nobody else uses."
                )
        elif what == "write":
            for table, rows in payload:
                write_rows(table, rows)
        elif what == "commit":
            sequence, last_hash = payload
            AuditChainHead.objects.filter(pk=1).update(last_sequence=sequence, last_hash=last_hash)
            self._end(failed=False)

    def _end(self, *, failed: bool) -> None:
        atomic, self._atomic = self._atomic, None
        if failed:
            error = ScaleDataError("rolled back")
            atomic.__exit__(type(error), error, None)
        else:
            atomic.__exit__(None, None, None)


class Audit:
    """Audit events, chained from the head exactly as `record_event` chains them."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.sequence = 0
        self.last_hash = chain.GENESIS
        self.keys = current_keys()

    def start(self) -> None:
        """Continue from the chain head as it is now (each chunk's transaction checks it again, locked)."""
        head = AuditChainHead.objects.filter(pk=1).first()
        if head is None and AuditEvent.objects.exists():
            raise ScaleDataError("The audit chain head is missing; run `manage.py verify_audit`.")
        self.sequence, self.last_hash = (head.last_sequence, head.last_hash) if head else (0, chain.GENESIS)

    @property
    def head(self) -> tuple[int, str]:
        return (self.sequence, self.last_hash)

    def event(
        self,
        at: dt.datetime,
        actor: tuple[int, str] | None,
        action: str,
        *,
        school_id: int | None,
        object_type: str = "",
        object_id: int | None = None,
        pupil_id: int | None = None,
        case_id: int | None = None,
        kind: str = "change",
        detail: dict[str, Any] | None = None,
    ) -> None:
        actions.check(action)
        sequence = self.sequence + 1
        values = {
            "sequence": sequence,
            "prev_hash": self.last_hash,
            "at": at,
            "actor_id": actor[0] if actor else None,
            "role": actor[1] if actor else "",
            "school_id": school_id,
            "pupil_id": pupil_id,
            "case_id": case_id,
            "kind": kind,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "outcome": "allowed",
            # As record_event stores it: JSON types only, sealed to its sequence.
            "detail": sealing.seal(json.loads(json.dumps(detail)) if detail else {}, sequence),
            "source_address": None,
            "session_key": "",
            "key_id": self.keys.active_id,
        }
        digest = chain.event_hash(values, self.keys.active)
        self.table.add(
            sequence,
            values["prev_hash"],
            digest,
            at,
            values["actor_id"],
            values["role"],
            school_id,
            pupil_id,
            case_id,
            kind,
            action,
            object_type,
            object_id,
            "allowed",
            json.dumps(values["detail"]),
            None,
            "",
            values["key_id"],
        )
        self.sequence = sequence
        self.last_hash = digest


# The generator -----------------------------------------------------------------------------------


@dataclass
class Options:
    schools: int
    pupils_per_school: int
    years: int
    seed: int = 2026
    password: str = DEFAULT_PASSWORD
    append: bool = False


@dataclass
class Summary:
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    first_school: int = 1

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@dataclass
class Person:
    pk: int
    role: str
    name: str

    @property
    def actor(self) -> tuple[int, str]:
        return (self.pk, self.role)


@dataclass
class SchoolStaff:
    admin: Person
    ib: Person
    af: Person
    leader: Person
    teachers: list[Person]
    assistants: list[Person]


@dataclass(frozen=True)
class Mark:
    """Where every buffer, id and the audit chain stood, to take back what was added after it."""

    tables: dict[str, tuple[int, int]]  # label -> (buffered rows, next id)
    audit: tuple[int, str]


@dataclass
class PupilInfo:
    pk: int
    grade: int  # this school year, 1..8
    section: int
    name: str


def school_numbers_taken() -> int:
    """The highest school number of earlier generated data (af-0001 is school 1), 0 when there is none."""
    pattern = re.compile(r"^af-(\d+)$")
    numbers = [
        int(m.group(1))
        for u in User.objects.filter(username__startswith="af-").values_list("username", flat=True)
        if (m := pattern.match(u))
    ]
    return max(numbers, default=0)


def brin_codes() -> Iterable[str]:
    """BRIN codes (two digits, two letters) from the end of the alphabet, away from hand-made schools."""
    for first in reversed(range(26)):
        for second in reversed(range(26)):
            letters = chr(65 + first) + chr(65 + second)
            for number in range(100):
                yield f"{number:02d}{letters}"


class Generator:
    def __init__(
        self, options: Options, *, now: dt.datetime | None = None, progress: Callable[[str], None] | None = None
    ) -> None:
        self.options = options
        self.rng = random.Random(options.seed)  # noqa: S311 (not security: repeatable synthetic data)
        # The monitoring's records (regions, advice and verwijsindex entries without a dossier, where
        # and why routes stopped, public figures) draw from a stream of their own: the rest of the
        # data stays what the same seed gave before they existed.
        self.rng2 = random.Random(f"{options.seed}:monitoring")  # noqa: S311
        self.now = now or timezone.now()
        self.progress = progress or (lambda _message: None)
        today = timezone.localtime(self.now).date()
        self.first_year = today.year if today.month >= 8 else today.year - 1  # this school year starts then
        self.ring = current_keyring()
        now_ = self.now
        self.t: dict[str, Table] = {}
        spec: list[tuple[type[models.Model], tuple[str, ...]]] = [
            (Municipality, ("name", "code")),
            (Region, ("name",)),
            (Region.municipalities.through, ("region_id", "municipality_id")),
            (Board, ("name",)),
            (School, ("name", "brin_code", "board_id", "municipality_id")),
            (User, ("password", "username", "first_name", "last_name", "email", "date_joined")),
            (Membership, ("user_id", "school_id", "role")),
            (AnalystMembership, ("user_id", "board_id", "municipality_id", "region_id")),
            (TOTPDevice, ("user_id", "name", "key", "confirmed", "created_at")),
            (TOTPKey, ("key",)),
            (Group, ("school_id", "name", "school_year")),
            (Group.teachers.through, ("group_id", "user_id")),
            (Pupil, ("school_id", "first_name", "last_name", "date_of_birth")),
            (GroupPlacement, ("pupil_id", "group_id", "school_year")),
            (HouseholdMember, ("pupil_id", "name", "relation", "lives_with_pupil")),
            (Case, ("school_id", "pupil_id", "lead_id", "status", "acute", "opened_by_id", "opened_at")),
            (CaseMember, ("case_id", "user_id", "added_by_id", "added_at")),
            (
                Signal,
                (
                    "school_id",
                    "pupil_id",
                    "author_id",
                    "observed_at",
                    "source",
                    "categories",
                    "facts",
                    "child_words",
                    "interpretation",
                    "context",
                    "created_at",
                    "status",
                    "case_id",
                    "noted_reason",
                    "triaged_by_id",
                    "triaged_at",
                ),
            ),
            (
                LookAlongRequest,
                ("school_id", "signal_id", "requested_by_id", "requested_at", "picked_up_by_id", "picked_up_at"),
            ),
            (
                Consultation,
                (
                    "case_id",
                    "recorded_by_id",
                    "recorded_at",
                    "held_on",
                    "consulted",
                    "consulted_name",
                    "anonymous",
                    "question",
                    "advice",
                    "agreed_actions",
                ),
            ),
            (
                Conversation,
                (
                    "case_id",
                    "recorded_by_id",
                    "recorded_at",
                    "held_on",
                    "participants",
                    "face_to_face",
                    "location",
                    "shared",
                    "reaction",
                    "agreements",
                    "acknowledgement",
                ),
            ),
            (StepSkip, ("case_id", "recorded_by_id", "recorded_at", "step", "reason", "explanation")),
            (
                Weighing,
                (
                    "case_id",
                    "recorded_by_id",
                    "recorded_at",
                    "suspicion",
                    "suspicion_explanation",
                    "unsafety",
                    "unsafety_explanation",
                    "risk_factors",
                    "protective_factors",
                    "safety_score_parents",
                    "safety_score_pupil",
                ),
            ),
            (
                Decision,
                (
                    "case_id",
                    "recorded_by_id",
                    "recorded_at",
                    "suspicion",
                    "unsafety",
                    "can_help",
                    "accepted",
                    "effective",
                    "advice",
                    "outcome",
                    "rationale",
                    "deviation_justification",
                    "decided_at",
                ),
            ),
            (
                Report,
                (
                    "case_id",
                    "recorded_by_id",
                    "recorded_at",
                    "relation_to_family",
                    "direct_cause",
                    "facts",
                    "household",
                    "expectations",
                    "parents_informed",
                    "parents_informed_how",
                    "made_on",
                    "made_by_id",
                    "vt_reference",
                    "updated_at",
                ),
            ),
            (
                ReportFollowUp,
                (
                    "report_id",
                    "feedback_agreed_on",
                    "feedback_agreed_how",
                    "lead",
                    "outcome",
                    "feedback_received_on",
                    "created_at",
                    "updated_at",
                    "updated_by_id",
                ),
            ),
            (
                HelpPlan,
                (
                    "case_id",
                    "decision_id",
                    "description",
                    "provided_by",
                    "agreed_with_parents",
                    "parents_agreement",
                    "starts_on",
                    "ends_on",
                    "recorded_by_id",
                    "recorded_at",
                ),
            ),
            (EvaluationMoment, ("plan_id", "due_on", "effective", "explanation", "answered_on", "answered_by_id")),
            (Closure, ("case_id", "recorded_by_id", "recorded_at", "reason", "explanation", "step_at_closing")),
            (
                AdviceRequest,
                (
                    "school_id",
                    "held_on",
                    "anonymous",
                    "question",
                    "advice",
                    "pupil_id",
                    "recorded_by_id",
                    "recorded_at",
                ),
            ),
            (ReferralIndexEntry, ("school_id", "case_id", "pupil_id", "action", "on", "recorded_by_id", "recorded_at")),
            (RollupCount, ("school_id", "month", "metric", "dimension", "count")),
            (RouteSnapshot, ("school_id", "step", "open", "stalled")),
            (RollupState, ("school_id", "refreshed_at")),
            (
                PublicFigure,
                (
                    "municipality_id",
                    "year",
                    "pupils_primary",
                    "advice_requests_education",
                    "reports_education",
                    "referral_index_signals_primary",
                ),
            ),
            (AuditEvent, tuple(chain.FIELDS[:2]) + ("hash",) + tuple(chain.FIELDS[2:])),
        ]
        for model, given in spec:
            self.t[model._meta.label] = Table(model, given, now_, self.ring)
        self.audit = Audit(self.t["audit.AuditEvent"])
        self.municipality_ids: list[int] = []
        self.region_of: dict[int, int] = {}  # municipality id -> region id
        self.region_names: dict[int, str] = {}
        self.password_hash = make_password(options.password)  # once: Argon2 takes ~50 ms a hash

    # Helpers -----------------------------------------------------------------------------------

    def table(self, model: type[models.Model]) -> Table:
        return self.t[model._meta.label]

    def at(self, day: dt.date, hour: int = 9, rng: random.Random | None = None) -> dt.datetime:
        """A moment on `day` during school hours, Amsterdam time, never in the future."""
        rng = rng or self.rng
        moment = timezone.make_aware(
            dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60), rng.randrange(1_000_000)))
        )
        return min(moment, self.now - dt.timedelta(minutes=1))

    def later(self, moment: dt.datetime, days: float, rng: random.Random | None = None) -> dt.datetime:
        """`days` after `moment`, squeezed before now: recent dossiers move through their steps quicker."""
        rng = rng or self.rng
        room = (self.now - moment).total_seconds() / 3
        seconds = min(days * 86400 + rng.randrange(3600), room)
        return moment + dt.timedelta(seconds=max(seconds, 1), microseconds=rng.randrange(1_000_000))

    def local_date(self, moment: dt.datetime) -> dt.date:
        return timezone.localtime(moment).date()

    def school_year(self, offset: int) -> str:
        start = self.first_year - offset
        return f"{start}-{start + 1}"

    def year_start(self, offset: int) -> dt.date:
        return dt.date(self.first_year - offset, 8, 1)

    # The run -----------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Refuse a database that holds pupils (without --append), and start ids after the existing rows."""
        if Pupil.objects.exists() and not self.options.append:
            raise ScaleDataError(
                "This database already holds pupils: refusing to add synthetic data to it. Use an empty "
                "database, or --append to add to it (existing rows are never changed)."
            )
        if self.options.schools + School.objects.count() > BRIN_CODES:
            raise ScaleDataError(f"There are only {BRIN_CODES:,} BRIN codes (two digits, two letters) for all schools.")
        for table in self.t.values():
            largest = table.model._default_manager.aggregate(m=models.Max("pk"))["m"]
            table.next_id = (largest or 0) + 1
        self.first_ids = {label: table.next_id for label, table in self.t.items()}

    def run(self) -> Summary:
        started = time.monotonic()
        self.prepare()
        options = self.options
        first = self.first_number = school_numbers_taken() + 1
        taken_brins = set(School.objects.values_list("brin_code", flat=True))
        codes = (code for code in brin_codes() if code not in taken_brins)
        board_count = max(1, math.ceil(options.schools / SCHOOLS_PER_BOARD))
        municipality_count = max(1, math.ceil(options.schools / SCHOOLS_PER_MUNICIPALITY))
        per_chunk = max(1, CHUNK_PUPILS // max(1, options.pupils_per_school))
        done = 0
        boards: list[int] = []
        municipalities: list[int] = []
        self.audit.start()
        # Inside a caller's transaction (a test) the rows must go through the caller's connection.
        writer = Writer(background=connection.vendor == "postgresql" and not connection.in_atomic_block)
        try:
            while done < options.schools:
                writer.begin(self.audit.head)
                if not boards:
                    municipalities, boards = self.organisations(first, board_count, municipality_count)
                for index in range(done, min(options.schools, done + per_chunk)):
                    self.school(
                        first + index,
                        next(codes),
                        board_id=boards[index * len(boards) // options.schools],
                        municipality_id=municipalities[index * len(municipalities) // options.schools],
                    )
                    done += 1
                    if sum(len(t.rows) for t in self.t.values()) >= FLUSH_ROWS:
                        writer.write(self.take())
                writer.write(self.take())
                writer.commit(self.audit.head)
                pupils = self.table(Pupil).next_id - self.first_ids["pupils.Pupil"]
                self.progress(
                    f"{done:,}/{options.schools:,} schools, {pupils:,} pupils, "
                    f"{self.audit.sequence:,} audit events in the log, {time.monotonic() - started:.0f} s"
                )
            writer.close()
        except BaseException:
            writer.abort()
            raise
        self.insights(started)
        self.finish()
        summary = Summary(time.monotonic() - started, first_school=first)
        summary.rows = {t.label: t.written for t in self.t.values()}
        return summary

    def insights(self, started: float) -> None:
        """The rollups of every generated school, counted from its records by `rollups.build` (what
        `refresh_insights` writes), and the public figures of the generated municipalities.

        The records are committed by now; the rollup rows go through the same bulk writer (a COPY on
        PostgreSQL, while the next schools are counted), one transaction per chunk of schools.
        """
        today = self.local_date(self.now)
        schools = list(School.objects.filter(pk__gte=self.first_ids["organisations.School"]).order_by("pk"))
        per_chunk = max(1, CHUNK_PUPILS // max(1, self.options.pupils_per_school))
        haven: Counter[tuple[int, int, str]] = Counter()  # (municipality, calendar year, public column)
        wanted = {metric: column for column, metric in PUBLIC_METRICS.items()}
        counts_written = snapshots_written = 0
        writer = Writer(background=connection.vendor == "postgresql" and not connection.in_atomic_block)
        try:
            writer.begin(self.audit.head)
            for done, school in enumerate(schools, start=1):
                counts, snapshots = rollups.build(school, today)
                add_count = self.table(RollupCount).add
                for row in counts:
                    add_count(school.pk, row.month, row.metric, row.dimension, row.count)
                    if row.metric in wanted:
                        haven[(school.municipality_id, row.month.year, wanted[row.metric])] += row.count
                for snapshot in snapshots:
                    self.table(RouteSnapshot).add(school.pk, snapshot.step, snapshot.open, snapshot.stalled)
                self.table(RollupState).add(school.pk, self.now)
                counts_written += len(counts)
                snapshots_written += len(snapshots)
                if sum(len(t.rows) for t in self.t.values()) >= FLUSH_ROWS:
                    writer.write(self.take())
                if done % per_chunk == 0 and done < len(schools):
                    writer.write(self.take())
                    writer.commit(self.audit.head)
                    self.progress(f"rollups of {done:,}/{len(schools):,} schools, {time.monotonic() - started:.0f} s")
                    writer.begin(self.audit.head)
            self.public_figures(schools, haven, today)
            self.audit.event(
                self.now,
                None,
                "insights.refresh",
                school_id=None,
                detail={"schools": len(schools), "counts": counts_written, "route_rows": snapshots_written},
            )
            writer.write(self.take())
            writer.commit(self.audit.head)
            writer.close()
        except BaseException:
            writer.abort()
            raise
        self.progress(f"rollups of {len(schools):,} schools and the public figures, {time.monotonic() - started:.0f} s")

    def public_figures(self, schools: list[School], haven: Counter[tuple[int, int, str]], today: dt.date) -> None:
        """Per generated municipality and calendar year, the published figures as a policy officer would
        import them: the last five complete years, and this year's pupil count (DUO's of 1 October).

        Haven's schools are a part of the municipality's (60-95%), so the pupils are more than Haven
        has, and every published count is at least what Haven's own schools counted that year.
        """
        rng = self.rng2
        schools_in = Counter(school.municipality_id for school in schools)
        created: Counter[int] = Counter()  # per region
        for municipality_id in self.municipality_ids:
            share = rng.uniform(0.6, 0.95)
            base = self.options.pupils_per_school * schools_in[municipality_id] / share
            for year in range(today.year - 5, today.year + 1):
                pupils = round(base * (1 + 0.006 * (year - today.year)) * rng.uniform(0.985, 1.015))
                figures: list[int | None] = [pupils]
                for column, (low, high) in PUBLIC_PER_THOUSAND.items():
                    published = round(pupils / 1000 * rng.uniform(low, high))
                    own = haven[(municipality_id, year, column)]
                    if own:
                        published = max(published, math.ceil(own / share * rng.uniform(1.05, 1.3)))
                    figures.append(None if year == today.year else published)
                self.table(PublicFigure).add(municipality_id, year, *figures)
                created[self.region_of[municipality_id]] += 1
        for region_id, rows in created.items():
            # As the import (`import_public_figures --region`) records it.
            self.audit.event(
                self.now,
                None,
                "insights.import_public_figures",
                school_id=None,
                object_type="region",
                object_id=region_id,
                detail={
                    "created": rows,
                    "updated": 0,
                    "unchanged": 0,
                    "municipalities_created": [],
                    "codes_recorded": 0,
                    "region": self.region_names[region_id],
                    "region_created": False,
                    "added_to_region": [],
                },
            )

    def take(self) -> Batch:
        """The buffered rows of every table (in dependency order), leaving the buffers empty."""
        batch = [(table, table.rows) for table in self.t.values() if table.rows]
        for table in self.t.values():
            table.rows = []
        return batch

    def finish(self) -> None:
        """Move the sequences past the ids used here; let the planner know the new sizes."""
        models_ = [t.model for t in self.t.values()]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models_):
                cursor.execute(statement)
        refresh_planner_statistics([t.db_table for t in self.t.values()])

    # Organisations and people ----------------------------------------------------------------

    def organisations(self, first: int, boards: int, municipalities: int) -> tuple[list[int], list[int]]:
        start = timezone.make_aware(dt.datetime.combine(self.year_start(self.options.years - 1), dt.time(8)))
        start = min(start - dt.timedelta(days=30), self.now - dt.timedelta(days=1))
        existing_m = set(Municipality.objects.values_list("name", flat=True))
        existing_b = set(Board.objects.values_list("name", flat=True))
        taken_codes = set(Municipality.objects.exclude(code=None).values_list("code", flat=True))
        codes = (c for n in range(LAST_MUNICIPALITY_CODE, -1, -1) if (c := f"GM{n:04d}") not in taken_codes)
        municipality_ids, board_ids = [], []
        for index in range(municipalities):
            name = f"{PLACES[index % len(PLACES)]} {first + index:04d}"
            while name in existing_m:
                name += "-2"
            code = next(codes, None)
            if code is None:
                raise ScaleDataError("There are no municipality codes (GM0000-GM9999) left for the new municipalities.")
            pk = self.table(Municipality).add(name, code)
            municipality_ids.append(pk)
            self.analyst(start, f"gemeente-{first + index:04d}", municipality_id=pk)
        for index in range(boards):
            name = f"Stichting Primair Onderwijs {PLACES[(index * 7) % len(PLACES)]} {first + index:04d}"
            while name in existing_b:
                name += "-2"
            pk = self.table(Board).add(name)
            board_ids.append(pk)
            self.analyst(start, f"bestuur-{first + index:04d}", board_id=pk)
        self.regions(start, first, municipality_ids)
        self.municipality_ids = municipality_ids
        return municipality_ids, board_ids

    def regions(self, at: dt.datetime, first: int, municipality_ids: list[int]) -> None:
        """Consecutive municipalities grouped into regions (REGION_SIZES), each with its policy officer."""
        existing = set(Region.objects.values_list("name", flat=True))
        done = index = 0
        while done < len(municipality_ids):
            members = municipality_ids[done : done + REGION_SIZES[index % len(REGION_SIZES)]]
            name = f"Regio {PLACES[(index * 5 + 3) % len(PLACES)]} {first + index:04d}"
            while name in existing:
                name += "-2"
            region_id = self.table(Region).add(name)
            self.region_names[region_id] = name
            for municipality_id in members:
                self.table(Region.municipalities.through).add(region_id, municipality_id)
                self.region_of[municipality_id] = region_id
            self.analyst(at, f"regio-{first + index:04d}", region_id=region_id, rng=self.rng2)
            done += len(members)
            index += 1

    def analyst(
        self,
        at: dt.datetime,
        username: str,
        *,
        board_id: int | None = None,
        municipality_id: int | None = None,
        region_id: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        rng = rng or self.rng
        first_name, last_name = rng.choice(ADULT_FIRST_NAMES), rng.choice(LAST_NAMES)
        user_id = self.table(User).add(
            self.password_hash, username, first_name, last_name, f"{username}@example.org", at
        )
        self.table(AnalystMembership).add(user_id, board_id, municipality_id, region_id)
        self.audit.event(
            at,
            None,
            "staff.create_analyst",
            school_id=None,
            object_type="user",
            object_id=user_id,
            detail={"username": username},
        )

    def user(self, at: dt.datetime, school_id: int, username: str, role: str, creator: Person | None) -> Person:
        first_name, last_name = self.rng.choice(ADULT_FIRST_NAMES), self.rng.choice(LAST_NAMES)
        user_id = self.table(User).add(
            self.password_hash, username, first_name, last_name, f"{username}@example.org", at
        )
        self.table(Membership).add(user_id, school_id, role)
        person = Person(user_id, role, f"{first_name} {last_name}")
        if creator is not None:
            self.audit.event(
                at,
                creator.actor,
                "staff.create",
                school_id=school_id,
                object_type="user",
                object_id=user_id,
                detail={"username": username, "role": role},
            )
        if role in (Role.CARE_COORDINATOR, Role.SAFEGUARDING_LEAD, Role.SCHOOL_LEADER, Role.FUNCTIONAL_ADMIN):
            # As Haven stores a device: a marker in its row, the key encrypted in TOTPKey (haven/accounts/totp.py).
            device_id = self.table(TOTPDevice).add(user_id, "default", totp.SEALED, True, at)
            key_id = self.table(TOTPKey).add(encrypt(TOTP_KEY_HEX, totp.identity(device_id), self.ring))
            if key_id != device_id:  # one key per device, added in the same order: their ids must agree
                raise ScaleDataError(f"TOTP key {key_id} does not belong to device {device_id}.")
            self.audit.event(
                at,
                None,
                "account.enrol_totp",
                school_id=None,
                object_type="user",
                object_id=user_id,
                detail={"username": username},
            )
        return person

    # One school ------------------------------------------------------------------------------

    def school(self, number: int, brin: str, *, board_id: int, municipality_id: int) -> None:
        rng, options = self.rng, self.options
        years = options.years
        n = f"{number:04d}"
        opened = timezone.make_aware(dt.datetime.combine(self.year_start(years - 1), dt.time(8, 30)))
        opened = min(opened - dt.timedelta(days=14), self.now - dt.timedelta(hours=12))
        name = f"{rng.choice(SCHOOL_KINDS)} {SCHOOL_NAMES[number % len(SCHOOL_NAMES)]} {n}"
        school_id = self.table(School).add(name, brin, board_id, municipality_id)
        admin = self.user(opened, school_id, f"beheerder-{n}", Role.FUNCTIONAL_ADMIN, None)
        self.audit.event(
            opened,
            None,
            "school.bootstrap",
            school_id=school_id,
            object_type="school",
            object_id=school_id,
            detail={"brin_code": brin, "admin": f"beheerder-{n}", "created": ["school", "admin"]},
        )
        sections = max(1, round(options.pupils_per_school / GRADES / PUPILS_PER_GROUP))
        staff = SchoolStaff(
            admin=admin,
            ib=self.user(opened, school_id, f"ib-{n}", Role.CARE_COORDINATOR, admin),
            af=self.user(opened, school_id, f"af-{n}", Role.SAFEGUARDING_LEAD, admin),
            leader=self.user(opened, school_id, f"directie-{n}", Role.SCHOOL_LEADER, admin),
            teachers=[
                self.user(opened, school_id, f"leerkracht-{n}-{i + 1}", Role.TEACHER, admin)
                for i in range(GRADES * sections)
            ],
            assistants=[
                self.user(opened, school_id, f"onderwijsassistent-{n}-{i + 1}", Role.TEACHING_ASSISTANT, admin)
                for i in range(max(1, options.pupils_per_school // 150))
            ],
        )
        # Groups per school year: teacher i teaches grade i // sections, section i % sections, every year.
        groups: dict[tuple[int, int, int], tuple[int, str]] = {}  # (year offset, grade, section) -> (id, label)
        for offset in reversed(range(years)):
            year = self.school_year(offset)
            at = self.at(self.year_start(offset) - dt.timedelta(days=10), 10)
            for grade in range(1, GRADES + 1):
                for section in range(sections):
                    group_name = f"Groep {grade}" + (chr(97 + section) if sections > 1 else "")
                    group_id = self.table(Group).add(school_id, group_name, year)
                    teacher = staff.teachers[(grade - 1) * sections + section]
                    self.table(Group.teachers.through).add(group_id, teacher.pk)
                    if grade <= 3:
                        assistant = staff.assistants[(grade - 1 + section) % len(staff.assistants)]
                        self.table(Group.teachers.through).add(group_id, assistant.pk)
                    groups[(offset, grade, section)] = (group_id, f"{group_name} ({year})")
                    self.audit.event(
                        at,
                        admin.actor,
                        "group.save",
                        school_id=school_id,
                        object_type="group",
                        object_id=group_id,
                        detail={"name": group_name, "school_year": year},
                    )
        pupils = self.pupils(school_id, admin, groups, sections)
        self.route(school_id, staff, pupils, sections, showcase=number == self.first_number)

    def pupils(
        self, school_id: int, admin: Person, groups: dict[tuple[int, int, int], tuple[int, str]], sections: int
    ) -> list[PupilInfo]:
        rng, years = self.rng, self.options.years
        pupil_table, placements, household = self.table(Pupil), self.table(GroupPlacement), self.table(HouseholdMember)
        event = self.audit.event
        # The administrator places the whole school in its new groups just before each school year.
        placed_on = {offset: self.at(self.year_start(offset) - dt.timedelta(days=5), 12) for offset in range(years)}
        result = []
        for index in range(self.options.pupils_per_school):
            grade = index % GRADES + 1
            section = (index // GRADES) % sections
            first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            born = dt.date(self.first_year - grade - 4, 10, 1) + dt.timedelta(days=rng.randrange(365))
            present = min(grade, years)  # school years this pupil has been here, within the window
            arrived = self.at(self.year_start(present - 1) - dt.timedelta(days=rng.randrange(5, 40)), 11)
            pupil_id = pupil_table.add(school_id, first_name, last_name, born)
            result.append(PupilInfo(pupil_id, grade, section, f"{first_name} {last_name}"))
            event(
                arrived,
                admin.actor,
                "pupil.save",
                school_id=school_id,
                object_type="pupil",
                object_id=pupil_id,
                pupil_id=pupil_id,
            )
            for offset in reversed(range(present)):
                group_id, label = groups[(offset, grade - offset, section)]
                placements.add(pupil_id, group_id, self.school_year(offset))
                at = arrived if offset == present - 1 else placed_on[offset] + dt.timedelta(seconds=index * 3)
                event(
                    at,
                    admin.actor,
                    "pupil.place",
                    school_id=school_id,
                    object_type="pupil",
                    object_id=pupil_id,
                    pupil_id=pupil_id,
                    detail={"group": label},
                )
            parents = [("mother", True), ("father", rng.random() < 0.75)] if rng.random() < 0.85 else [("mother", True)]
            if rng.random() < 0.12:
                parents.append(("step_parent", True))
            if rng.random() < 0.05:
                parents = [("carer", True)]
            for relation, lives_with in parents:
                member = household.add(pupil_id, f"{rng.choice(ADULT_FIRST_NAMES)} {last_name}", relation, lives_with)
                event(
                    arrived,
                    admin.actor,
                    "pupil.add_household_member",
                    school_id=school_id,
                    object_type="householdmember",
                    object_id=member,
                    pupil_id=pupil_id,
                )
        return result

    # Signals and dossiers ----------------------------------------------------------------------

    def route(
        self, school_id: int, staff: SchoolStaff, pupils: list[PupilInfo], sections: int, *, showcase: bool
    ) -> None:
        """Dossiers at DOSSIER_RATE a school year, noted signals, and this week's inbox.

        The `showcase` school (the first of a run) also gets one dossier in every stage this school
        year, so that a benchmark or a test of one school meets every kind of dossier page.
        """
        rng, years = self.rng, self.options.years
        open_pupils: set[int] = set()
        for offset in reversed(range(years)):
            eligible = [p for p in pupils if p.grade - offset >= 1]
            start = self.year_start(offset)
            end = min(dt.date(start.year + 1, 7, 15), self.local_date(self.now) - dt.timedelta(days=1))
            span = max(1, (end - start).days - 20)

            def teacher_of(pupil: PupilInfo, offset: int = offset) -> Person:
                return staff.teachers[(pupil.grade - offset - 1) * sections + pupil.section]

            stages = [self._stage(offset) for _count in range(self._draw(len(eligible) * DOSSIER_RATE))]
            if showcase and offset == 0:
                stages = [*SHOWCASE, *stages]
            for stage in stages:
                candidates = [p for p in rng.sample(eligible, min(len(eligible), 5)) if p.pk not in open_pupils]
                if not candidates:
                    continue
                pupil = candidates[0]
                day = start + dt.timedelta(days=20 + rng.randrange(span))
                if stage != "closed":
                    open_pupils.add(pupil.pk)
                self.dossier(school_id, staff, pupil, teacher_of(pupil), day, stage)
            for _count in range(self._draw(len(eligible) * NOTED_RATE)):
                pupil = rng.choice(eligible)
                day = start + dt.timedelta(days=20 + rng.randrange(span))
                self.loose_signal(school_id, staff, pupil, teacher_of(pupil), day, noted=True)
        # This week's inbox: signals nobody has handled yet.
        current = [p for p in pupils if p.pk not in open_pupils]
        for _count in range(min(len(current), 1 + len(pupils) // 100)):
            pupil = rng.choice(current)
            day = self.local_date(self.now) - dt.timedelta(days=rng.randrange(1, 10))
            self.loose_signal(
                school_id, staff, pupil, staff.teachers[(pupil.grade - 1) * sections + pupil.section], day, noted=False
            )
        self.without_dossier(school_id, staff, pupils, open_pupils)

    def without_dossier(
        self, school_id: int, staff: SchoolStaff, pupils: list[PupilInfo], open_pupils: set[int]
    ) -> None:
        """Veilig Thuis advice asked and verwijsindex signals placed (and some ended) without a dossier."""
        rng, years = self.rng2, self.options.years
        today = self.local_date(self.now)
        placed: set[int] = set()  # the verwijsindex holds one signal per school and pupil
        for offset in reversed(range(years)):
            eligible = [p for p in pupils if p.grade - offset >= 1]
            start = self.year_start(offset)
            end = min(dt.date(start.year + 1, 7, 15), today - dt.timedelta(days=1))
            span = max(1, (end - start).days - 20)
            for _count in range(self._draw(len(eligible) * ADVICE_RATE, rng)):
                held_on = start + dt.timedelta(days=20 + rng.randrange(span))
                anonymous = rng.random() < ANONYMOUS_ADVICE
                # Anonymous advice is about a situation; the school may still note whom it was about.
                pupil = rng.choice(eligible) if not anonymous or rng.random() < 0.25 else None
                recorder = rng.choice((staff.af, staff.ib))
                recorded_at = self.later(self.at(held_on, 13, rng), 0.2, rng)
                request = self.table(AdviceRequest).add(
                    school_id,
                    held_on,
                    anonymous,
                    rng.choice(ADVICE_QUESTIONS),
                    rng.choice(ADVICE_ANSWERS),
                    pupil.pk if pupil else None,
                    recorder.pk,
                    recorded_at,
                )
                self.audit.event(
                    recorded_at,
                    recorder.actor,
                    "advice_request.record",
                    school_id=school_id,
                    object_type="advicerequest",
                    object_id=request,
                    pupil_id=pupil.pk if pupil else None,
                    detail={"held_on": held_on.isoformat(), "anonymous": anonymous},
                )
            candidates = [p for p in eligible if p.pk not in open_pupils and p.pk not in placed]
            for _count in range(min(len(candidates), self._draw(len(eligible) * REFERRAL_RATE, rng))):
                pupil = candidates.pop(rng.randrange(len(candidates)))
                on = start + dt.timedelta(days=20 + rng.randrange(span))
                self.referral_entry(school_id, rng.choice((staff.af, staff.ib)), pupil, "placed", on)
                ended = on + dt.timedelta(days=rng.randrange(90, 270))
                if ended < today and rng.random() < REFERRAL_ENDED:
                    self.referral_entry(school_id, staff.af, pupil, "ended", ended)
                else:
                    placed.add(pupil.pk)

    def referral_entry(self, school_id: int, recorder: Person, pupil: PupilInfo, action: str, on: dt.date) -> None:
        recorded_at = self.later(self.at(on, 14, self.rng2), 0.2, self.rng2)
        entry = self.table(ReferralIndexEntry).add(school_id, None, pupil.pk, action, on, recorder.pk, recorded_at)
        self.audit.event(
            recorded_at,
            recorder.actor,
            f"referral_index.{action}",
            school_id=school_id,
            object_type="referralindexentry",
            object_id=entry,
            pupil_id=pupil.pk,
            detail={"on": on.isoformat(), "dossier": False},
        )

    def _draw(self, expected: float, rng: random.Random | None = None) -> int:
        whole = int(expected)
        return whole + (1 if (rng or self.rng).random() < expected - whole else 0)

    STAGES_NOW = (
        ("new", 12),
        ("consultation", 14),
        ("conversation", 12),
        ("weighing", 10),
        ("decision", 10),
        ("reported", 14),
        ("help", 14),
        ("closed", 14),
    )
    STAGES_LAST_YEAR = (("reported", 6), ("help", 10), ("closed", 84))
    STAGES_BEFORE = (("help", 3), ("closed", 97))

    def _stage(self, offset: int) -> str:
        stages = self.STAGES_NOW if offset == 0 else self.STAGES_LAST_YEAR if offset == 1 else self.STAGES_BEFORE
        return self.rng.choices([s for s, _w in stages], weights=[w for _s, w in stages])[0]

    def signal_row(
        self,
        school_id: int,
        pupil: PupilInfo,
        author: Person,
        observed: dt.datetime,
        logged: dt.datetime,
        *,
        status: str,
        case_id: int | None,
        noted_reason: str = "",
        triaged_by: Person | None = None,
        triaged_at: dt.datetime | None = None,
    ) -> int:
        rng = self.rng
        category, facts = rng.choice(SIGNAL_TEXTS)
        source = rng.choice(("own_observation", "own_observation", "child_told", "parent", "colleague", "other_pupil"))
        words = rng.choice(CHILD_WORDS) if source == "child_told" else ""
        signal_id = self.table(Signal).add(
            school_id,
            pupil.pk,
            author.pk,
            observed,
            source,
            [category],
            facts,
            words,
            rng.choice(INTERPRETATIONS),
            rng.choice(CONTEXTS),
            logged,
            status,
            case_id,
            noted_reason,
            triaged_by.pk if triaged_by else None,
            triaged_at,
        )
        self.audit.event(
            logged,
            author.actor,
            "signal.log",
            school_id=school_id,
            object_type="signal",
            object_id=signal_id,
            pupil_id=pupil.pk,
            detail={"source": source, "categories": [category]},
        )
        return signal_id

    def loose_signal(
        self, school_id: int, staff: SchoolStaff, pupil: PupilInfo, author: Person, day: dt.date, *, noted: bool
    ) -> None:
        observed = self.at(day, 10)
        logged = self.later(observed, 0.1)
        if noted:
            triager = self.rng.choice((staff.ib, staff.af))
            triaged = self.later(logged, 2)
            reason = "Eenmalig signaal; de leerkracht houdt het in de gaten en meldt opnieuw bij meer zorgen."
            signal_id = self.signal_row(
                school_id,
                pupil,
                author,
                observed,
                logged,
                status="noted",
                case_id=None,
                noted_reason=reason,
                triaged_by=triager,
                triaged_at=triaged,
            )
            self.audit.event(
                triaged,
                triager.actor,
                "signal.view",
                kind="read",
                school_id=school_id,
                object_type="signal",
                object_id=signal_id,
                pupil_id=pupil.pk,
            )
            self.audit.event(
                triaged,
                triager.actor,
                "signal.note",
                school_id=school_id,
                object_type="signal",
                object_id=signal_id,
                pupil_id=pupil.pk,
            )
        else:
            signal_id = self.signal_row(school_id, pupil, author, observed, logged, status="new", case_id=None)
            if self.rng.random() < 0.5:
                self.look_along(school_id, signal_id, pupil, author, logged, None, None)

    def look_along(
        self,
        school_id: int,
        signal_id: int,
        pupil: PupilInfo,
        author: Person,
        at: dt.datetime,
        picker: Person | None,
        picked_at: dt.datetime | None,
    ) -> None:
        request_id = self.table(LookAlongRequest).add(
            school_id, signal_id, author.pk, at, picker.pk if picker else None, picked_at
        )
        # Asked before the signal was in a dossier.
        self.audit.event(
            at,
            author.actor,
            "signal.request_look_along",
            school_id=school_id,
            object_type="lookalongrequest",
            object_id=request_id,
            pupil_id=pupil.pk,
        )
        if picker is not None and picked_at is not None:
            self.audit.event(
                picked_at,
                picker.actor,
                "signal.pick_up_look_along",
                school_id=school_id,
                object_type="lookalongrequest",
                object_id=request_id,
                pupil_id=pupil.pk,
            )

    def dossier(
        self, school_id: int, staff: SchoolStaff, pupil: PupilInfo, teacher: Person, day: dt.date, stage: str
    ) -> None:
        """One dossier taken through the route up to `stage`, with every record's audit event.

        A closed dossier stops at a step of STOP_STEPS. So that every other row stays what the same
        seed gave before closed dossiers stopped early, the route is still drawn in full from the
        main stream, and what came after the stop is then taken back (`Mark`): the rows and audit
        events after it, and the ids they took. The closure, at the step where it stopped, draws
        from the monitoring's stream.
        """
        stop = None
        if stage == "closed":
            stop = self.rng2.choices([s for s, _w in STOP_STEPS], weights=[w for _s, w in STOP_STEPS])[0]
        marks: dict[int, tuple[Mark, dt.datetime, int, Person]] = {}
        self._dossier(school_id, staff, pupil, teacher, day, stage, stop, marks)
        if stop is not None and stop in marks:
            mark, t, case_id, lead = marks[stop]
            self.rollback(mark)
            reasons = STOP_REASONS[stop]
            reason = self.rng2.choices([r for r, _w in reasons], weights=[w for _r, w in reasons])[0]
            at = self.later(t, self.rng2.randrange(3, 40), self.rng2)
            self.close(case_id, school_id, pupil, lead, at, reason, stop)

    def mark(self) -> Mark:
        return Mark({label: (len(t.rows), t.next_id) for label, t in self.t.items()}, self.audit.head)

    def rollback(self, mark: Mark) -> None:
        """Take back every row and audit event added since `mark` (all still in the buffers)."""
        for label, (rows, next_id) in mark.tables.items():
            table = self.t[label]
            if len(table.rows) < rows:
                raise ScaleDataError(f"{label}: rows were written since the mark; nothing can be taken back.")
            del table.rows[rows:]
            table.next_id = next_id
        self.audit.sequence, self.audit.last_hash = mark.audit

    def _dossier(
        self,
        school_id: int,
        staff: SchoolStaff,
        pupil: PupilInfo,
        teacher: Person,
        day: dt.date,
        stage: str,
        stop: int | None,
        marks: dict[int, tuple[Mark, dt.datetime, int, Person]],
    ) -> None:
        rng, audit = self.rng, self.audit
        lead = staff.af if rng.random() < 0.6 else staff.ib
        opener = rng.choice((staff.af, staff.ib))
        decider = staff.af if rng.random() < 0.7 else staff.leader
        p = pupil.pk

        def event(
            at: dt.datetime,
            actor: Person,
            action: str,
            object_type: str,
            object_id: int,
            detail: dict[str, Any] | None = None,
            kind: str = "change",
        ) -> None:
            audit.event(
                at,
                actor.actor,
                action,
                school_id=school_id,
                object_type=object_type,
                object_id=object_id,
                pupil_id=p,
                case_id=case_id,
                kind=kind,
                detail=detail,
            )

        # Step 1: the first signal, perhaps a look-along request, then the dossier.
        observed = self.at(day, 10)
        logged = self.later(observed, 0.1)
        picked_at = self.later(logged, 1) if rng.random() < 0.4 else None
        opened_at = self.later(picked_at or logged, 1)
        closing = stage == "closed"
        acute = stage == "acute" or (stage == "reported" and rng.random() < 0.15)
        # Rows hold the final state; the events tell how it got there.
        case_id = self.table(Case).add(
            school_id, p, lead.pk, "closed" if closing else "open", acute, opener.pk, opened_at
        )
        signal_id = self.signal_row(
            school_id,
            pupil,
            teacher,
            observed,
            logged,
            status="in_case",
            case_id=case_id,
            triaged_by=opener,
            triaged_at=opened_at,
        )
        if picked_at is not None:
            self.look_along(school_id, signal_id, pupil, teacher, logged, opener, picked_at)
        members = {opener.pk, lead.pk, teacher.pk}
        for user_id in members:
            self.table(CaseMember).add(case_id, user_id, opener.pk, opened_at)
        event(opened_at, opener, "case.open", "case", case_id, {"lead": lead.name})
        t = opened_at
        event(self.later(t, 0.01), lead, "case.view", "case", case_id, kind="read")
        for _extra in range(rng.choices((0, 1, 2), weights=(55, 30, 15))[0]):
            observed = self.later(t, 7)
            t = self.later(observed, 0.2)
            triaged = self.later(t, 0.5)
            signal_id = self.signal_row(
                school_id,
                pupil,
                teacher,
                observed,
                t,
                status="in_case",
                case_id=case_id,
                triaged_by=lead,
                triaged_at=triaged,
            )
            t = triaged
            event(t, lead, "signal.attach", "signal", signal_id)
        if stop == Step.CONSULTATION:
            marks[stop] = (self.mark(), t, case_id, lead)
        if stage == "new":
            return
        if acute:
            t = self.later(t, 1)
            explanation = "Het kind vertelt dat het vanavond niet naar huis durft; direct handelen."
            for step in (2, 3, 4):
                self.table(StepSkip).add(case_id, decider.pk, t, step, "acute", explanation)
            event(t, decider, "case.acute", "case", case_id, {"skipped_steps": [2, 3, 4]})
            outcome = "report"
            answers: tuple[bool, bool | None, bool | None, bool | None, None] = (True, True, None, None, None)
        else:
            # Step 2: consultations.
            for _c in range(rng.choices((1, 2), weights=(70, 30))[0]):
                t = self.later(t, 6)
                consulted = rng.choice(
                    ("veilig_thuis", "veilig_thuis", "care_coordinator", "school_doctor", "colleague")
                )
                anonymous = consulted == "veilig_thuis"
                record = self.table(Consultation).add(
                    case_id,
                    lead.pk,
                    t,
                    self.local_date(t),
                    consulted,
                    "Veilig Thuis, adviesgesprek" if anonymous else "Schoolarts GGD",
                    anonymous,
                    rng.choice(CONSULT_QUESTIONS),
                    rng.choice(CONSULT_ADVICE),
                    "Gesprek met de ouders plannen.",
                )
                event(
                    t,
                    lead,
                    "case.consultation",
                    "consultation",
                    record,
                    {"consulted": consulted, "anonymous": anonymous},
                )
            if stop == Step.CONVERSATION:
                marks[stop] = (self.mark(), t, case_id, lead)
            if stage == "consultation":
                return
            # Step 3: the conversation, or the lawful reason to skip it.
            t = self.later(t, 8)
            if rng.random() < 0.9:
                participants = ["mother", "father"] if rng.random() < 0.6 else ["mother"]
                if rng.random() < 0.3:
                    participants.append("pupil")
                record = self.table(Conversation).add(
                    case_id,
                    lead.pk,
                    t,
                    self.local_date(t),
                    json.dumps(participants),
                    True,
                    "Kamer van de intern begeleider",
                    rng.choice(SHARED),
                    rng.choice(REACTIONS),
                    "Over vier weken een vervolggesprek.",
                    rng.choice(("agreed", "seen", "not_asked")),
                )
                event(t, lead, "case.conversation", "conversation", record, {"participants": participants})
            else:
                reason = rng.choice(("child_safety", "others_safety", "break_of_contact"))
                record = self.table(StepSkip).add(
                    case_id,
                    lead.pk,
                    t,
                    3,
                    reason,
                    "Een gesprek brengt het kind nu in gevaar.",
                )
                event(t, lead, "case.skip_conversation", "stepskip", record, {"reason": reason})
            if stop == Step.WEIGHING:
                marks[stop] = (self.mark(), t, case_id, lead)
            if stage == "conversation":
                return
            # Step 4: weighing (questions 1-2). The outcome fixes the answers.
            if stage in ("reported",):
                outcome = rng.choice(("report", "report", "report_and_help"))
            elif stage == "help":
                outcome = "help"
            elif stage == "decision":
                outcome = rng.choice(("report", "help", "help", "report_and_help"))
            else:  # weighing, closed
                outcome = rng.choice(("close", "help", "report", "close"))
            answers = {
                "report": (True, True, None, None, None),
                "report_and_help": (True, True, None, None, None),
                "help": (True, False, True, True, None),
                "close": (False, None, None, None, None),
            }[outcome]
            t = self.later(t, 7)
            record = self.table(Weighing).add(
                case_id,
                lead.pk,
                t,
                answers[0],
                rng.choice(EXPLANATIONS),
                answers[1],
                rng.choice(EXPLANATIONS) if answers[0] else "",
                "Financiële zorgen; weinig netwerk.",
                "Betrokken grootouders.",
                rng.randrange(4, 9),
                rng.randrange(3, 9),
            )
            event(t, lead, "case.weighing", "weighing", record, {"suspicion": answers[0], "unsafety": answers[1]})
            if stage == "weighing":
                return
            if stage == "closed" and rng.random() < 0.15:
                self.close(case_id, school_id, pupil, lead, self.later(t, 10), "too_vague", Step.DECISION)
                return
        # Step 5: the decision.
        t = self.later(t, 3)
        advice = {"report": "report", "report_and_help": "report", "help": "help", "close": "close"}[outcome]
        decision = self.table(Decision).add(
            case_id,
            decider.pk,
            t,
            *answers,
            advice,
            outcome,
            "Afgewogen met het afwegingskader; zie de weging.",
            "",
            t,
        )
        if decider.pk not in members:
            members.add(decider.pk)
            self.table(CaseMember).add(case_id, decider.pk, decider.pk, t)
        event(
            t,
            decider,
            "case.decision",
            "decision",
            decision,
            {"outcome": outcome, "advice": advice, "decided_by": decider.name},
        )
        event(self.later(t, 0.01), decider, "case.view", "case", case_id, kind="read")
        reports = outcome in ("report", "report_and_help")
        helps = outcome in ("help", "report_and_help")
        if reports:
            t = self.later(t, 0.3 if acute else 2)
            made = stage != "decision"
            made_on = self.local_date(t) if made else None
            report = self.table(Report).add(
                case_id,
                decider.pk,
                t,
                "School van het kind; contact met beide ouders.",
                "Nieuwe signalen na het gesprek met de ouders.",
                rng.choice(SIGNAL_TEXTS)[1],
                "Moeder, vader, het kind en een jongere broer op hetzelfde adres.",
                "Onderzoek naar de veiligheid thuis.",
                True,
                "Telefonisch door de aandachtsfunctionaris.",
                made_on,
                decider.pk if made else None,
                f"VT-{case_id:07d}" if made else "",
                t,
            )
            event(t, decider, "case.report_draft", "report", report)
            if not made:
                return
            event(self.later(t, 0.05), decider, "case.report_made", "report", report, {"made_by": decider.name})
            t = self.later(t, 3)
            agreed_on = self.local_date(t) + dt.timedelta(weeks=10)
            received = agreed_on < self.local_date(self.now) and rng.random() < 0.7
            outcome_vt = rng.choice(("confirmed", "not_confirmed", "refuted")) if received else ""
            lead_vt = rng.choice(("veilig_thuis", "local_team", "involved_help"))
            follow_up = self.table(ReportFollowUp).add(
                report,
                agreed_on,
                "Telefonisch aan de aandachtsfunctionaris.",
                lead_vt,
                outcome_vt,
                agreed_on if received else None,
                t,
                t,
                lead.pk,
            )
            event(
                t,
                lead,
                "followup.feedback_agreed",
                "reportfollowup",
                follow_up,
                {"report": report, "agreed_on": agreed_on.isoformat()},
            )
            t = self.later(t, 5)
            event(t, lead, "followup.lead", "reportfollowup", follow_up, {"report": report, "lead": lead_vt})
            if received:
                t = max(t, self.at(agreed_on, 14))
                event(
                    t,
                    lead,
                    "followup.feedback",
                    "reportfollowup",
                    follow_up,
                    {"report": report, "outcome": outcome_vt, "received_on": agreed_on.isoformat()},
                )
        if helps and stage != "decision":
            t = self.later(t, 5)
            starts = self.local_date(t)
            ends = starts + dt.timedelta(weeks=26)
            moments = [starts + dt.timedelta(weeks=8), starts + dt.timedelta(weeks=16), ends]
            plan = self.table(HelpPlan).add(
                case_id,
                decision,
                rng.choice(HELP_TEXTS),
                "Wijkteam",
                True,
                "Besproken en afgesproken met beide ouders.",
                starts,
                ends,
                lead.pk,
                t,
            )
            today = self.local_date(self.now)
            answered = []
            for due in moments:
                done = due < today and (closing or rng.random() < 0.8)
                effective = rng.random() < 0.8 if done else None
                moment = self.table(EvaluationMoment).add(
                    plan,
                    due,
                    effective,
                    "De hulp loopt volgens afspraak." if done else "",
                    due if done else None,
                    lead.pk if done else None,
                )
                if done:
                    answered.append((moment, due, effective))
            event(
                t,
                lead,
                "followup.plan",
                "helpplan",
                plan,
                {
                    "decision": decision,
                    "agreed_with_parents": True,
                    "starts_on": starts.isoformat(),
                    "ends_on": ends.isoformat(),
                    "evaluations": [m.isoformat() for m in moments],
                },
            )
            for moment, due, effective in answered:
                t = max(t, self.at(due, 15))
                event(
                    t,
                    lead,
                    "followup.evaluation",
                    "evaluationmoment",
                    moment,
                    {"plan": plan, "due_on": due.isoformat(), "effective": effective},
                )
        if closing:
            reason = {
                "close": "explained",
                "help": "help_working",
                "report": "taken_over",
                "report_and_help": "taken_over",
            }[outcome]
            self.close(case_id, school_id, pupil, lead, self.later(t, 14), reason, Step.DECISION)

    def close(
        self, case_id: int, school_id: int, pupil: PupilInfo, lead: Person, at: dt.datetime, reason: str, step: int
    ) -> None:
        """The closure at the step the route was in; "not_recorded" is Haven's own closing (a pupil who
        left, retention): no person, no explanation."""
        by_haven = reason == Closure.Reason.NOT_RECORDED
        explanation = "" if by_haven else "Afgesloten na overleg met de betrokkenen."
        # Haven's own closing names nobody where the column allows it (as services.close_case_unrecorded).
        recorder = None if by_haven and Closure._meta.get_field("recorded_by").null else lead.pk
        closure = self.table(Closure).add(case_id, recorder, at, reason, explanation, int(step))
        self.audit.event(
            at,
            None if by_haven else lead.actor,
            "case.close",
            school_id=school_id,
            object_type="closure",
            object_id=closure,
            pupil_id=pupil.pk,
            case_id=case_id,
            detail={"reason": reason, "step": int(step)},
        )
