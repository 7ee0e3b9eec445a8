"""Every free text has a maximum length: a pasted document or a hostile request of 100,000
characters is refused with a Dutch message and writes nothing, and a long text shows a counter."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

import haven
from haven.audit.models import AuditEvent
from haven.meldcode.forms import LONG_TEXT
from haven.meldcode.models import Consultation


def every_form():
    for info in pkgutil.walk_packages(haven.__path__, "haven."):
        if ".migrations" in info.name or ".management" in info.name:
            continue
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_text_field_of_every_form_has_a_maximum_length():
    unlimited = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in every_form()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField) and field.max_length is None
    ]
    assert len(list(every_form())) > 30  # the walk finds the forms
    assert unlimited == []


def test_a_text_too_long_is_refused_in_dutch_and_nothing_is_written(cast):
    case = cast.case()
    client = cast.client("af")
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = client.post(
        reverse("meldcode:consultation_create", args=[case.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "consulted": "ib",
            "question": "x" * 100_000,
            "advice": "Bespreek het met de IB.",
        },
    )
    assert response.status_code == 200
    with translation.override("nl"):
        errors = response.context["form"].errors["question"]
    assert errors and "5000" in errors[0] and "tekens" in errors[0]
    assert not Consultation.objects.exists()
    assert not AuditEvent.objects.filter(pk__gt=before, kind=AuditEvent.Kind.CHANGE).exists()


@pytest.mark.parametrize("field", ["question", "advice", "agreed_actions"])
def test_a_long_text_field_carries_its_limit_and_a_counter(cast, field):
    html = cast.client("af").get(reverse("meldcode:consultation_create", args=[cast.case().pk])).content.decode()
    assert f'maxlength="{LONG_TEXT}"' in html
    assert f'id="id_{field}_counter" data-haven-counter-for="id_{field}" data-haven-counter-max="{LONG_TEXT}"' in html
