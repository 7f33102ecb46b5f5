"""Server-drawn SVG charts: geometry computed here, drawn by templates/overview/overview.html.

No JavaScript and nothing inline that the Content-Security-Policy forbids: shapes carry SVG
presentation attributes (x, y, width, height) and CSS classes; every bar or point is a link to
the table filtered to what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from voiphistory.accounts.upstream import configured_codes
from voiphistory.overview.stats import Overview
from voiphistory.voipstudio import Sentiment
from voiphistory.web.formatting import hms

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 26


@dataclass(frozen=True)
class Shape:
    x: float
    y: float
    width: float
    height: float
    css: str
    href: str
    title: str
    label: str = ""  # drawn beside the shape (the busiest users' names)
    note: str = ""


@dataclass
class Chart:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    shapes: list[Shape] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    line: str = ""  # polyline points
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css class, label)
    empty: bool = False

    @property
    def baseline(self) -> float:
        return self.height - BOTTOM

    @property
    def right(self) -> float:
        return self.width - RIGHT

    @property
    def left(self) -> int:
        return LEFT


def table_url(slug: str, params: dict[str, object]) -> str:
    return (
        reverse("history:table", args=[slug])
        + "?"
        + urlencode({k: v for k, v in params.items() if v not in (None, "")})
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (
        1,
        2,
        5,
        10,
        20,
        25,
        50,
        100,
        200,
        250,
        500,
        1000,
        2000,
        2500,
        5000,
        10000,
        20000,
        50000,
        100000,
    ):
        if value <= step * 4:
            return step * 4
    return value


def _frame(chart: Chart, labels: list[str], top: float, fmt=lambda v: f"{v:g}") -> tuple[float, float]:
    """Axis labels; returns (slot width, pixels per unit)."""
    plot_w, plot_h = chart.right - LEFT, chart.baseline - TOP
    slot = plot_w / max(1, len(labels))
    every = max(1, round(len(labels) / 8))
    chart.x_labels = [(LEFT + slot * (i + 0.5), label) for i, label in enumerate(labels) if i % every == 0]
    chart.y_ticks = [(chart.baseline - plot_h * q / 4, fmt(top * q / 4)) for q in range(5)]
    return slot, plot_h / top


def stacked_columns(
    title: str, labels: list[str], series: list[tuple[str, str, list[int], list[str]]], width: int = WIDTH
) -> Chart:
    """``series``: (css class, name, value per bucket, link per bucket), stacked bottom-up."""
    chart = Chart(title, width=width, legend=[(css, name) for css, name, _, _ in series])
    totals = [sum(values[i] for _, _, values, _ in series) for i in range(len(labels))]
    chart.empty = not any(totals)
    slot, scale = _frame(chart, labels, _nice_max(max(totals, default=0)))
    for i, label in enumerate(labels):
        y = chart.baseline
        for css, name, values, links in series:
            if values[i]:
                h = values[i] * scale
                y -= h
                chart.shapes.append(
                    Shape(
                        round(LEFT + slot * i + slot * 0.15, 1),
                        round(y, 1),
                        round(slot * 0.7, 1),
                        round(h, 1),
                        css,
                        links[i],
                        f"{label}: {values[i]:,} {name.lower()}",
                    )
                )
    return chart


def line_points(
    title: str,
    labels: list[str],
    values: list[float | None],
    links: list[str],
    counts: list[int],
    top: float = 100,
) -> Chart:
    """``counts``: how many values each point averages (what its link's table lists)."""
    chart = Chart(title, legend=[("cx", "Average CX score")])
    chart.empty = all(v is None for v in values)
    slot, scale = _frame(chart, labels, top)
    points = []
    for i, value in enumerate(values):
        if value is None:
            continue
        x, y = round(LEFT + slot * (i + 0.5), 1), round(chart.baseline - value * scale, 1)
        points.append(f"{x},{y}")
        chart.shapes.append(
            Shape(
                x,
                y,
                0,
                0,
                "cx",
                links[i],
                f"{labels[i]}: average CX score {value:.0f} of {counts[i]:,} recordings",
            )
        )
    chart.line = " ".join(points)
    return chart


def overview_charts(overview: Overview) -> dict[str, Chart]:
    period = overview.period
    labels = period.bucket_labels()
    n = len(labels)
    day = [period.table_query(i) for i in range(n)]
    calls = [
        (
            "inbound",
            "Inbound",
            overview.inbound,
            [table_url("calls", {**day[i], "call_type": "I"}) for i in range(n)],
        ),
        (
            "outbound",
            "Outbound",
            overview.outbound,
            [table_url("calls", {**day[i], "call_type": "O"}) for i in range(n)],
        ),
        (
            "missed",
            "Missed",
            overview.missed,
            [table_url("calls", {**day[i], "call_type": "M"}) for i in range(n)],
        ),
    ]
    codes = configured_codes()  # the table filters on the API's code, which the settings say
    sentiment = [
        (
            sentiment.api_word,
            sentiment.name.title(),
            [bucket[int(sentiment)] for bucket in overview.sentiments],
            [
                table_url("recordings", {**day[i], "sentiment": codes.sentiment_code(sentiment)})
                for i in range(n)
            ],
        )
        for sentiment in Sentiment
    ]
    users = Chart("Busiest users", height=max(60, 26 * len(overview.users) + 10))
    most = max((u.calls for u in overview.users), default=0) or 1
    for row, user in enumerate(overview.users):
        users.shapes.append(
            Shape(
                180,
                6 + row * 26,
                round((users.width - 180 - 120) * user.calls / most, 1),
                18,
                "user",
                table_url("calls", {**period.table_query(), "user": user.user_id}),
                f"{user.name}: {user.calls:,} calls, {hms(user.talk_seconds)} talking",
                user.name,
                f"{user.calls:,} · {hms(user.talk_seconds)}",
            )
        )
    users.empty = not overview.users
    return {
        "calls": stacked_columns("Calls", labels, calls, width=2 * WIDTH),  # drawn full width: same text size
        "cx": line_points(
            "CX score",
            labels,
            overview.cx_average,
            [table_url("recordings", {**day[i], "min_cx": 0, "sort": "cx_score"}) for i in range(n)],
            overview.cx_count,
        ),
        "sentiment": stacked_columns("Sentiment of recordings", labels, sentiment),
        "users": users,
    }
