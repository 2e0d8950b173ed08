"""A member who chose French reads the trust pulse in French: its
statements, its scale and the suggested open question (docs/languages.md)."""

import pytest
from django.urls import reverse
from django.utils import translation

from copse.pulses.models import Pulse
from copse.pulses.statements import DEFAULT_OPEN_QUESTION
from copse.pulses.tests.conftest import open_pulse


@pytest.fixture(autouse=True)
def _language_put_back():
    """A request leaves its language active in the thread: the next test
    starts in the language this one started in."""
    with translation.override(translation.get_language()):
        yield


def test_a_french_member_answers_the_pulse_in_french(client, circle):
    pulse = open_pulse(circle, open_question=DEFAULT_OPEN_QUESTION)
    member = circle.members[0]
    member.language = "fr"
    member.save(update_fields=["language"])
    client.force_login(member)

    page = client.get(pulse.get_absolute_url()).content.decode()
    assert "Ce qui se dit ici reste ici." in page
    assert "Tout à fait d&#x27;accord" in page
    assert "Qu&#x27;est-ce qui rendrait ce groupe plus utile" in page
    assert "What is said here stays here." not in page

    listing = client.get(reverse("pulses:list", args=[circle.community.slug])).content.decode()
    assert "Baromètre de confiance de" in listing


def test_the_suggested_question_left_unchanged_is_kept_as_the_default(client, circle):
    facilitator = circle.facilitator
    facilitator.language = "fr"
    facilitator.save(update_fields=["language"])
    client.force_login(facilitator)
    page = client.get(reverse("pulses:new", args=[circle.community.slug])).content.decode()
    assert "Qu&#x27;est-ce qui rendrait ce groupe plus utile" in page

    with translation.override("fr"):
        from copse.pulses.forms import ScheduleForm

        form = ScheduleForm(
            {
                "opens_on": "2099-01-01",
                "closes_on": "2099-01-15",
                "open_question": str(ScheduleForm.base_fields["open_question"].initial),
                "min_respondents": 5,
                "repeat_every_months": 3,
            }
        )
        assert form.is_valid(), form.errors
    assert form.cleaned_data["open_question"] == DEFAULT_OPEN_QUESTION
    pulse = Pulse(open_question=DEFAULT_OPEN_QUESTION)
    with translation.override("en-gb"):
        assert pulse.question == DEFAULT_OPEN_QUESTION
    with translation.override("fr"):
        assert pulse.question.startswith("Qu'est-ce qui rendrait")
        assert Pulse(open_question="Written by us?").question == "Written by us?"
