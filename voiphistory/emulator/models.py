"""The emulator's own database: one table per VoIPstudio resource, columns named as the API names them.

Dates are stored exactly as the API prints them (``YYYY-MM-DD HH:MM:SS``, UTC), so they compare,
sort and serialise without conversion. Every resource row belongs to a customer; a token sees its
own customer's rows only.
"""

from __future__ import annotations

from django.db import models


class Customer(models.Model):
    id = models.BigIntegerField(primary_key=True)
    name = models.CharField(max_length=200)


class User(models.Model):
    ROLE_ADMIN = "ROLE_ADMIN"
    ROLE_USER = "ROLE_USER"

    id = models.BigIntegerField(primary_key=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    email = models.EmailField(unique=True)
    password = models.CharField(max_length=200)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    extension = models.CharField(max_length=20)
    roles = models.CharField(max_length=100, default=ROLE_USER)
    two_factor_auth = models.IntegerField(default=0)
    active = models.BooleanField(default=True)
    is_root = models.BooleanField(default=False)
    is_initial = models.BooleanField(default=False)
    visited_apps = models.CharField(max_length=200, default="")
    created_at = models.CharField(max_length=19)

    @property
    def can_write(self) -> bool:
        return self.ROLE_ADMIN in self.roles.split(",")


class Token(models.Model):
    """A session token from /login (``name`` empty) or a named API token from /apitokens."""

    token = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    name = models.CharField(max_length=100, blank=True)
    idle_seconds = models.IntegerField()
    created_at = models.CharField(max_length=19)
    last_used = models.FloatField()  # epoch seconds; expiry is idle-based

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"], condition=~models.Q(name=""), name="unique_named_token"
            )
        ]


class TwoFactorChallenge(models.Model):
    nonce = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    created = models.FloatField()


class Cdr(models.Model):
    id = models.BigIntegerField(primary_key=True)
    customer_id = models.BigIntegerField()
    is_calltracking = models.BooleanField(default=False)
    billsec = models.IntegerField()
    call_id = models.BigIntegerField()
    calldate = models.CharField(max_length=19)
    charge = models.CharField(max_length=20)
    clid = models.CharField(max_length=200)
    context = models.CharField(max_length=30)
    destination = models.CharField(max_length=20)
    disposition = models.CharField(max_length=20)
    dst = models.CharField(max_length=40)
    dst_codec = models.CharField(max_length=20)
    dst_id = models.CharField(max_length=40)
    dst_name = models.CharField(max_length=200)
    dst_ua = models.CharField(max_length=200)
    duration = models.IntegerField()
    info = models.CharField(max_length=500)
    is_root = models.BooleanField()
    live_id = models.BigIntegerField()
    parent_live_id = models.BigIntegerField(null=True)
    rate = models.CharField(max_length=20)
    root_live_id = models.BigIntegerField()
    server_id = models.IntegerField()
    sip_endpoint_id = models.BigIntegerField(null=True)
    src = models.CharField(max_length=40)
    src_codec = models.CharField(max_length=20)
    src_id = models.CharField(max_length=40)
    src_name = models.CharField(max_length=200)
    src_ua = models.CharField(max_length=200)
    t_cause = models.CharField(max_length=60)
    type = models.CharField(max_length=1)
    user_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["customer_id", "calldate", "id"], name="cdr_date"),
            # Every filter the dashboard and the public clients send, with the date they sort by and the
            # id that breaks ties, so a page is read from one index (docs/voipstudio-api.md, "The emulator's
            # collections at depth").
            models.Index(fields=["customer_id", "id", "calldate"], name="cdr_id_date"),
            models.Index(fields=["customer_id", "user_id", "calldate", "id"], name="cdr_user_date_id"),
            models.Index(fields=["customer_id", "src", "calldate", "id"], name="cdr_src_date"),
            models.Index(fields=["customer_id", "dst", "calldate", "id"], name="cdr_dst_date"),
            models.Index(
                fields=["customer_id", "disposition", "calldate", "id"], name="cdr_disposition_date"
            ),
            models.Index(fields=["customer_id", "type", "calldate", "id"], name="cdr_type_date"),
            models.Index(
                fields=["customer_id", "is_calltracking", "calldate", "id"], name="cdr_tracking_date"
            ),
            models.Index(fields=["live_id"], name="cdr_live"),
            models.Index(fields=["root_live_id"], name="cdr_root_live"),
        ]


class Note(models.Model):
    id = models.BigIntegerField(primary_key=True)
    cdr_id = models.BigIntegerField(db_index=True)
    user_id = models.BigIntegerField()
    user_name = models.CharField(max_length=200)
    note = models.TextField()
    created_at = models.CharField(max_length=19)


class Monitor(models.Model):
    # Canonical sentiment; the API shows it as the dialect codes it (dialects.py).
    NEGATIVE, NEUTRAL, POSITIVE = 0, 1, 2

    id = models.BigIntegerField(primary_key=True)
    customer_id = models.BigIntegerField()
    call_id = models.BigIntegerField()
    called = models.CharField(max_length=40)
    caller = models.CharField(max_length=40)
    context = models.CharField(max_length=30)
    cx_score = models.IntegerField(null=True)
    dst = models.CharField(max_length=40)
    dst_id = models.CharField(max_length=40)
    dst_name = models.CharField(max_length=200)
    duration = models.IntegerField()
    live_id = models.BigIntegerField(db_index=True)
    sentiment = models.IntegerField(null=True)
    sip_endpoint_id = models.BigIntegerField(null=True)
    size = models.BigIntegerField()
    src = models.CharField(max_length=40)
    src_id = models.CharField(max_length=40)
    src_name = models.CharField(max_length=200)
    summary = models.TextField()
    timestamp = models.CharField(max_length=19)
    transcript = models.TextField()
    transcript_speakers = models.TextField()
    metadata = models.JSONField(null=True)
    type = models.CharField(max_length=20)
    user_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["customer_id", "timestamp", "id"], name="monitor_date"),
            models.Index(fields=["customer_id", "id", "timestamp"], name="monitor_id_date"),
            models.Index(fields=["customer_id", "src", "timestamp", "id"], name="monitor_src_date"),
            models.Index(fields=["customer_id", "dst", "timestamp", "id"], name="monitor_dst_date"),
            models.Index(fields=["customer_id", "user_id", "timestamp", "id"], name="monitor_user_date"),
            models.Index(
                fields=["customer_id", "sentiment", "timestamp", "id"], name="monitor_sentiment_date"
            ),
            models.Index(fields=["call_id"], name="monitor_call"),
        ]


class VoiceMessage(models.Model):
    # Canonical folders (Asterisk's); each dialect numbers them its own way (dialects.py).
    INBOX, OLD, WORK, FAMILY, FRIENDS, URGENT = 1, 2, 3, 4, 5, 6
    FOLDERS = {
        INBOX: "INBOX",
        OLD: "Old",
        WORK: "Work",
        FAMILY: "Family",
        FRIENDS: "Friends",
        URGENT: "Urgent",
    }

    id = models.BigIntegerField(primary_key=True)
    customer_id = models.BigIntegerField()
    caller = models.CharField(max_length=40)
    callerid = models.CharField(max_length=200)
    dialled = models.CharField(max_length=40)
    duration = models.IntegerField()
    extension_id = models.BigIntegerField()
    folder = models.IntegerField()
    is_new = models.BooleanField()
    live_id = models.BigIntegerField(db_index=True)
    origtime = models.CharField(max_length=19)
    parent_live_id = models.BigIntegerField(null=True)
    transcript = models.TextField()

    class Meta:
        indexes = [
            models.Index(fields=["customer_id", "origtime", "id"], name="vm_date"),
            models.Index(fields=["customer_id", "id", "origtime"], name="vm_id_date"),
            models.Index(fields=["customer_id", "caller", "origtime", "id"], name="vm_caller_date"),
            models.Index(fields=["customer_id", "folder", "origtime", "id"], name="vm_folder_date"),
            models.Index(fields=["customer_id", "extension_id", "origtime", "id"], name="vm_extension_date"),
            models.Index(fields=["customer_id", "is_new", "origtime", "id"], name="vm_new_date"),
        ]


class Chat(models.Model):
    # Canonical states; the API shows them as the dialect codes them (dialects.py).
    QUEUED, ACTIVE, CLOSED, MISSED, ABANDONED = 0, 1, 2, 3, 4

    id = models.BigIntegerField(primary_key=True)
    created_at = models.CharField(max_length=19)
    customer_id = models.BigIntegerField()
    duration = models.IntegerField()
    operator_id = models.BigIntegerField(null=True)
    operator_ua = models.CharField(max_length=200)
    state = models.IntegerField()
    visitor_city = models.CharField(max_length=100)
    visitor_country = models.CharField(max_length=100)
    visitor_email = models.CharField(max_length=200)
    visitor_geo = models.CharField(max_length=60)
    visitor_id = models.CharField(max_length=60)
    visitor_ip = models.CharField(max_length=45)
    visitor_name = models.CharField(max_length=200)
    visitor_referer = models.CharField(max_length=500)
    visitor_ua = models.CharField(max_length=300)
    website_id = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["customer_id", "created_at", "id"], name="chat_date"),
            models.Index(fields=["customer_id", "id", "created_at"], name="chat_id_date"),
            models.Index(
                fields=["customer_id", "operator_id", "created_at", "id"], name="chat_operator_date"
            ),
            models.Index(fields=["customer_id", "state", "created_at", "id"], name="chat_state_date"),
            models.Index(
                fields=["customer_id", "visitor_name", "created_at", "id"], name="chat_visitor_date"
            ),
        ]


class ChatMsg(models.Model):
    id = models.BigIntegerField(primary_key=True)
    customer_id = models.BigIntegerField()
    chat_id = models.BigIntegerField(db_index=True)
    created_at = models.CharField(max_length=19)
    sender = models.CharField(max_length=10)  # "visitor" or "operator"
    sender_name = models.CharField(max_length=200)
    message = models.TextField()


class Conversation(models.Model):
    id = models.CharField(max_length=40, primary_key=True)
    channel = models.CharField(max_length=20)
    created_at = models.CharField(max_length=19)
    customer_id = models.BigIntegerField()
    cx_score = models.IntegerField(null=True)
    dst = models.CharField(max_length=40)
    dst_name = models.CharField(max_length=200)
    duration = models.IntegerField()
    monitor_id = models.BigIntegerField(null=True)
    object_class = models.CharField(max_length=20)
    object_id = models.CharField(max_length=40)
    src = models.CharField(max_length=40)
    src_name = models.CharField(max_length=200)
    type = models.CharField(max_length=20)
    user_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["customer_id", "created_at", "id"], name="conversation_date_id"),
            models.Index(
                fields=["customer_id", "channel", "created_at", "id"], name="conversation_channel_date"
            ),
            models.Index(fields=["customer_id", "src", "created_at", "id"], name="conversation_src_date"),
            models.Index(fields=["customer_id", "dst", "created_at", "id"], name="conversation_dst_date"),
        ]


class Msdr(models.Model):
    id = models.BigIntegerField(primary_key=True)
    customer_id = models.BigIntegerField()
    call_id = models.CharField(max_length=100)
    created_at = models.CharField(max_length=19)
    dst = models.CharField(max_length=40)
    dst_id = models.CharField(max_length=40)
    dst_ua = models.CharField(max_length=200)
    duration = models.IntegerField()
    media_session_id = models.BigIntegerField()
    src = models.CharField(max_length=40)
    src_id = models.CharField(max_length=40)
    src_ua = models.CharField(max_length=200)
    t_cause = models.CharField(max_length=60)
    type = models.CharField(max_length=20)
    user_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["customer_id", "created_at", "id"], name="msdr_date"),
            models.Index(fields=["customer_id", "id", "created_at"], name="msdr_id_date"),
            models.Index(fields=["customer_id", "src", "created_at", "id"], name="msdr_src_date"),
            models.Index(fields=["customer_id", "dst", "created_at", "id"], name="msdr_dst_date"),
            models.Index(fields=["customer_id", "user_id", "created_at", "id"], name="msdr_user_date"),
        ]


class Sms(models.Model):
    id = models.BigIntegerField(primary_key=True)
    customer_id = models.BigIntegerField()
    created_at = models.CharField(max_length=19)
    from_number = models.CharField(max_length=40, db_column="from")
    from_id = models.CharField(max_length=40)
    from_name = models.CharField(max_length=200)
    message = models.TextField()
    result = models.CharField(max_length=20)
    to_number = models.CharField(max_length=40, db_column="to")
    to_id = models.CharField(max_length=40)
    to_name = models.CharField(max_length=200)
    type = models.CharField(max_length=20)
    user_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["customer_id", "created_at", "id"], name="sms_date"),
            models.Index(fields=["customer_id", "id", "created_at"], name="sms_id_date"),
            models.Index(fields=["customer_id", "from_number", "created_at", "id"], name="sms_from_date"),
            models.Index(fields=["customer_id", "to_number", "created_at", "id"], name="sms_to_date"),
        ]


class Statement(models.Model):
    id = models.BigIntegerField(primary_key=True)
    customer_id = models.BigIntegerField()
    period = models.CharField(max_length=7)
    amount = models.CharField(max_length=20)
    created_at = models.CharField(max_length=19)


class FaultRule(models.Model):
    """A misbehaviour switched on at run time through ``/_emulator/faults`` (see faults.py)."""

    path = models.CharField(max_length=300, blank=True, default="")  # regex searched in the API path
    method = models.CharField(max_length=10, blank=True, default="")  # empty: every method
    status = models.IntegerField(null=True, blank=True)
    rate = models.FloatField(default=1.0)  # share of matching requests affected
    latency_ms = models.IntegerField(default=0)
    retry_after = models.IntegerField(null=True, blank=True)
    malformed = models.BooleanField(default=False)  # 200 with a body that is not JSON
    truncate_bytes = models.BigIntegerField(null=True, blank=True)  # cut the body off after this many bytes
    remaining = models.IntegerField(
        null=True, blank=True
    )  # apply this many times, then retire; null: forever


class TableGeneration(models.Model):
    """How many rows of a resource table have changed, counted by triggers (migration 0005).

    Collection answers keep their ``total`` per filter while a table's count stands still
    (query.count), so a client walking pages pays the count once, not on every page.
    """

    table = models.CharField(max_length=60, primary_key=True)
    changes = models.BigIntegerField(default=0)


class ClockOffset(models.Model):
    """Seconds the emulator's clock runs ahead of real time (clock.py); one row, id 1."""

    seconds = models.FloatField(default=0.0)
