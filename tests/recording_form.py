"""The recording edit form as a browser sends it: open it (GET), take every field it carries (the
signed ``opened`` values too), change some. Tests post what a person would, not a hand-made dict."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        name = attr.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if attr.get("type") in ("radio", "checkbox"):
                if "checked" in attr:
                    self.fields[name] = attr.get("value", "on")
            else:
                self.fields[name] = attr.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attr:
            self.fields[self._select] = attr.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            # Browsers drop the one newline right after <textarea>; Django's widget writes one.
            self.fields[self._textarea] += (
                data.removeprefix("\n") if not self.fields[self._textarea] else data
            )


def form_fields(html: str) -> dict[str, str]:
    """Every named field of the first edit form in ``html`` with the value a browser would send."""
    start = html.index('class="edit-form"')
    parser = _FormFields()
    parser.feed(html[start : html.index("</form>", start)])
    return parser.fields


def opened_form(client, recording_id: int, **changes) -> dict[str, str]:
    """Open the recording's edit form as ``client`` and return its fields with ``changes``."""
    response = client.get(f"/recordings/{recording_id}/edit/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.status_code
    return {
        **form_fields(response.content.decode()),
        **{k: "" if v is None else str(v) for k, v in changes.items()},
    }
