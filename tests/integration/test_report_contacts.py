"""What Veilig Thuis asks first, and the report as a document.

Reads as the specification. The report to Veilig Thuis holds the reporter's name, function, phone
and e-mail, the school's name and address, the pupil's address and the contact details of the
parents or carers (or, explicitly, that they are not known). The form prefills them from the
reporter's account (an optional phone number on the account), the school's address and the
pupil's address (kept encrypted like the household's names), and the conversation with the
parents (step 3) like the other steps; the AF corrects each of them. Veilig Thuis must be able to
reach the reporter: a phone number or an e-mail address is required.

The print page and the PDF read as a report: the parts and the items are headings ("Relatie tot
het gezin"), never the form's questions ("Jouw relatie tot het gezin") or its help texts.
"""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from haven.access.labels import ROLE_LABELS
from haven.meldcode import forms
from haven.meldcode.models import Report
from haven.pupils import services as pupil_services
from haven.pupils.models import Pupil
from tests.builders import REACTION, SHARED, _to_report, report_data
from tests.factories import HouseholdMemberFactory
from tests.support import pdf_text

# A function, not a constant: a run that passes midnight must not compare yesterday with today.
TODAY = timezone.localdate
ADDRESS = "Lindelaan 3, 9901 ZD Zonnedal"


def _url(case, name="report_edit"):
    return reverse(f"meldcode:{name}", args=[case.pk])


@pytest.fixture
def case(cast):
    school = cast.school_a
    school.street_address, school.postal_code, school.city = "Regenbooglaan 12", "9901 RB", "Zonnedal"
    school.save()
    pupil = cast.pupil
    pupil_services.save_pupil(
        cast.actor("admin"),
        pupil=pupil,
        first_name=pupil.first_name,
        last_name=pupil.last_name,
        date_of_birth=pupil.date_of_birth,
        address=ADDRESS,
    )
    HouseholdMemberFactory(pupil=pupil, name="Els de Vries", relation="mother")
    HouseholdMemberFactory(pupil=pupil, name="Karel de Vries", relation="father", lives_with_pupil=False)
    HouseholdMemberFactory(pupil=pupil, name="Daan de Vries", relation="sibling")
    cast.af.phone = "030 123 45 67"
    cast.af.save()
    return _to_report(cast, cast.case())


# --- Prefilled from the account, the school, the pupil and the dossier ---------------------------


def test_the_form_is_prefilled_with_the_reporter_the_school_the_pupil_and_the_parents(cast, case):
    initial = cast.client("af").get(_url(case)).context["form"].initial
    assert initial["reporter_name"] == cast.af.get_full_name()
    assert initial["reporter_function"] == str(ROLE_LABELS["safeguarding_lead"])
    assert (initial["reporter_phone"], initial["reporter_email"]) == ("030 123 45 67", cast.af.email)
    assert initial["school_name"] == "OBS De Regenboog"
    assert initial["school_address"] == "Regenbooglaan 12, 9901 RB Zonnedal"
    assert initial["pupil_address"] == ADDRESS
    # The parents and carers, with the pupil's address where they live with the pupil; not the brother.
    contacts = initial["household_contacts"].splitlines()
    assert len(contacts) == 2
    assert contacts[0].startswith("Els de Vries") and contacts[0].endswith(ADDRESS)
    assert contacts[1].startswith("Karel de Vries") and ADDRESS not in contacts[1]
    assert "Daan" not in initial["household_contacts"]


def test_the_conversation_with_the_parents_is_prefilled(cast, case):
    conversation = cast.client("af").get(_url(case)).context["form"].initial["conversation"]
    for text in (SHARED, REACTION, "Over een week opnieuw.", "Kamer van de IB"):
        assert text in conversation
    assert conversation.index(SHARED) < conversation.index(REACTION)


def test_a_skipped_conversation_is_prefilled_with_its_reason(cast):
    case = _to_report(cast, cast.case(), conversation=False)
    conversation = cast.client("af").get(_url(case)).context["form"].initial["conversation"]
    assert "Vader dreigde de school." in conversation
    assert _("The safety of the child") in conversation


def test_without_a_phone_on_the_account_the_e_mail_is_enough(cast, case):
    cast.af.phone = ""
    cast.af.save()
    initial = cast.client("af").get(_url(case)).context["form"].initial
    assert initial["reporter_phone"] == ""
    response = cast.client("af").post(_url(case), report_data(reporter_phone=""))
    assert response.status_code == 302
    assert Report.objects.get().reporter_email == "a.meijer@example.org"


# --- The AF corrects every part ------------------------------------------------------------------


def test_the_af_corrects_each_contact_detail(cast, case):
    corrected = {
        "reporter_name": "A. Meijer-de Wit",
        "reporter_function": "Intern begeleider en AF",
        "reporter_phone": "06 9876 5432",
        "reporter_email": "af@regenboog.example.org",
        "school_name": "OBS De Regenboog, locatie Noord",
        "school_address": "Noordweg 1, 9901 NN Zonnedal",
        "pupil_address": "Bij oma: Beukenstraat 9, 9901 BB Zonnedal",
        "household_contacts": "Els de Vries (moeder): 06 1111 2222",
        "conversation": "Moeder wilde niet op school komen; telefonisch gesproken.",
    }
    response = cast.client("af").post(_url(case), report_data(**corrected))
    assert response.status_code == 302
    report = Report.objects.get()
    assert {name: getattr(report, name) for name in corrected} == corrected


def test_veilig_thuis_must_be_able_to_reach_the_reporter(cast, case):
    response = cast.client("af").post(_url(case), report_data(reporter_phone="", reporter_email=""))
    assert response.status_code == 200
    assert "reporter_phone" in response.context["form"].errors
    assert not Report.objects.exists()


def test_an_e_mail_address_must_be_one(cast, case):
    response = cast.client("af").post(_url(case), report_data(reporter_email="geen adres"))
    assert "reporter_email" in response.context["form"].errors
    assert not Report.objects.exists()


@pytest.mark.parametrize("field", ["reporter_name", "reporter_function", "school_name"])
def test_who_reports_and_for_which_school_is_required(cast, case, field):
    response = cast.client("af").post(_url(case), report_data(**{field: ""}))
    assert field in response.context["form"].errors
    assert not Report.objects.exists()


def test_the_parents_contact_details_or_explicitly_not_known(cast, case):
    client = cast.client("af")
    response = client.post(_url(case), report_data(household_contacts=""))
    assert list(response.context["form"].errors) == ["household_contacts"]
    assert not Report.objects.exists()
    response = client.post(_url(case), report_data(household_contacts="", household_contacts_unknown="on"))
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.household_contacts, report.household_contacts_unknown) == ("", True)
    page = client.get(_url(case, "report_print")).content.decode()
    heading = capfirst(Report._meta.get_field("household_contacts").verbose_name)
    assert f'{heading}</h3><p class="haven-report__text">{_("Not known")}</p>' in page
    # The form shows the tick again.
    assert client.get(_url(case)).context["form"]["household_contacts_unknown"].value() is True


def test_the_contact_details_are_encrypted_at_rest(cast, case):
    cast.client("af").post(_url(case), report_data())
    report = Report.objects.get()
    columns = ("reporter_name", "reporter_phone", "pupil_address", "household_contacts", "conversation")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM meldcode_report WHERE id = %s", [report.pk])  # noqa: S608
        stored = cursor.fetchone()
        cursor.execute("SELECT address FROM pupils_pupil WHERE id = %s", [cast.pupil.pk])
        (pupil_address,) = cursor.fetchone()
    assert all(value.startswith("enc2:") for value in stored)
    assert "Meijer" not in "".join(stored) and "Lindelaan" not in "".join(stored)
    assert pupil_address.startswith("enc2:") and "Lindelaan" not in pupil_address
    assert Pupil.objects.get(pk=cast.pupil.pk).address == ADDRESS


# --- The documents read as a report ------------------------------------------------------------


def _form_words() -> list[str]:
    """The form's questions and help texts that are not also the report's headings."""
    form = forms.ReportForm()
    words = [str(field.help_text) for field in form.fields.values() if field.help_text]
    for name, field in form.fields.items():
        heading = capfirst(Report._meta.get_field(name).verbose_name)
        if str(field.label) != str(heading):
            words.append(str(field.label))
    return words


def test_the_print_page_and_the_pdf_show_headings_not_the_forms_questions(cast, case, tmp_path):
    client = cast.client("af")
    client.post(_url(case), report_data())
    page = client.get(_url(case, "report_print")).content.decode()
    flat = " ".join(pdf_text(client.get(reverse("documents:report", args=[case.pk])).content, tmp_path).split())
    questions = _form_words()
    assert _("Your relation to the family") in questions
    for words in questions:
        assert words not in page, words
        assert " ".join(words.split()) not in flat, words
    for name in ("relation_to_family", "reporter_function", "pupil_address", "household_contacts", "conversation"):
        heading = str(capfirst(Report._meta.get_field(name).verbose_name))
        assert f">{heading}</h3>" in page, heading
        assert heading in flat, heading
    for part in (_("Reporter"), _("Pupil and household"), _("The concern")):
        assert f">{part}</h2>" in page and part in flat
    # The writing advice of the form is not in the document either.
    assert _("Write facts, not judgements") not in flat
    for text in ("030 123 45 67", "a.meijer@example.org", "Lindelaan 3, 9901 ZD Zonnedal", "Regenbooglaan 12"):
        assert text in flat, text


def test_the_report_page_when_made_shows_the_same_report(cast, case):
    client = cast.client("af")
    client.post(_url(case), report_data())
    client.post(
        _url(case, "report_made"), {"made_on": TODAY().isoformat(), "made_by": cast.af.pk, "vt_reference": "VT-1"}
    )
    page = client.get(_url(case)).content.decode()
    assert "a.meijer@example.org" in page and "Lindelaan 3" in page
    assert _("Your relation to the family") not in page


# --- Where the prefilled details come from -----------------------------------------------------


def test_the_administrator_keeps_the_pupils_address_and_a_staff_members_phone(cast):
    admin = cast.client("admin")
    pupil = cast.pupil
    page = admin.get(reverse("organisations:pupil_edit", args=[pupil.pk]))
    data = {
        "first_name": pupil.first_name,
        "last_name": pupil.last_name,
        "date_of_birth": pupil.date_of_birth.isoformat(),
        "address": ADDRESS,
        "edit_token": page.context["form"]["edit_token"].value(),
    }
    response = admin.post(reverse("organisations:pupil_edit", args=[pupil.pk]), data)
    assert response.status_code == 302
    assert Pupil.objects.get(pk=pupil.pk).address == ADDRESS
    assert admin.get(reverse("organisations:pupil_edit", args=[pupil.pk])).context["form"]["address"].value() == ADDRESS

    staff = cast.teacher
    page = admin.get(reverse("organisations:staff_edit", args=[staff.pk]))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(phone="06 5555 1234", is_active="on")
    response = admin.post(reverse("organisations:staff_edit", args=[staff.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    staff.refresh_from_db()
    assert staff.phone == "06 5555 1234"


def _protocol_data(client):
    form = client.get(reverse("organisations:protocol")).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    return data


def test_the_school_keeps_its_address_with_the_protocol(cast):
    client = cast.client("leader")
    data = _protocol_data(client)
    data.update(street_address="Regenbooglaan 12", postal_code="9901rb", city="Zonnedal")
    response = client.post(reverse("organisations:protocol"), data)
    assert response.status_code == 302
    cast.school_a.refresh_from_db()
    assert cast.school_a.address == "Regenbooglaan 12, 9901 RB Zonnedal"
    case = _to_report(cast, cast.case())
    assert cast.client("af").get(_url(case)).context["form"].initial["school_address"] == cast.school_a.address
    # A postcode that is none is refused, and nothing changes.
    data = _protocol_data(client)
    data.update(postal_code="Zonnedal")
    response = client.post(reverse("organisations:protocol"), data)
    assert "postal_code" in response.context["form"].errors
    cast.school_a.refresh_from_db()
    assert cast.school_a.postal_code == "9901 RB"
