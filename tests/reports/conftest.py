"""Fixtures: the report of seed 000's platform before its 6th meeting, and the same with nothing in it."""

from __future__ import annotations

import pytest

from bot.reports.model import ReportData
from tests.reports.samples import (
    ANSWERED_WITHOUT_SUBJECT,
    HOSTILE,
    KEPT_UNANSWERED,
    PARTLY_ANSWERED,
    UNANSWERED,
    make_report,
)


@pytest.fixture
def report() -> ReportData:
    return make_report((UNANSWERED, PARTLY_ANSWERED, ANSWERED_WITHOUT_SUBJECT, HOSTILE, KEPT_UNANSWERED))


@pytest.fixture
def empty_report() -> ReportData:
    return make_report(())
