"""Importing meeting minutes: read a file, extract the decisions to track (spec/minutes-import.md)."""

from bot.minutes.extract import extract
from bot.minutes.model import Extraction, Item, Meeting, Review
from bot.minutes.reader import MinutesReadError, read_minutes

__all__ = ["Extraction", "Item", "Meeting", "MinutesReadError", "Review", "extract", "read_minutes"]
