"""Saved views: a table's filters and sort under a name, in the navigation, shareable."""

from __future__ import annotations

from django.test import Client

from tests.conftest import AGENT, sign_in_as
from voiphistory.history.models import SavedView


def test_save_the_current_filters_and_sort_and_open_them_from_the_navigation(supervisor):
    response = supervisor.post(
        "/calls/save-view/",
        {"name": "Missed today", "query": "call_type=M&preset=today&sort=-duration&page=3"},
    )
    assert (
        response.status_code == 302
        and response["Location"] == "/calls/?call_type=M&preset=today&sort=-duration"
    )
    view = SavedView.objects.get()
    page = supervisor.get("/calls/").content.decode()
    assert f'<a href="/saved-views/{view.pk}/">Missed today</a>' in page
    opened = supervisor.get(f"/saved-views/{view.pk}/")
    assert (
        opened.status_code == 302 and opened["Location"] == "/calls/?call_type=M&preset=today&sort=-duration"
    )


def test_with_htmx_the_filters_as_they_are_now_are_saved_not_the_page_as_it_was_loaded(supervisor):
    data = {
        "name": "Long calls",
        "query": "preset=today",
        "preset": "7d",
        "min_duration": "600",
        "q": "",
        "sort": "-when",
        "size": "50",
    }
    response = supervisor.post("/calls/save-view/", data, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/calls/?preset=7d&min_duration=600&sort=-when&size=50"
    assert supervisor.post("/calls/save-view/", {**data, "preset": "today"}, HTTP_HX_REQUEST="true")
    assert (
        SavedView.objects.get().query == "preset=today&min_duration=600&sort=-when&size=50"
    )  # same name: updated


def test_a_colleague_can_open_the_shared_link_but_only_the_owner_lists_or_deletes_it(supervisor, dashboard):
    supervisor.post("/recordings/save-view/", {"name": "Unhappy", "query": "sentiment=0"})
    view = SavedView.objects.get()
    colleague = sign_in_as(Client(), dashboard, AGENT)
    assert colleague.get(f"/saved-views/{view.pk}/")["Location"] == "/recordings/?sentiment=0"
    assert "Unhappy" not in colleague.get("/recordings/").content.decode()
    assert colleague.post(f"/saved-views/{view.pk}/delete/").status_code == 404
    SavedView.objects.filter(pk=view.pk).update(customer_id=1)
    assert colleague.get(f"/saved-views/{view.pk}/").status_code == 404  # another customer's view
    assert (
        supervisor.post(f"/saved-views/{view.pk}/delete/").status_code == 302
        and not SavedView.objects.exists()
    )


def test_a_view_needs_a_name_and_a_real_table(supervisor):
    assert (
        supervisor.post("/calls/save-view/", {"name": " ", "query": "preset=today"})["Location"]
        == "/calls/?preset=today"
    )
    assert supervisor.post("/nonsense/save-view/", {"name": "x"}).status_code == 404
    assert supervisor.get("/calls/save-view/").status_code == 405
    assert not SavedView.objects.exists()


def test_every_table_offers_to_save_its_view(supervisor):
    page = supervisor.get("/voicemail/", {"is_new": "new"}).content.decode()
    assert 'action="/voicemail/save-view/"' in page and 'hx-include="#filters"' in page
    # the filters and the visible columns (voicemail's, all of them until some are chosen)
    assert '<input type="hidden" name="query" value="is_new=new&amp;cols=when&amp;cols=from' in page
