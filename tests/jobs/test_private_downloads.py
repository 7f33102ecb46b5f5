"""Small holes (issue 13.7): export files are readable by their user only, and download names carry
no bidi or other control characters, in ``filename`` and ``filename*`` alike."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.conftest import SUPERVISOR
from tests.jobs.test_jobs import fresh  # noqa: F401 (a fixture: a private emulator and export directory)
from voiphistory.accounts import tokens
from voiphistory.jobs import files, runner
from voiphistory.jobs.models import Job
from voiphistory.ops.downloads import attachment_header

TRICKS = "\u202e\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\ufeff"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("export", {"query": "sort=-when"}),
        ("xlsx_export", {"query": "sort=-when"}),
        ("archive", {"ids": None}),
    ],
)
def test_export_files_are_written_0600(fresh, db, settings, kind, fields):
    settings.EXPORT_PAGE_SIZE = 100
    if kind == "archive":
        fields = {"ids": [row["id"] for row in fresh.get("/monitors", limit=2).json()["data"]]}
    owner, _ = get_user_model().objects.get_or_create(username=SUPERVISOR)
    section = "recordings"
    job = Job.objects.create(
        owner=owner,
        customer_id=1,
        sealed_token=tokens.seal(fresh.token()),
        kind=kind,
        section=section,
        **fields,
    )
    runner.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    path = Path(job.result_path)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert [p for p in path.parent.iterdir() if mode(p) & 0o077] == []  # no side file readable by others


def test_a_new_export_file_is_private_whatever_the_umask(db, settings, tmp_path):
    import os

    settings.EXPORT_DIR = tmp_path / "exports"
    before = os.umask(0o000)
    try:
        path = files.export_path(Job(pk=1), ".csv.part")
    finally:
        os.umask(before)
    assert path.exists() and mode(path) == 0o600


def test_download_names_lose_bidi_and_control_characters():
    header = attachment_header(f"calls\u202egpj.exe{TRICKS} 2026\x85\x9b\x07-11-30.csv")
    ascii_name = header.split('filename="')[1].split('"')[0]
    exact = unquote(header.split("filename*=UTF-8''")[1])
    assert ascii_name == "callsgpj.exe 2026 -11-30.csv" and exact == "callsgpj.exe 2026 -11-30.csv"
    assert not any(char in exact for char in TRICKS)


def test_a_name_of_nothing_but_tricks_falls_back():
    assert (
        attachment_header(f"{TRICKS}.csv", fallback="job-7")
        == "attachment; filename=\"job-7.csv\"; filename*=UTF-8''job-7.csv"
    )


def test_the_job_download_sends_the_cleaned_name(client, fresh, db, tmp_path):
    from tests.conftest import sign_in_as

    supervisor = sign_in_as(client, fresh, SUPERVISOR)
    path = tmp_path / "file.csv"
    path.write_bytes(b"ID\r\n")
    owner = get_user_model().objects.get(pk=supervisor.session["_auth_user_id"])
    job = Job.objects.create(
        owner=owner,
        customer_id=1,
        kind="export",
        section="calls",
        status="succeeded",
        result_path=str(path),
        result_name="calls\u202e\u2066 2026-11-30\r\n.csv",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    response = supervisor.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == "attachment; filename=\"calls 2026-11-30.csv\"; filename*=UTF-8''calls%202026-11-30.csv"
    )
