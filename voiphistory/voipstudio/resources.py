"""Resource managers hung off the client, python-gitlab style: ``client.cdrs.page(...)``.

One generic ``Collection`` holds what every VoIPstudio collection shares (a page, a lazy
iterator, one record, chunked bulk deletes, delete-all); each instance is told which of
those endpoints exist so a missing one fails before any request. The small subclasses that add
the extras (bulk edits, notes, SIP traces, audio files) are in ``record_collections``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection as AbstractSet, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from voiphistory.voipstudio._parse import report_unknown
from voiphistory.voipstudio.codes import Code, code_key
from voiphistory.voipstudio.errors import OutcomeUnknown, Unavailable
from voiphistory.voipstudio.filters import Filter, chunk_ids, list_params, validate_id, validate_ids
from voiphistory.voipstudio.records import Page
from voiphistory.voipstudio.transport import FileStream

if TYPE_CHECKING:
    import requests

    from voiphistory.voipstudio.client import VoipstudioClient

__all__ = ["Collection", "Resource", "parse_dictionaries"]


class Resource:
    """An API path plus the set of endpoints it has (``list``, ``get``, ``delete``,
    ``delete_all``, ``dictionaries``). ``statements`` is only this: it can only be emptied."""

    def __init__(self, client: VoipstudioClient, path: str, operations: AbstractSet[str]) -> None:
        self._client = client
        self.path = path
        self.operations = frozenset(operations)

    def _require(self, operation: str) -> None:
        if operation not in self.operations:
            raise NotImplementedError(f"VoIPstudio has no {operation} endpoint for {self.path}")

    def delete_all(self) -> bool:
        """Delete the whole collection. True when VoIPstudio answered 202 (the deletion goes on
        asynchronously: monitors, voicemessages), False for 204 (done)."""
        self._require("delete_all")
        return self._client.http_request("DELETE", self.path).status_code == 202

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.path!r})"


class Collection[T](Resource):
    """A collection of records of one type."""

    def __init__(
        self,
        client: VoipstudioClient,
        path: str,
        parser: Callable[[dict[str, Any]], T],
        operations: AbstractSet[str],
    ) -> None:
        super().__init__(client, path, operations)
        self._parser = parser
        self._what = path.rsplit("/", 1)[-1]

    def _parse(self, data: Any) -> T:
        return self._client.parse(self._parser, data, self._what)

    def _parse_list(self, data: Any) -> list[T]:
        if isinstance(data, dict):  # a bulk answer for one item may come back unwrapped
            data = [data]
        if not isinstance(data, list):
            raise Unavailable(f"malformed response from VoIPstudio (expected a list of {self._what})")
        return [self._parse(item) for item in data]

    def page(
        self,
        *,
        page: int = 1,
        limit: int = 25,
        filters: Iterable[Filter] = (),
        sort: str = "id",
        direction: str = "DESC",
    ) -> Page[T]:
        """One page, for tables. ``total`` counts every match."""
        self._require("list")
        params = list_params(filters=filters, sort=sort, direction=direction, page=page, limit=limit)
        items, total = self._fetch(params)
        return Page(items=items, total=total, page=page, limit=limit)

    def page_answer(
        self,
        *,
        page: int = 1,
        limit: int = 25,
        filters: Iterable[Filter] = (),
        sort: str = "id",
        direction: str = "DESC",
    ) -> requests.Response:
        """One page's answer, its body read but not decoded: the I/O of ``page`` alone. A walk reads
        the next page in one thread while another decodes (``page_of``) and writes this one, so the
        reading thread seldom needs the GIL and holds only the body, not its records."""
        self._require("list")
        params = list_params(filters=filters, sort=sort, direction=direction, page=page, limit=limit)
        return self._client.http_request("GET", self.path, params=params)

    def page_of(self, answer: requests.Response, *, page: int, limit: int) -> Page[T]:
        """The page a ``page_answer`` holds, as ``page`` gives it."""
        items, total = self._decoded(answer)
        return Page(items=items, total=total, page=page, limit=limit)

    def iterate(
        self,
        *,
        filters: Iterable[Filter] = (),
        sort: str = "id",
        direction: str = "DESC",
        page_size: int = 1000,
    ) -> Iterator[T]:
        """Every match, lazily, for exports: one page in memory at a time. Stops on an empty
        page or once ``total`` rows are yielded, whichever comes first (as the public
        clients do). Rows created or deleted meanwhile can shift page boundaries."""
        self._require("list")
        filter_list = list(filters)
        list_params(filters=filter_list, sort=sort, direction=direction, page=1, limit=page_size)
        return self._iterate(filter_list, sort, direction, page_size)

    def _iterate(self, filters: list[Filter], sort: str, direction: str, page_size: int) -> Iterator[T]:
        yielded, page = 0, 1
        while True:
            params = list_params(filters=filters, sort=sort, direction=direction, page=page, limit=page_size)
            items, total = self._fetch(params)
            if not items:
                return
            yielded += len(items)
            yield from items
            del items  # drop this page before fetching the next: one page in memory at a time
            if yielded >= total:
                return
            page += 1

    def _fetch(self, params: dict[str, str]) -> tuple[list[T], int]:
        return self._decoded(self._client.http_request("GET", self.path, params=params))

    def _decoded(self, answer: requests.Response) -> tuple[list[T], int]:
        payload = self._client.json_of(answer)
        if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
            raise Unavailable(f"malformed response from VoIPstudio (no {self._what} list)")
        total = payload.get("total")
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            raise Unavailable("malformed response from VoIPstudio (no total)")
        return self._readable(payload["data"]), total

    def _readable(self, data: list[Any]) -> list[T]:
        """A page's records; one that cannot be read at all (no usable id, a required field
        missing) is left out and logged once, so the rest of the page still shows."""
        items = []
        for item in data:
            try:
                items.append(self._parse(item))
            except Unavailable as exc:
                report_unknown(self._what, "record", exc.message)  # once per kind of fault, not per row
        return items

    def get(self, id: int) -> T:
        self._require("get")
        return self._parse(self._client.get_data(f"{self.path}/{validate_id(id)}"))

    def chunk_ids(self, ids: Iterable[int]) -> list[list[int]]:
        """The id batches ``delete`` sends, each in one ``DELETE {path}/1,2,3`` whose full path
        (base URL path included) fits ``max_path_length``. Validates every id first. Public so
        a job can delete batch by batch and record its progress."""
        prefix = len(f"{self._client.base_path}{self.path}/")
        return chunk_ids(
            validate_ids(ids), prefix_length=prefix, max_path_length=self._client.max_path_length
        )

    def delete(self, ids: Iterable[int]) -> int:
        """Delete the given records; returns the number of requests made. Not atomic: if a
        batch fails, earlier batches stay deleted (use ``chunk_ids`` to track progress)."""
        self._require("delete")
        batches = self.chunk_ids(ids)
        for batch in batches:
            self._client.http_request("DELETE", f"{self.path}/{','.join(map(str, batch))}")
        return len(batches)

    def dictionaries(self) -> dict[str, dict[Code, str]]:
        """Labels of coded values per field: ``{"type": {"O": "Outbound", …}, …}`` (``parse_dictionaries``)."""
        self._require("dictionaries")
        return parse_dictionaries(self._client.get_data(f"{self.path}/dictionaries"))

    def _written[R](self, method: str, path: str, body: Any, parse: Callable[[Any], R]) -> R:
        """Send a write and parse its answer. A 2xx whose body cannot be read means the write was
        accepted but what VoIPstudio now holds is unknown: OutcomeUnknown, for the caller to read
        back, never Unavailable (which invites a retry)."""
        response = self._client.http_request(method, path, json_body=body)
        try:
            return parse(self._client.data_of(response))
        except Unavailable as error:
            raise OutcomeUnknown(
                f"VoIPstudio answered {response.status_code} but its answer could not be read ({error.message})",
                method=method,
                path=path,
                status=response.status_code,
            ) from None

    def _stream(self, path: str, *, accept: str) -> FileStream:
        """A file endpoint; its errors are JSON like the rest and raise the same exceptions."""
        return FileStream(self._client.http_request("GET", path, stream=True, accept=accept))


def parse_dictionaries(data: Any) -> dict[str, dict[Code, str]]:
    """``{field: {code: label}}`` from either shape a server answers: a list of choices per field
    (``{"type": [{"value": "O", "label": "Outbound"}, …]}``) or a mapping per field (``{"type":
    {"O": "Outbound"}}``). Codes come back as ``code_key`` makes them (JSON object keys are text:
    "1" is 1). The reference's own example answers a list of records, which holds no labels: that
    is an empty answer, like a field whose entries are neither shape (docs/voipstudio-api.md)."""
    if isinstance(data, list):
        return {}
    if not isinstance(data, dict):
        raise Unavailable("malformed response from VoIPstudio (expected dictionaries)")
    result: dict[str, dict[Code, str]] = {}
    for name, entries in data.items():
        if isinstance(entries, dict):
            pairs = list(entries.items())
        elif isinstance(entries, list):
            pairs = [
                (
                    entry.get("value", entry.get("code", entry.get("id"))),
                    entry.get("label", entry.get("name")),
                )
                for entry in entries
                if isinstance(entry, dict)
            ]
        else:
            continue
        labels = {
            key: str(label).strip()
            for code, label in pairs
            if (key := code_key(code)) is not None and isinstance(label, (str, int)) and str(label).strip()
        }
        if labels:
            result[str(name)] = labels
    return result
