"""File endpoints: recordings and voicemail as MP3, call legs as SIP trace text and pcap.

As live (docs/voipstudio-api.md, "Files"): the whole file on every request, Range ignored (no 206, no
Accept-Ranges), no Content-Disposition, errors as JSON like the rest of the API.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.http import HttpResponse, StreamingHttpResponse

from voiphistory.emulator import dialects, resources as r
from voiphistory.emulator.audio import CONTENT_TYPE as MP3_CONTENT_TYPE, mp3_chunks, mp3_size
from voiphistory.emulator.auth import ApiRequest, api_endpoint
from voiphistory.emulator.sip import PCAP_CONTENT_TYPE, TRACE_CONTENT_TYPE, SipCall, pcap_bytes, sip_dialog
from voiphistory.emulator.views_resources import fetch_one

_OUTCOME_BY_DISPOSITION = {"CONNECTED": "answered", "ON_HOLD": "answered", "VM": "voicemail"}
_OUTCOME_BY_CAUSE = {"User busy": "busy", "Originator cancel": "cancelled", "Call rejected": "busy"}
_DEFAULT_UA = "VoIPstudio PBX"


def _mp3_response(duration: int, seed: int) -> StreamingHttpResponse:
    response = StreamingHttpResponse(mp3_chunks(duration, seed), content_type=MP3_CONTENT_TYPE)
    response["Content-Length"] = str(mp3_size(duration))
    return response


@api_endpoint("GET")
def monitor_mp3(request: ApiRequest, id: str) -> StreamingHttpResponse:
    monitor = fetch_one(request, r.MONITORS, id)
    return _mp3_response(monitor["duration"], seed=monitor["id"])


@api_endpoint("GET")
def voicemessage_mp3(request: ApiRequest, id: str) -> StreamingHttpResponse:
    message = fetch_one(request, r.VOICEMESSAGES, id)
    return _mp3_response(message["duration"], seed=message["id"])


def _address(kind: str, key: str) -> str:
    """A stable documentation-range IPv4 address (RFC 5737) for a party of the call."""
    network = {"external": "192.0.2", "pbx": "198.51.100", "phone": "203.0.113"}[kind]
    return f"{network}.{int(hashlib.sha256(key.encode()).hexdigest(), 16) % 250 + 2}"


def _party_kind(party_id: str) -> str:
    return "phone" if party_id.isdigit() else "external"


def _cdr_call(cdr: dict) -> SipCall:
    ring = max(cdr["duration"] - cdr["billsec"], 1)
    outcome = _OUTCOME_BY_DISPOSITION.get(cdr["disposition"]) or _OUTCOME_BY_CAUSE.get(
        cdr["t_cause"], "no_answer"
    )
    return SipCall(
        call_id=f"{hashlib.md5(str(cdr['live_id']).encode()).hexdigest()}@sip.voipstudio.example",
        started_at=datetime.strptime(cdr["calldate"], "%Y-%m-%d %H:%M:%S"),
        caller_number=cdr["src"],
        caller_name=cdr["src_name"],
        callee_number=cdr["dst"],
        callee_name=cdr["dst_name"],
        caller_ip=_address(_party_kind(cdr["src_id"]), cdr["src"]),
        callee_ip=_address("pbx", str(cdr["server_id"])),
        caller_ua=cdr["src_ua"] or _DEFAULT_UA,
        callee_ua=cdr["dst_ua"] or _DEFAULT_UA,
        codec=cdr["src_codec"] or "PCMA",
        ring_seconds=ring,
        talk_seconds=cdr["billsec"] if outcome in {"answered", "voicemail"} else 0,
        outcome=outcome,
        seed=cdr["id"],
    )


def _msdr_call(msdr: dict) -> SipCall:
    return SipCall(
        call_id=msdr["call_id"] or f"msdr-{msdr['id']}@sip.voipstudio.example",
        started_at=datetime.strptime(msdr["created_at"], "%Y-%m-%d %H:%M:%S"),
        caller_number=msdr["src"],
        caller_name=msdr["src_id"],
        callee_number=msdr["dst"],
        callee_name=msdr["dst_id"],
        caller_ip=_address(_party_kind(msdr["src_id"]), msdr["src"]),
        callee_ip=_address("pbx", msdr["dst"]),
        caller_ua=msdr["src_ua"] or _DEFAULT_UA,
        callee_ua=msdr["dst_ua"] or _DEFAULT_UA,
        codec="opus",
        ring_seconds=1,
        talk_seconds=msdr["duration"],
        outcome="answered",
        seed=msdr["id"],
    )


def _text(body: str) -> HttpResponse:
    return HttpResponse(body.encode("utf-8"), content_type=TRACE_CONTENT_TYPE)


def _pcap(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type=PCAP_CONTENT_TYPE)


@api_endpoint("GET")
def cdr_trace(request: ApiRequest, id: str) -> HttpResponse:
    return _text(dialects.active().trace(sip_dialog(_cdr_call(fetch_one(request, r.CDRS, id)))))


@api_endpoint("GET")
def cdr_pcap(request: ApiRequest, id: str) -> HttpResponse:
    return _pcap(pcap_bytes(sip_dialog(_cdr_call(fetch_one(request, r.CDRS, id)))))


@api_endpoint("GET")
def msdr_trace(request: ApiRequest, id: str) -> HttpResponse:
    return _text(dialects.active().trace(sip_dialog(_msdr_call(fetch_one(request, r.MSDRS, id)))))


@api_endpoint("GET")
def msdr_pcap(request: ApiRequest, id: str) -> HttpResponse:
    return _pcap(pcap_bytes(sip_dialog(_msdr_call(fetch_one(request, r.MSDRS, id)))))
