"""Generated files of a school's administration, for the benchmark and the tests: a school of any
size as EDEXML 2.1 and as CSV, from a fixed seed (the same file every time)."""

from __future__ import annotations

import datetime as dt
import random
from xml.sax.saxutils import escape

FIRST = ("Fenna", "Bram", "Emma", "Jesse", "Julia", "Sem", "Tess", "Lucas", "Zoë", "Finn", "Mila", "Levi")
LAST = ("Berg", "Jansen", "Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Dijkstra")
PREFIX = ("", "", "", "van den", "de", "van", "van der")
PER_GROUP = 25


def _pupils(count: int, school_year: str, seed: int) -> list[tuple[str, str, str, str, dt.date, str]]:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    start = int(school_year[:4])
    rows = []
    for number in range(count):
        grade = 1 + number % 8
        group = f"Groep {grade}{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[(number // 8) // PER_GROUP % 26]}"
        born = dt.date(start - 4 - grade, 1 + rng.randrange(12), 1 + rng.randrange(28))
        rows.append((f"{100000 + number}", rng.choice(FIRST), rng.choice(PREFIX), rng.choice(LAST), born, group))
    return rows


def edexml(count: int, *, brin: str = "", school_year: str = "2026-2027", seed: int = 1) -> bytes:
    pupils = _pupils(count, school_year, seed)
    groups = sorted({row[5] for row in pupils})
    keys = {name: f"G{index}" for index, name in enumerate(groups, start=1)}
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<EDEX>',
        f"<school><schooljaar>{school_year}</schooljaar><brincode>{brin}</brincode><xsdversie>2.1</xsdversie></school>",
        "<groepen>",
        *(f'<groep key="{keys[name]}"><naam>{escape(name)}</naam></groep>' for name in groups),
        "</groepen><leerlingen>",
    ]
    for key, first, prefix, last, born, group in pupils:
        parts.append(
            f'<leerling key="{key}"><achternaam>{escape(last)}</achternaam><voorvoegsel>{escape(prefix)}</voorvoegsel>'
            f"<roepnaam>{escape(first)}</roepnaam><geboortedatum>{born.isoformat()}</geboortedatum>"
            f'<groep key="{keys[group]}"/></leerling>'
        )
    parts.append("</leerlingen><leerkrachten>")
    for index, name in enumerate(groups, start=1):
        parts.append(
            f'<leerkracht key="T{index}"><achternaam>Leerkracht {index}</achternaam><roepnaam>Juf</roepnaam>'
            f'<emailadres>leerkracht{index}@school.example</emailadres><groepen><groep key="{keys[name]}"/></groepen>'
            "</leerkracht>"
        )
    parts.append("</leerkrachten></EDEX>\n")
    return "\n".join(parts).encode("utf-8")


def csv(count: int, *, school_year: str = "2026-2027", seed: int = 2, encoding: str = "utf-8-sig") -> bytes:
    lines = ["Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep"]
    for key, first, prefix, last, born, group in _pupils(count, school_year, seed):
        lines.append(f"{key};{first};{prefix};{last};{born.strftime('%d-%m-%Y')};{group}")
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
