"""Every table of the bot, in one place. The Store (storage/store.py) is the only code that writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Dialect, LargeBinary, Text, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel

# item.status
TRACKING, CONTINUED, RELEASED, OTHER = "tracking", "continued", "released", "other"
STATUS_ZH = {TRACKING: "列管中", CONTINUED: "繼續列管", RELEASED: "解除列管", OTHER: "另案處理"}
LEAD, ASSIST = "lead", "assist"
SECRETARIAT = "秘書處"


class UtcDateTime(TypeDecorator[datetime]):
    """Moments stored as naive UTC on every engine, handed back aware (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def moment(**kwargs: Any) -> Any:
    return Field(sa_type=UtcDateTime, **kwargs)


class Body(SQLModel, table=True):
    """A standing body or meeting series (強化社會安全網中央跨部會平台)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    code: str = Field(unique=True, max_length=20)  # typed before a case number when several bodies exist
    government: str | None = Field(default=None, max_length=100)  # whose 本部 / 本府 / 社會局
    next_meeting: date | None = None
    next_meeting_time: str | None = Field(default=None, max_length=5)  # "09:30" when the time is known
    reminder_weekday: int = 0
    reminder_time: str = Field(default="09:30", max_length=5)
    deadline_office_days: int = 5
    created_at: datetime = moment()


class Meeting(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("body_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", index=True)
    number: int | None = None
    held_on: date | None = None
    title: str = Field(default="", max_length=300)
    chair: str | None = Field(default=None, max_length=200)
    recorder: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=300)
    digest: str | None = Field(default=None, max_length=64, index=True)  # of imported minutes
    created_at: datetime = moment()


class Item(SQLModel, table=True):
    """A tracked item (列管事項); `case` is stable across meetings within its body."""

    __table_args__ = (UniqueConstraint("body_id", "case"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", index=True)
    case: str = Field(max_length=40, index=True)  # what a user types after #: looked up on every reply
    subject: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=TRACKING, max_length=20)
    due_next_meeting: bool = False
    due_date: date | None = None
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    source: str | None = Field(default=None, max_length=200)
    warning: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    proposal: str | None = Field(default=None, max_length=20)  # release | keep
    proposal_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = moment()
    updated_at: datetime = moment()


class ItemAgency(SQLModel, table=True):
    item_id: int = Field(foreign_key="item.id", primary_key=True)
    agency: str = Field(primary_key=True, max_length=100)
    role: str = Field(default=LEAD, max_length=10)
    position: int = 0


class Review(SQLModel, table=True):
    """What a meeting decided about an item: created, renewed, released, continued, other."""

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    decision: str = Field(max_length=20)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    at: datetime = moment()


class Reply(SQLModel, table=True):
    """A status reply (辦理情形) or a request to release (建議解除); edits add a version."""

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    agency: str = Field(max_length=100)
    kind: str = Field(default="progress", max_length=20)  # progress | ask_release
    text: str = Field(sa_column=Column(Text, nullable=False))
    author: str = Field(max_length=200)
    author_name: str | None = Field(default=None, max_length=200)
    chat: str = Field(max_length=200)
    message_id: str | None = Field(default=None, max_length=100, index=True)
    at: datetime = moment()
    late: bool = False
    superseded_by: int | None = None
    withdrawn: bool = False
    on_behalf: bool = False  # 代為登錄: the secretariat entered it for the agency
    corrects: int | None = None  # the reply this one replaces (更正, or an edited message)


class ProgressText(SQLModel, table=True):
    """The 辦理情形 the secretariat set for an agency on an item, for one meeting's report (秘書處修改).

    Rows are only added: the newest for (item, agency, meeting) wins; `text` None returns to the
    text composed from the agency's replies.
    """

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    agency: str = Field(max_length=100)
    meeting: int | None = None  # the number of the meeting whose report prints it
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    author: str = Field(max_length=200)
    author_name: str | None = Field(default=None, max_length=200)
    chat: str | None = Field(default=None, max_length=200)
    at: datetime = moment()


class AgencyEntry(SQLModel, table=True):
    """Agencies the secretariat added (機關 新增) or aliases it gave (機關 別名)."""

    name: str = Field(primary_key=True, max_length=100)
    short: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    parent: str | None = Field(default=None, max_length=100)
    kind: str = Field(default="unit", max_length=20)


class ChatBinding(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("chat"),)

    id: int | None = Field(default=None, primary_key=True)
    chat: str = Field(max_length=200)  # platform:chat_id
    agency: str = Field(max_length=100)  # or 秘書處
    bound_by: str = Field(max_length=200)
    bound_at: datetime = moment()


class BindCode(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=20)
    agency: str = Field(max_length=100)
    created_by: str = Field(max_length=200)
    expires_at: datetime = moment()
    used_at: datetime | None = moment(default=None)
    used_by: str | None = Field(default=None, max_length=200)
    # a chat already bound elsewhere was warned and must confirm (綁定 CODE 確認) before this moment
    offered_to: str | None = Field(default=None, max_length=200)
    offer_expires: datetime | None = moment(default=None)


class BindFailure(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    chat: str = Field(max_length=200, index=True)
    at: datetime = moment()


class Admin(SQLModel, table=True):
    """A person (platform:user id) who acts as the secretariat in any chat."""

    user: str = Field(primary_key=True, max_length=200)
    added_by: str = Field(max_length=200)
    added_at: datetime = moment()


class Audit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = moment()
    actor: str = Field(max_length=200)
    chat: str | None = Field(default=None, max_length=200)
    action: str = Field(max_length=50)
    target: str | None = Field(default=None, max_length=200)
    before: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class SentMessage(SQLModel, table=True):
    """A platform message id the bot produced, and the items it listed (so quoting it lands)."""

    __table_args__ = (UniqueConstraint("chat", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    chat: str = Field(max_length=200)
    message_id: str = Field(max_length=100)
    item_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    at: datetime = moment()


class PendingImport(SQLModel, table=True):
    """Minutes read in a chat, waiting for 確認匯入 or 取消."""

    chat: str = Field(primary_key=True, max_length=200)
    author: str = Field(max_length=200)
    body: str | None = Field(default=None, max_length=200)
    source_text: str = Field(sa_column=Column(Text, nullable=False))
    # the extraction as shown, what is ticked and how each conflict was answered (handlers/import_review.py)
    review: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = moment()


class KeyValue(SQLModel, table=True):
    """Generated secrets and other small state kept in the database."""

    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(sa_column=Column(Text, nullable=False))


class DayOff(SQLModel, table=True):
    """Government calendar overrides: 停班 days, or the DGPA calendar's days (off or 補班)."""

    day: date = Field(primary_key=True)
    office: bool = False  # True: a make-up workday (補班)
    reason: str = Field(default="", max_length=200)
    source: str = Field(default="manual", max_length=20)


class Outbox(SQLModel, table=True):
    """Every outgoing message is a row before it is sent; `key` makes a resend of a round a no-op."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)
    chat: str = Field(max_length=200, index=True)
    payload: dict = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=20, index=True)  # pending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime = moment()
    reply_token: str | None = Field(default=None, max_length=200)
    reply_token_expires: datetime | None = moment(default=None)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    message_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = moment()
    sent_at: datetime | None = moment(default=None)
    # the process a 'sending' row is leased to: when its ProcessLease lapses, the row is due at once
    owner: str | None = Field(default=None, max_length=120)


class ProcessedEvent(SQLModel, table=True):
    """A webhook event, recorded before the 200 so a redelivery or a crash is handled once."""

    key: str = Field(primary_key=True, max_length=200)  # platform:event id
    payload: dict = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="received", max_length=20)  # received | done
    at: datetime = moment()
    # the process handling a `received` event: when its ProcessLease lapses, another takes it up
    owner: str | None = Field(default=None, max_length=120)


class ProcessLease(SQLModel, table=True):
    """A running process says it is alive by renewing this row every second or so.

    Events and outbox rows name their owner; once the owner's lease lapses (a kill -9, a lost
    machine) another replica, or the restarted process under its new name, takes them up in
    seconds instead of waiting for a fixed minute. Times are the machines' real clocks (not the
    bot's clock, which tests fix): replicas keep theirs in step with NTP, well within the lease.
    """

    owner: str = Field(primary_key=True, max_length=120)  # host:pid:start
    started_at: datetime = moment()
    alive_until: datetime = moment()


class ReminderRound(SQLModel, table=True):
    """A body's reminder round on a day: the scheduler's catch-up mark and a record of what it did.

    `overdue` keeps the items marked 逾期 in that round (agency → item ids), for the report.
    """

    __table_args__ = (UniqueConstraint("body_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", index=True)
    day: date
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    chats: int = 0
    overdue: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = moment()


class WebLogin(SQLModel, table=True):
    """A single-use sign-in link to the web desk; only the SHA-256 of its token is kept."""

    token_hash: str = Field(primary_key=True, max_length=64)
    user: str = Field(max_length=200)  # platform:user id, or cli:<login name>
    name: str | None = Field(default=None, max_length=200)
    chat: str | None = Field(default=None, max_length=200)
    created_at: datetime = moment()
    expires_at: datetime = moment()
    used_at: datetime | None = moment(default=None)


class WebSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds the token, the table only its SHA-256."""

    token_hash: str = Field(primary_key=True, max_length=64)
    user: str = Field(max_length=200)
    name: str | None = Field(default=None, max_length=200)
    chat: str | None = Field(default=None, max_length=200)  # the secretariat chat the link was asked in
    created_at: datetime = moment()
    expires_at: datetime = moment(index=True)
    ended_at: datetime | None = moment(default=None)


class EvidenceBlob(SQLModel, table=True):
    """The bytes of a 佐證 file, once per content: a file sent twice (or by two agencies) is stored once."""

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = moment()


class EvidenceFile(SQLModel, table=True):
    """A 佐證 file an agency sent: its name as sent, what it is, who sent it, the reply it supports.

    `item_id` None: the bot asked which item it belongs to and is waiting for the answer.
    """

    __table_args__ = (UniqueConstraint("chat", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(foreign_key="evidenceblob.sha256", max_length=64, index=True)
    name: str = Field(max_length=255)
    mime: str = Field(max_length=100)
    size: int
    body_id: int | None = Field(default=None, foreign_key="body.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="item.id", index=True)
    reply_id: int | None = Field(default=None, foreign_key="reply.id", index=True)
    agency: str = Field(max_length=100)
    author: str = Field(max_length=200)
    author_name: str | None = Field(default=None, max_length=200)
    chat: str = Field(max_length=200)
    message_id: str = Field(max_length=100)
    at: datetime = moment()
    withdrawn: bool = False


class FetchJob(SQLModel, table=True):
    """A file to fetch from a platform, recorded before it is fetched (the outbox's sibling)."""

    key: str = Field(primary_key=True, max_length=200)  # platform:chat id:message id
    chat: str = Field(max_length=200)
    payload: dict = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=20, index=True)  # pending | fetching | done | failed
    attempts: int = 0
    next_attempt_at: datetime = moment()
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = moment()
    done_at: datetime | None = moment(default=None)
