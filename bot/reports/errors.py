"""The one error every report format raises, so that callers catch a single thing."""

from __future__ import annotations


class ReportError(Exception):
    """A report that cannot be produced or saved; str() is a zh-TW answer that says what to do."""
