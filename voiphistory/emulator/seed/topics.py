"""What recorded calls are about: per topic, the talk time, the mood, the transcript and the summaries.

The texts live in ``topics.json`` beside this module. Each topic has ``talk`` (the talk-time median,
seconds), ``sentiment`` (weights of negative, neutral, positive), ``body`` (the call: [speaker "a"
agent or "c" customer, variants]), ``close`` (the agent's last word, per sentiment) and ``summary``
(per sentiment). ``{name}`` fields are filled from ``base.GeneratorBase._context``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TOPICS: dict[str, dict[str, Any]] = json.loads(
    Path(__file__).with_name("topics.json").read_text(encoding="utf-8")
)
TOPIC_NAMES = tuple(TOPICS)
QUEUE_TOPICS = (  # per queue: topic weights in TOPIC_NAMES order
    (0.02, 0.08, 0.02, 0.45, 0.05, 0.03, 0.35, 0.0),  # sales
    (0.03, 0.22, 0.22, 0.05, 0.05, 0.40, 0.0, 0.03),  # support
    (0.45, 0.02, 0.05, 0.05, 0.18, 0.0, 0.0, 0.25),  # billing
)
