"""The collections with extras beyond ``resources.Collection``: CDRs and MSDRs (SIP trace and
packet capture), CDR notes and bulk edits, monitor edits and recordings, voicemail moves and
audio, the user CSV request, and the named API tokens (``/apitokens``)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection as AbstractSet, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from voiphistory.voipstudio.errors import Unavailable
from voiphistory.voipstudio.filters import Filter, list_params, validate_id, validate_ids, validate_token
from voiphistory.voipstudio.records import ApiToken, Cdr, Monitor, Note, Sentiment, User, VoiceMessage
from voiphistory.voipstudio.resources import Collection
from voiphistory.voipstudio.transport import FileStream

if TYPE_CHECKING:
    from voiphistory.voipstudio.client import VoipstudioClient

__all__ = [
    "ApiTokenManager",
    "CallRecordCollection",
    "CdrCollection",
    "MonitorCollection",
    "UserCollection",
    "VoiceMessageCollection",
]

_UNSET: Any = object()


class CallRecordCollection[T](Collection[T]):
    """CDRs and MSDRs: records that also have a SIP trace and a packet capture."""

    def __init__(
        self,
        client: VoipstudioClient,
        path: str,
        parser: Callable[[dict[str, Any]], T],
        operations: AbstractSet[str],
    ) -> None:
        super().__init__(client, path, parser, {*operations, "dictionaries"})

    def trace(self, id: int) -> str:
        """The SIP messages of the call as text (small enough to hold whole)."""
        response = self._client.http_request(
            "GET", f"{self.path}/{validate_id(id)}.trace", accept="text/plain, */*"
        )
        response.encoding = _charset(response.headers.get("Content-Type")) or "utf-8"
        return response.text

    def pcap(self, id: int) -> FileStream:
        """The libpcap capture of the call's SIP, streamed."""
        return self._stream(f"{self.path}/{validate_id(id)}.pcap", accept="application/vnd.tcpdump.pcap, */*")


class CdrCollection(CallRecordCollection[Cdr]):
    def update_many(self, items: list[dict[str, Any]]) -> list[Cdr]:
        """Bulk PATCH /cdrs with ``[{"id": …, "info": …}, …]`` (the emulator accepts only ``info``)."""
        if not items:
            return []
        for item in items:
            if not isinstance(item, dict):
                raise TypeError("update_many takes a list of dicts")
            validate_id(item.get("id"))
        return self._written("PATCH", self.path, list(items), self._parse_list)

    def notes(self, id: int) -> list[Note]:
        data = self._client.get_data(f"{self.path}/{validate_id(id)}/notes")
        if not isinstance(data, list):
            raise Unavailable("malformed response from VoIPstudio (expected a list of notes)")
        return [self._client.parse(Note.from_api, item, "note") for item in data]


class MonitorCollection(Collection[Monitor]):
    def __init__(self, client: VoipstudioClient, path: str) -> None:
        parser = functools.partial(Monitor.from_api, codes=client.codes)  # sentiment codes: configuration
        super().__init__(client, path, parser, {"list", "get", "delete", "delete_all"})

    def update(
        self,
        id: int,
        *,
        transcript: str | None = _UNSET,
        transcript_speakers: str | None = _UNSET,
        summary: str | None = _UNSET,
        sentiment: Sentiment | None = _UNSET,
        cx_score: int | None = _UNSET,
        metadata: dict[str, Any] | None = _UNSET,
    ) -> Monitor:
        """PATCH only the fields given (None clears one); sentiment goes as its word."""
        validate_id(id)
        body = {
            key: value
            for key, value in {
                "transcript": transcript,
                "transcript_speakers": transcript_speakers,
                "summary": summary,
                "cx_score": cx_score,
                "metadata": metadata,
            }.items()
            if value is not _UNSET
        }
        if sentiment is not _UNSET:
            body["sentiment"] = None if sentiment is None else Sentiment(sentiment).api_word
        if not body:
            raise ValueError("monitors.update needs at least one field")
        return self._written("PATCH", f"{self.path}/{id}", body, self._parse)

    def mp3(self, id: int) -> FileStream:
        """The recording, streamed (VoIPstudio ignores Range: it always sends the whole file)."""
        return self._stream(f"{self.path}/{validate_id(id)}.mp3", accept="audio/mpeg, */*")


class VoiceMessageCollection(Collection[VoiceMessage]):
    def __init__(self, client: VoipstudioClient, path: str) -> None:
        parser = functools.partial(
            VoiceMessage.from_api, codes=client.codes
        )  # folder numbering: configuration
        super().__init__(client, path, parser, {"list", "get", "delete", "delete_all"})

    def move(self, ids: Iterable[int], folder: str) -> list[VoiceMessage]:
        """Bulk PATCH ``[{"id": …, "folder": "Old"}, …]``; moving to OLD marks messages heard.
        ``folder`` is a folder name the client's ``Codes`` knows (a ``VoicemailFolder`` or another)."""
        if not isinstance(folder, str) or self._client.codes.folder_code(folder) is None:
            raise ValueError(f"not a voicemail folder: {folder!r}")
        name = self._client.codes.folder_name(folder)
        body = [{"id": id, "folder": name} for id in validate_ids(ids)]
        if not body:
            return []
        return self._written("PATCH", self.path, body, self._parse_list)

    def mp3(self, id: int) -> FileStream:
        return self._stream(f"{self.path}/{validate_id(id)}.mp3", accept="audio/mpeg, */*")


class UserCollection(Collection[User]):
    def __init__(self, client: VoipstudioClient, path: str) -> None:
        super().__init__(client, path, User.from_api, {"list"})

    def request_cdrs_csv(self, user_id: int) -> User:
        """GET /users/{id}/cdrs.csv: VoIPstudio prepares the CSV itself and delivers it to the
        user; the answer is the user record, not the file."""
        return self._parse(self._client.get_data(f"{self.path}/{validate_id(user_id)}/cdrs.csv"))


class ApiTokenManager:
    """Named API tokens (``/apitokens``); the token string is the id."""

    path = "/apitokens"

    def __init__(self, client: VoipstudioClient) -> None:
        self._client = client

    def create(self, name: str, expiry_seconds: int) -> ApiToken:
        """POST /apitokens; the expiry is idle-based (renewed on use). ``(name, user)`` is
        unique, so delete an older token of the same name first (as the CLI does)."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError("token name must be a non-empty string")
        if isinstance(expiry_seconds, bool) or not isinstance(expiry_seconds, int) or expiry_seconds < 1:
            raise ValueError("expiry_seconds must be a positive integer")
        response = self._client.http_request(
            "POST", self.path, json_body={"name": name, "expiry": expiry_seconds}
        )
        return self._client.parse(ApiToken.from_api, self._client.data_of(response), "API token")

    def find(self, name: str) -> list[ApiToken]:
        params = list_params(filters=[Filter("name", "eq", name)])
        data = self._client.get_data(self.path, params={"filter": params["filter"]})
        if not isinstance(data, list):
            raise Unavailable("malformed response from VoIPstudio (expected a list of API tokens)")
        return [self._client.parse(ApiToken.from_api, item, "API token") for item in data]

    def delete(self, token: str) -> None:
        """DELETE /apitokens/{token} (204). The token is checked to be one plain path segment
        and kept out of logs and exception chains."""
        safe = quote(validate_token(token), safe="")
        self._client.http_request("DELETE", f"{self.path}/{safe}", redact_path=True)


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return None
