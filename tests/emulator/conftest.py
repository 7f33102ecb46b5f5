"""The default demo data set (20,000 CDRs, 90 days), seeded once for the seed tests that read it."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.emulator.seeding import PASSWORD, connect, seeded


@pytest.fixture(scope="session")
def default_seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """The default size (20,000 CDRs, 90 days) seeded once: its data directory and the seed's output."""
    data_dir = tmp_path_factory.mktemp("seed-default")
    return data_dir, seeded(data_dir, "--password", PASSWORD)


@pytest.fixture(scope="session")
def default_db(default_seed: tuple[Path, subprocess.CompletedProcess]) -> Iterator[sqlite3.Connection]:
    """The default seed's database (read only: tests share it)."""
    connection = connect(default_seed[0])
    yield connection
    connection.close()
