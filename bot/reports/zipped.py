"""Office files are zip archives: the same report should give the same bytes, whenever it is made."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date


def steady(archive: bytes, day: date, change: Callable[[str, bytes], bytes] | None = None) -> bytes:
    """The archive with every entry dated `day` (the report's data date, not the moment it was
    written), in the same order and compression (an OpenDocument's uncompressed mimetype stays
    first); `change` may rewrite a part on the way."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if change is not None:
                part = change(info.filename, part)
            dated = zipfile.ZipInfo(info.filename, date_time=(day.year, day.month, day.day, 0, 0, 0))
            dated.compress_type, dated.external_attr = info.compress_type, info.external_attr
            target.writestr(dated, part)
    return buffer.getvalue()
