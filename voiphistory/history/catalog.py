"""The one place that maps VoIPstudio's resources to what supervisors see.

``cdrs`` are Calls, ``monitors`` Recordings, ``voicemessages`` Voicemail, ``msdrs`` Media sessions…
Each ``Section`` names its client collection, its date field, its columns and the filters its
table offers. Views, forms, templates and exports read this; none of them spell a resource name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str  # stable name: the URL's sort value and the column chooser's
    label: str
    kind: str  # how a cell renders: when, duration, party, user, badge, text, number, score, sentiment, folder, bool
    field: str = ""  # the API field sorted on ("" = not sortable)
    attr: str = ""  # the record attribute shown (defaults to ``field``)
    sub: str = ""  # a second attribute shown under the first (a party's number under the name)
    user_attr: str = ""  # a party's user id, naming it when the record carries no name (a mailbox's owner)
    codes: str = ""  # which words a badge's codes read as (history_format.coded), when not its field's

    @property
    def value_attr(self) -> str:
        return self.attr or self.field

    @property
    def code_kind(self) -> str:
        return self.codes or self.field


@dataclass(frozen=True)
class Section:
    slug: str  # URL segment
    title: str  # navigation and page title
    noun: str  # one item, for messages ("recording")
    collection: str  # the VoipstudioClient attribute
    date_field: str
    columns: tuple[Column, ...]
    filters: tuple[str, ...]  # names of filters (filters.TableQuery.FILTER_FIELDS) this table offers
    search_field: str  # what the quick-search box matches (like)
    search_label: str = "Search"
    search_numbers: bool = False  # the search field holds phone numbers: a typed number is normalised
    from_field: str = ""
    to_field: str = ""
    default_sort: str = ""
    deletable: bool = False
    detail_view: str = ""  # the URL name of a row's detail page ("" = rows have none)
    # What the table offers beyond rows and filters; templates, views and jobs read these, never the slug.
    legs: bool = (
        False  # rows are CDR legs: coded in VoIPstudio's dictionaries, grouped into calls, maybe recorded
    )
    editable_info: bool = False  # the ticked rows' "additional information" can be set in bulk
    editable_ai: bool = False  # rows are recordings with AI text people correct (Edit, "Edited by a person")
    archivable: bool = False  # the ticked or matching rows' audio downloads as one ZIP
    has_folders: bool = (
        False  # rows are voicemail in folders: triage (move, mark heard) instead of bulk select
    )
    record_noun: str = (
        ""  # one API record when it is not one ``noun`` (a deleted call is its legs: "call leg")
    )

    @property
    def sort_fields(self) -> dict[str, str]:
        return {column.key: column.field for column in self.columns if column.field}


_CALL_COLUMNS = (
    Column("when", "When", "when", "calldate"),
    Column("type", "Type", "badge", "type"),
    Column("from", "From", "party", "src", attr="src_name", sub="src"),
    Column("to", "To", "party", "dst", attr="dst_name", sub="dst"),
    Column("user", "User", "user", "user_id"),
    Column("outcome", "Outcome", "badge", "disposition"),
    Column("duration", "Duration", "duration", "duration"),
    Column("talk", "Talk time", "duration", "billsec"),
)
_CALL_FILTERS = (
    "date",
    "from_number",
    "to_number",
    "call_type",
    "disposition",
    "user",
    "min_duration",
    "max_duration",
    "legs",
)

SECTIONS: tuple[Section, ...] = (
    Section(
        "calls",
        "Calls",
        "call",
        "cdrs",
        "calldate",
        _CALL_COLUMNS,
        _CALL_FILTERS,
        search_label="Caller ID",
        search_field="clid",
        search_numbers=True,
        from_field="src",
        to_field="dst",
        deletable=True,
        detail_view="history:call_detail",
        legs=True,
        editable_info=True,
        record_noun="call leg",
    ),
    Section(
        "call-tracking",
        "Call tracking",
        "call",
        "calltracking_cdrs",
        "calldate",
        (*_CALL_COLUMNS[:4], Column("campaign", "Campaign", "text", "info"), *_CALL_COLUMNS[5:]),
        _CALL_FILTERS,
        search_label="Campaign",
        search_field="info",
        from_field="src",
        to_field="dst",
        detail_view="history:call_detail",
        legs=True,
    ),
    Section(
        "recordings",
        "Recordings",
        "recording",
        "monitors",
        "timestamp",
        (
            Column("when", "When", "when", "timestamp"),
            Column("from", "From", "party", "src", attr="src_name", sub="src"),
            Column("to", "To", "party", "dst", attr="dst_name", sub="dst"),
            Column("user", "User", "user", "user_id"),
            Column("duration", "Duration", "duration", "duration"),
            Column("sentiment", "Sentiment", "sentiment", "sentiment"),
            Column("cx_score", "CX score", "score", "cx_score"),
            Column("summary", "Summary", "text", attr="summary"),
        ),
        (
            "date",
            "from_number",
            "to_number",
            "user",
            "min_duration",
            "max_duration",
            "sentiment",
            "min_cx",
            "max_cx",
        ),
        search_label="Transcript",
        search_field="transcript",
        from_field="src",
        to_field="dst",
        deletable=True,
        editable_ai=True,
        archivable=True,
    ),
    Section(
        "voicemail",
        "Voicemail",
        "voicemail",
        "voicemessages",
        "origtime",
        (
            Column("when", "When", "when", "origtime"),
            Column("from", "From", "party", "caller", attr="callerid", sub="caller"),
            Column("dialled", "Dialled", "party", "dialled", user_attr="extension_id"),
            Column("duration", "Duration", "duration", "duration"),
            Column("folder", "Folder", "folder", "folder"),
            Column("new", "Status", "bool", "is_new"),
            Column("transcript", "Message", "text", attr="transcript"),
        ),
        ("date", "from_number", "folder", "is_new", "min_duration", "max_duration"),
        search_label="Message text",
        search_field="transcript",
        from_field="caller",
        to_field="dialled",
        deletable=True,
        has_folders=True,
    ),
    Section(
        "chats",
        "Chats",
        "chat",
        "chats",
        "created_at",
        (
            Column("when", "When", "when", "created_at"),
            Column("visitor", "Visitor", "party", "visitor_name", attr="visitor_name", sub="visitor_email"),
            Column("country", "Country", "text", "visitor_country"),
            Column("operator", "Operator", "user", "operator_id"),
            Column("duration", "Duration", "duration", "duration"),
            Column("state", "State", "chat_state", "state"),
        ),
        ("date", "chat_state", "operator", "min_duration", "max_duration"),
        search_label="Visitor name",
        search_field="visitor_name",
        detail_view="history:chat_detail",
    ),
    Section(
        "conversations",
        "Conversations",
        "conversation",
        "conversations",
        "created_at",
        (
            Column("when", "When", "when", "created_at"),
            Column("channel", "Channel", "badge", "channel"),
            Column("from", "From", "party", "src", attr="src_name", sub="src"),
            Column("to", "To", "party", "dst", attr="dst_name", sub="dst"),
            Column("user", "User", "user", "user_id"),
            Column("duration", "Duration", "duration", "duration"),
            Column("cx_score", "CX score", "score", "cx_score"),
        ),
        ("date", "from_number", "to_number", "channel", "user"),
        search_label="Caller name",
        search_field="src_name",
        from_field="src",
        to_field="dst",
    ),
    Section(
        "media-sessions",
        "Media sessions",
        "media session",
        "msdrs",
        "created_at",
        (
            Column("when", "When", "when", "created_at"),
            Column("type", "Type", "badge", "type", codes="media_type"),
            Column("from", "From", "party", "src", attr="src_id", sub="src"),
            Column("to", "To", "party", "dst", attr="dst_id", sub="dst"),
            Column("user", "User", "user", "user_id"),
            Column("duration", "Duration", "duration", "duration"),
            Column("ended", "Ended", "text", "t_cause"),
        ),
        ("date", "from_number", "to_number", "user", "min_duration", "max_duration"),
        search_label="Call ID",
        search_field="call_id",
        from_field="src",
        to_field="dst",
        detail_view="history:msdr_detail",
    ),
)

BY_SLUG = {section.slug: section for section in SECTIONS}


def section(slug: str) -> Section:
    return BY_SLUG[slug]


def item_nouns(section: Section) -> tuple[str, str]:
    """One and many of the API records a job on ``section`` acts on ("call leg", "call legs")."""
    noun = section.record_noun or section.noun
    return noun, f"{noun}s"


@dataclass(frozen=True)
class Collection:
    """A whole collection a supervisor may empty in one request (``DELETE /monitors``)."""

    slug: str
    title: str
    collection: str  # the VoipstudioClient attribute
    legs: bool = False  # its records are call legs, not calls


#: The danger zone: whole-collection deletes, each behind a typed confirmation.
WIPEABLE: tuple[Collection, ...] = (
    Collection("calls", "Calls", "cdrs", legs=True),
    Collection("recordings", "Recordings", "monitors"),
    Collection("voicemail", "Voicemail", "voicemessages"),
    Collection("chat-messages", "Chat messages", "chat_messages"),
    Collection("statements", "Statements", "statements"),
)
WIPEABLE_BY_SLUG = {item.slug: item for item in WIPEABLE}
