"""Fixtures for the minutes import tests."""

from __future__ import annotations

from types import ModuleType

import pytest

from config.directory import AgencyDirectory
from tests.minutes.support import load_scorer


@pytest.fixture(scope="session")
def directory() -> AgencyDirectory:
    return AgencyDirectory.load_default()


@pytest.fixture(scope="session")
def scorer() -> ModuleType:
    return load_scorer()
