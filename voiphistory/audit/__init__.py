"""The audit trail: who listened to, downloaded, changed, moved, deleted or exported what, when,
and from which address. Append-only. Write with ``services.record``; read with ``selectors``."""
