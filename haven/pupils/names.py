"""Dutch name order: by surname without its tussenvoegsel ("de", "van den"), then first name.

A Dutch surname such as "van den Berg" sorts under B, as in a class list or a phone book. The rule
is one list of tussenvoegsels, used twice: as `surname_sort_key` for sorting in Python, and as the
database expression `surname_sort_expression` behind `Pupil.sort_surname`, a generated column
that every insert fills (bulk inserts and the scale generator's COPY too), so that lists of
pupils sort in the database, on the column's index. Both strip the longest tussenvoegsel that a
surname starts with (followed by a space or, for "d'", directly by the name) and lower-case what
is left (SQLite lower-cases ASCII letters only, which matters only for names that differ in the
case of an accented first letter); tests/integration/test_pupil_names.py checks that the two agree.
"""

from django.db.models import Case, F, When
from django.db.models.expressions import Expression
from django.db.models.functions import Lower, Substr
from django.db.models.lookups import StartsWith

# The common Dutch (and Flemish) tussenvoegsels, lower case, each with what separates it from the
# name. Longest first, so "van den Berg" loses "van den ", not only "van ".
TUSSENVOEGSELS: tuple[str, ...] = tuple(
    sorted(
        {
            "van der ",
            "van den ",
            "van de ",
            "van het ",
            "van 't ",
            "van ter ",
            "van ",
            "in 't ",
            "in het ",
            "in de ",
            "in den ",
            "op de ",
            "op den ",
            "op het ",
            "op 't ",
            "uit de ",
            "uit den ",
            "uit het ",
            "de la ",
            "de le ",
            "de ",
            "den ",
            "der ",
            "del ",
            "het ",
            "'t ",
            "te ",
            "ten ",
            "ter ",
            "la ",
            "le ",
            "du ",
            "d'",
        },
        key=lambda prefix: (-len(prefix), prefix),
    )
)


def strip_tussenvoegsel(surname: str) -> str:
    """The surname without the tussenvoegsel it starts with, as written ("van den Berg" -> "Berg")."""
    lowered = surname.lower()
    for prefix in TUSSENVOEGSELS:
        if lowered.startswith(prefix):
            return surname[len(prefix) :]
    return surname


def surname_sort_key(surname: str) -> str:
    return strip_tussenvoegsel(surname).lower()


def sort_key(first_name: str, last_name: str) -> tuple[str, str]:
    """The key of one pupil in Dutch name order, for lists sorted in Python."""
    return (surname_sort_key(last_name), first_name)


def surname_sort_expression(field: str = "last_name") -> Expression:
    """`surname_sort_key` as a database expression over `field` (for the generated column).

    LOWER(name) LIKE 'van der %', not Django's istartswith: that compares with UPPER('van der %'),
    whose collation PostgreSQL cannot determine in a generated column."""
    return Lower(
        Case(
            *(
                When(StartsWith(Lower(F(field)), prefix), then=Substr(F(field), len(prefix) + 1))
                for prefix in TUSSENVOEGSELS
            ),
            default=F(field),
        )
    )
