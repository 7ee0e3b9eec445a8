"""How a notice from outside names a pupil, compared with how the school's administration does. Pure.

A sender types names in its own way: capitals, accents, spaces and the tussenvoegsel in the first
or last name field ("de Vries" or "Vries, de"). Two names are the same when their letters are,
read in order, with the tussenvoegsel anywhere. Never enough on its own: the date of birth must be
the same too, and exactly one pupil of the school must match (`services.receive_police_notice`).
"""

import unicodedata


def _letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isalnum()).casefold()


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.replace(",", " ").replace("-", " "))
    return sorted(word for word in (_letters(part) for part in decomposed.split()) if word)


def same_name(first_name: str, last_name: str, pupil_first_name: str, pupil_last_name: str) -> bool:
    """The same first name, and the same words in the last name (the tussenvoegsel in any place)."""
    if not _letters(first_name) or not _letters(last_name):
        return False
    return _letters(first_name) == _letters(pupil_first_name) and _words(last_name) == _words(pupil_last_name)
