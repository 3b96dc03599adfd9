"""The console's charts: inline SVG bars drawn on the server, with nothing loaded from elsewhere.

Each bar carries its figures in `data-*` attributes and as text beside it, so a person without
the picture (and a test) reads the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.web.console.html import e

BAR_COLOR = "#2f6fed"
WARN_COLOR = "#d9822b"
OK_COLOR = "#1f7a45"
BAD_COLOR = "#b42318"
TRACK_COLOR = "#eef1f7"
TEXT_COLOR = "#1c2330"
LABEL_WIDTH, BAR_WIDTH, ROW_HEIGHT = 190, 300, 28

Bar = tuple[str, str, float | None, str, str]
"""Metric name, label, value between 0 and 1 (None: no data), the value as text, color."""
Segment = tuple[str, str, int, str]
"""A part of a stacked bar: its key (a CSS class and `data-` name), its label, its count, its
color."""
Stack = tuple[str, str, Sequence[Segment]]
"""A stacked bar: its key, its label, its parts left to right."""


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar]) -> str:
    """One bar per figure, each against a track of the full width (a rate, a share)."""
    rows = []
    for index, (metric, label, value, text, color) in enumerate(bars):
        y = 4 + index * ROW_HEIGHT
        length = 0 if value is None else round(max(0.0, min(1.0, value)) * BAR_WIDTH, 1)
        data = "" if value is None else f' data-value="{value}"'
        rows.append(
            f'<g data-metric="{e(metric)}"{data}>{_label(label, y)}{_track(y)}'
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 4}" width="{length}" height="18" '
            f'rx="3" fill="{color}"/>{_figure(text, y)}</g>')
    return _figure_of(chart_id, title, len(bars), "".join(rows))


def stacked_chart(chart_id: str, title: str, stacks: Sequence[Stack]) -> str:
    """One bar per key, cut into its parts; the longest bar takes the full width.

    The first bar's parts name the legend.
    """
    most = max([sum(part[2] for part in parts) for _, _, parts in stacks] + [1])
    rows = []
    for index, (key, label, parts) in enumerate(stacks):
        y, x = 4 + index * ROW_HEIGHT, float(LABEL_WIDTH)
        rects = []
        for name, words, count, color in parts:
            width = round(count / most * BAR_WIDTH, 1)
            if width:
                rects.append(f'<rect class="{e(name)}" x="{x}" y="{y + 4}" width="{width}" '
                             f'height="18" fill="{color}"><title>{e(words)}: {count}</title>'
                             "</rect>")
            x += width
        data = "".join(f' data-{e(name)}="{count}"' for name, _, count, _ in parts)
        text = " · ".join(str(count) for _, _, count, _ in parts)
        rows.append(f'<g data-key="{e(key)}"{data}>{_label(label, y)}{_track(y)}'
                    f"{''.join(rects)}{_figure(text, y)}</g>")
    keys = "".join(f'<li><svg width="12" height="12" aria-hidden="true"><rect width="12" '
                   f'height="12" rx="2" fill="{color}"/></svg> {e(words)}</li>'
                   for _, words, _, color in (stacks[0][2] if stacks else ()))
    return _figure_of(chart_id, title, len(stacks), "".join(rows), extra_width=40,
                      legend=f'<ul class="legend">{keys}</ul>' if keys else "")


def _label(label: str, y: int) -> str:
    return f'<text x="0" y="{y + 17}" font-size="13" fill="{TEXT_COLOR}">{e(label)}</text>'


def _track(y: int) -> str:
    return (f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{BAR_WIDTH}" height="18" rx="3" '
            f'fill="{TRACK_COLOR}"/>')


def _figure(text: str, y: int) -> str:
    return (f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 17}" font-size="13" '
            f'fill="{TEXT_COLOR}">{e(text)}</text>')


def _figure_of(chart_id: str, title: str, count: int, rows: str, extra_width: int = 0,
               legend: str = "") -> str:
    height = ROW_HEIGHT * count + 8
    width = LABEL_WIDTH + BAR_WIDTH + 70 + extra_width
    return (f'<figure class="chart" id="{e(chart_id)}"><figcaption>{e(title)}</figcaption>'
            f'{legend}<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{e(title)}">'
            f"{rows}</svg></figure>")
