"""The settings page: a supervisor's time zone, saved locally, used from the next request on and
restored at every sign-in."""

from __future__ import annotations

import pytest
import requests
from django.contrib.auth import get_user_model

from tests.conftest import DEMO_PASSWORD, SUPERVISOR
from voiphistory.accounts import tokens
from voiphistory.accounts.forms import time_zone_choices
from voiphistory.accounts.middleware import TIME_ZONE_KEY
from voiphistory.accounts.models import Preference

SETTINGS = "/settings/"


def current_zone(response) -> str:
    html = response.content.decode()
    start = html.index('id="current-zone">') + len('id="current-zone">')
    return html[start : html.index("<", start)]


@pytest.mark.django_db
def test_settings_need_sign_in(client):
    response = client.get(SETTINGS)

    assert response.status_code == 302 and response.url == "/sign-in/?next=/settings/"


@pytest.mark.django_db
def test_settings_page_shows_the_account_and_the_current_zone(supervisor):
    response = supervisor.get(SETTINGS)

    html = response.content.decode()
    assert response.status_code == 200
    assert SUPERVISOR in html
    assert current_zone(response) == "UTC"
    assert '<label for="id_time_zone">' in html
    assert 'aria-describedby="id_time_zone_helptext"' in html


@pytest.mark.django_db
def test_saving_a_time_zone_stores_it_and_activates_it_on_the_next_request(supervisor):
    response = supervisor.post(SETTINGS, {"time_zone": "Europe/London"})

    assert response.status_code == 302 and response.url == SETTINGS
    assert Preference.objects.get().time_zone == "Europe/London"
    assert supervisor.session["time_zone"] == "Europe/London"
    page = supervisor.get(SETTINGS)
    assert current_zone(page) == "Europe/London"
    assert "Saved." in page.content.decode()
    assert '<option value="Europe/London" selected>' in page.content.decode()


@pytest.mark.django_db
def test_an_unknown_time_zone_is_refused(supervisor):
    response = supervisor.post(SETTINGS, {"time_zone": "Mars/Olympus_Mons"})

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Preference.objects.exists()
    assert current_zone(supervisor.get(SETTINGS)) == "UTC"


@pytest.mark.django_db
def test_the_saved_time_zone_comes_back_at_the_next_sign_in(client, dashboard):
    me = dashboard.get("/me", SUPERVISOR).json()["data"]
    user = get_user_model().objects.create(username=f"voipstudio-{me['id']}")
    Preference.objects.create(user=user, time_zone="America/New_York")

    client.post("/sign-in/", {"email": SUPERVISOR, "password": DEMO_PASSWORD})

    token = tokens.unseal(client.session[tokens.SESSION_KEY]["token"])
    requests.delete(f"{dashboard.api_url}/apitokens/{token}", headers={"X-Auth-Token": token}, timeout=10)
    assert client.session["time_zone"] == "America/New_York"


def test_time_zone_choices_are_sorted_and_loadable():
    values = [value for value, _ in time_zone_choices()]
    assert values == sorted(values)
    assert {"UTC", "Europe/London", "Asia/Kolkata"} <= set(values)
    assert "localtime" not in values


def test_a_saved_time_zone_this_runtime_does_not_know_falls_back_to_utc_with_a_word(supervisor):
    """A zone saved under a newer tz database (or by hand) must not make every page answer 500."""
    session = supervisor.session
    session[TIME_ZONE_KEY] = "Mars/Olympus_Mons"
    session.save()
    page = supervisor.get(SETTINGS)
    assert page.status_code == 200
    assert "is not known here, so times are shown in UTC" in page.content.decode()
    assert TIME_ZONE_KEY not in supervisor.session
    assert supervisor.get(SETTINGS).status_code == 200
    assert supervisor.post("/sign-out/").status_code == 302
