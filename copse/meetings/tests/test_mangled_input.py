"""Malformed form values on meeting pages give a page or a 400, never a 500."""

import pytest
from django.urls import reverse

NOT_IDS = ["abc", "²", "99999999999999999999999", "-1", ""]


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_facilitator_posting_a_mangled_person_at_the_door_gets_no_crash(
    client, circle, meeting, value
):
    client.force_login(circle["facilitator"])
    url = reverse("meetings:attendance", args=[circle["community"].slug, meeting.pk])
    response = client.post(url, {"user": value, "attended": "1"})
    assert response.status_code == 404


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_member_sending_a_mangled_delegate_gets_no_crash(client, circle, meeting, value):
    client.force_login(circle["members"][0])
    url = reverse("meetings:delegate", args=[circle["community"].slug, meeting.pk])
    response = client.post(url, {"delegate": value})
    assert response.status_code == 302


@pytest.mark.parametrize("value", ["²", "99999999999999999999999", "1e3", "abc"])
def test_a_mangled_agenda_order_is_a_400(client, circle, meeting, value):
    client.force_login(circle["facilitator"])
    url = reverse("meetings:agenda_reorder", args=[circle["community"].slug, meeting.pk])
    response = client.post(url, {"order": [value]})
    assert response.status_code == 400
