"""EDEXML 2.x, the exchange format that ParnasSys and ESIS export, read with lxml.

The parts Haven uses (element names as in the format, without a namespace):

    <EDEX>
      <school><schooljaar>2026-2027</schooljaar><brincode>00AA</brincode><xsdversie>2.1</xsdversie></school>
      <groepen>
        <groep key="G5"><naam>Groep 5</naam></groep>
        <samengestelde_groep key="S1"><naam>Leesclub</naam></samengestelde_groep>
      </groepen>
      <leerlingen>
        <leerling key="1001"><achternaam>Berg</achternaam><voorvoegsel>van den</voorvoegsel>
          <roepnaam>Sanne</roepnaam><geboortedatum>2017-03-04</geboortedatum><groep key="G5"/></leerling>
      </leerlingen>
      <leerkrachten>
        <leerkracht key="T1"><achternaam>Jansen</achternaam><roepnaam>Eva</roepnaam>
          <emailadres>e.jansen@school.nl</emailadres><groepen><groep key="G5"/></groepen></leerkracht>
      </leerkrachten>
    </EDEX>

The file is refused as a whole (`FileRefused`) when it is not XML, has another root, cannot be read
in its declared encoding, has a DOCTYPE (entities are never expanded), another major version, or
no school year. A pupil without a key, with a key used twice, without a name, with an impossible
date of birth or an unknown group becomes a rejected row with the reason.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _
from lxml import etree  # type: ignore[import-untyped]  # no stubs installed

from haven.pupils.administration.records import (
    MAX_FILE_BYTES,
    FileRefused,
    Incoming,
    IncomingGroup,
    IncomingPupil,
    IncomingTeacher,
    Rejected,
)
from haven.pupils.dates import birth_date_problem

SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
MAX_TEXT = 100  # names: Haven's columns hold 100 characters


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if _local(child) == name:
            return child
    return None


def _children(element: etree._Element | None, name: str) -> list[etree._Element]:
    if element is None:
        return []
    return [child for child in element if _local(child) == name]


def _text(element: etree._Element, name: str) -> str:
    child = _child(element, name)
    return " ".join((child.text or "").split()) if child is not None else ""


def too_large_message() -> str:
    return _("The file is larger than %(mb)s MB. Export only this school's pupils, groups and teachers.") % {
        "mb": MAX_FILE_BYTES // (1024 * 1024)
    }


def _parse_xml(data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        text = str(error).lower()
        if "encoding" in text or "utf-8" in text or "not proper" in text:
            raise FileRefused(
                _(
                    "The file cannot be read in the character encoding it declares (for example UTF-8). "
                    "Export it again from the administration without changing it."
                )
            ) from None
        raise FileRefused(_("The file is not a valid XML file. Export it again from the administration.")) from None
    except ValueError:
        raise FileRefused(_("The file is not a valid XML file. Export it again from the administration.")) from None
    if root.getroottree().docinfo.doctype:
        raise FileRefused(_("The file contains a DOCTYPE declaration. Haven does not read such files."))
    return root


def parse_edexml(data: bytes, today: dt.date) -> Incoming:
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(too_large_message())
    root = _parse_xml(data)
    if _local(root) != "EDEX":
        raise FileRefused(
            _("This is not an EDEXML file: the file starts with <%(root)s>, an EDEXML file with <EDEX>.")
            % {"root": _local(root)[:40]}
        )
    school = _child(root, "school")
    if school is None:
        raise FileRefused(_("The EDEXML file has no <school> part."))
    version = _text(school, "xsdversie")
    if version and not version.startswith("2."):
        raise FileRefused(
            _("This EDEXML file has version %(version)s; Haven reads version 2.x.") % {"version": version}
        )
    school_year = _text(school, "schooljaar")
    match = SCHOOL_YEAR.match(school_year)
    if not match or int(match[2]) != int(match[1]) + 1:
        raise FileRefused(_("The EDEXML file names no school year (such as 2026-2027) in <schooljaar>."))
    pupils_part = _child(root, "leerlingen")
    if pupils_part is None:
        raise FileRefused(_("The EDEXML file has no <leerlingen> part."))

    incoming = Incoming(school_year=school_year, brin=_text(school, "brincode").upper())
    groups_part = _child(root, "groepen")
    group_names: dict[str, str] = {}
    composite_names: dict[str, str] = {}
    seen_names: set[str] = set()
    for composite, tag in ((False, "groep"), (True, "samengestelde_groep")):
        for element in _children(groups_part, tag):
            key = (element.get("key") or "").strip()
            name = _text(element, "naam")[:60] or key[:60]
            if not key or not name:
                raise FileRefused(_("A group in the EDEXML file has no key or no name."))
            target = composite_names if composite else group_names
            if key in group_names or key in composite_names:
                raise FileRefused(_("The key %(key)s of a group is used twice.") % {"key": key[:40]})
            target[key] = name
            if name not in seen_names:
                seen_names.add(name)
                incoming.groups.append(IncomingGroup(name=name, composite=composite))

    leerlingen = _children(pupils_part, "leerling")
    counts: dict[str, int] = {}
    for element in leerlingen:
        key = (element.get("key") or "").strip()
        counts[key] = counts.get(key, 0) + 1
    for row, element in enumerate(leerlingen, start=1):
        key = (element.get("key") or "").strip()[:64]
        problem = _pupil_problem(element, key, counts, group_names, today)
        if problem:
            incoming.rejected.append(Rejected(row=row, key=key, reason=problem))
            continue
        group = _child(element, "groep")
        prefix = _text(element, "voorvoegsel")
        surname = _text(element, "achternaam")
        incoming.pupils.append(
            IncomingPupil(
                key=key,
                first_name=_text(element, "roepnaam")[:MAX_TEXT],
                last_name=(f"{prefix} {surname}" if prefix else surname)[:MAX_TEXT],
                date_of_birth=dt.date.fromisoformat(_text(element, "geboortedatum")),
                group=group_names[(group.get("key") or "").strip()] if group is not None else "",
                row=row,
            )
        )

    for element in _children(_child(root, "leerkrachten"), "leerkracht"):
        teacher_groups: list[str] = []
        for part in _children(element, "groepen"):
            for ref in part:
                ref_key = (ref.get("key") or "").strip()
                name = group_names.get(ref_key) or composite_names.get(ref_key)
                if name and name not in teacher_groups:
                    teacher_groups.append(name)
        prefix = _text(element, "voorvoegsel")
        surname = _text(element, "achternaam")
        incoming.teachers.append(
            IncomingTeacher(
                key=(element.get("key") or "").strip()[:64],
                first_name=_text(element, "roepnaam")[:150],
                last_name=(f"{prefix} {surname}" if prefix else surname)[:150],
                email=_text(element, "emailadres").lower()[:254],
                groups=tuple(teacher_groups),
            )
        )
    return incoming


def _pupil_problem(
    element: etree._Element, key: str, counts: dict[str, int], groups: dict[str, str], today: dt.date
) -> str:
    if not key:
        return _("The pupil has no key (leerling key=...): Haven matches pupils on it.")
    if counts.get(key, 0) > 1:
        return _("The key %(key)s is used for more than one pupil.") % {"key": key}
    if not _text(element, "roepnaam") or not _text(element, "achternaam"):
        return _("The first name (roepnaam) or the surname (achternaam) is missing.")
    problem = date_problem(_text(element, "geboortedatum"), today)
    if problem:
        return problem
    group = _child(element, "groep")
    if group is not None and (group.get("key") or "").strip() not in groups:
        return _("The group %(key)s is not among the groups in the file.") % {"key": (group.get("key") or "")[:40]}
    return ""


def date_problem(text: str, today: dt.date) -> str:
    """Why this date of birth (as written in the file) cannot be taken; "" when it can."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return _("The date of birth %(date)s is not a date (write it as 2017-03-04).") % {"date": text[:20] or "-"}
    if birth_date_problem(day, today=today):
        return _("The date of birth %(date)s lies in the future or too long ago.") % {"date": text}
    return ""
