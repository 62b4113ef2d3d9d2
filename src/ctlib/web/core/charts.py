"""Charts of the catalogue, drawn on the server: no script, no library.

The column chart of years is inline SVG: pure functions, numbers in and markup out,
every label escaped here, the result Markup that Jinja inserts as it is. It scales
with its ``viewBox`` (the page sets ``width: 100%``); its text is sized for the
phone-to-desktop range at which the home page shows it. It is ``role="img"`` with a
``<title>``, each column has a ``<title>`` saying its year and count, and the page gives
the numbers as a table too; its words and numbers are in the page's language. Bar
charts are lists of links (home.html draws them from ``Bar``s): a link inside an image
would hide it from assistive technology.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from babel.numbers import format_decimal
from markupsafe import Markup, escape

from .languages import SOURCE_LANGUAGE, translations

WIDTH = 480
"""viewBox width of every chart: about the width it is shown at, so its text stays
between 11 and 14 pixels from a phone to a desktop column."""
FONT = 15
COLUMNS_HEIGHT = 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 46, 8, 16, 28
MOST_YEAR_LABELS = 8
MOST_COUNT_TICKS = 5


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    href: str
    language: str | None = None
    """The label's language, where it has one."""


@dataclass(frozen=True)
class Rest:
    """What a top-N bar chart leaves out, summarised as one line."""
    concepts: int
    fewest: int
    most: int
    href: str


class _Words:
    """A chart's words and numbers in one language (no request needed: charts are pure)."""

    def __init__(self, language: str):
        self.language = language
        self._catalogue = translations(language)

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.language)

    def column(self, year: int, count: int) -> str:
        records = self._catalogue.ngettext("%(records)s record", "%(records)s records",
                                           count) % {"records": self.number(count)}
        return self._catalogue.gettext("%(year)s: %(records)s") % {"year": year,
                                                                  "records": records}

    def empty(self) -> str:
        return self._catalogue.gettext("No records yet.")


def top(bars: list[Bar], limit: int, href: str) -> tuple[list[Bar], Rest | None]:
    """The ``limit`` bars with most records (then by label), and the rest summarised."""
    ranked = sorted(bars, key=lambda bar: (-bar.count, bar.label.casefold()))
    shown, left = ranked[:limit], ranked[limit:]
    if not left:
        return shown, None
    return shown, Rest(len(left), left[-1].count, left[0].count, href)


def column_chart(title: str, counts: dict[int, int],
                 language: str = SOURCE_LANGUAGE) -> Markup:
    """Records per year as columns from the first year to the last: a year without
    records is a gap, not a missing slot, so distances in time stay true. ``title`` is
    in ``language``, as the chart's other words and its numbers are made."""
    words = _Words(language)
    if not counts:
        return _empty(title, words)
    first, last = min(counts), max(counts)
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = COLUMNS_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / (last - first + 1)
    ceiling, step = _count_scale(max(counts.values()))
    labelled = _year_step(last - first + 1)
    # The count above each column where the widest fits; otherwise its title has it.
    numbered = slot >= _text_width(words.number(max(counts.values()))) + 4
    parts = [_count_axis(ceiling, step, plot_height)]
    for year in range(first, last + 1):
        left = MARGIN_LEFT + (year - first) * slot
        if counts.get(year):
            parts.append(_column(year, counts[year], left, slot, ceiling, plot_height,
                                 numbered, words))
        if year % labelled == 0:
            parts.append(_year_label(year, left + slot / 2))
    return _svg(title, COLUMNS_HEIGHT, "".join(parts), "chart-columns")


def _column(year: int, count: int, left: float, slot: float, ceiling: int,
            plot_height: float, numbered: bool, words: _Words) -> str:
    height = count / ceiling * plot_height
    width = min(slot * 0.8, 36)
    x = left + (slot - width) / 2
    y = MARGIN_TOP + plot_height - height
    column = (f'<rect class="bar" x="{_number(x)}" y="{_number(y)}" width="{_number(width)}" '
              f'height="{_number(height)}"><title>{escape(words.column(year, count))}</title></rect>')
    if not numbered:
        return column
    return column + _text(_number(left + slot / 2), _number(y - 3), words.number(count),
                          anchor="middle", css="count")


def _year_label(year: int, middle: float) -> str:
    """Under its column, moved in where it would stick out of the chart."""
    half = _text_width(str(year)) / 2
    x = min(max(middle, half), WIDTH - half)
    return _text(_number(x), COLUMNS_HEIGHT - 8, str(year), anchor="middle")


def _count_axis(ceiling: int, step: int, plot_height: float) -> str:
    lines = []
    for value in range(0, ceiling + 1, step):
        y = MARGIN_TOP + plot_height - value / ceiling * plot_height
        lines.append(f'<line class="grid" x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" '
                     f'y1="{_number(y)}" y2="{_number(y)}"/>'
                     + _text(MARGIN_LEFT - 6, _number(y + 4), _compact(value), anchor="end"))
    return "".join(lines)


def _count_scale(most: int) -> tuple[int, int]:
    """(top of the axis, step between its labels): a round step, at most
    MOST_COUNT_TICKS steps, the top the first multiple of it at or above ``most``."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * power
            if math.ceil(most / step) <= MOST_COUNT_TICKS:
                return math.ceil(most / step) * step, step
        power *= 10


def _compact(value: int) -> str:
    """An axis label short enough for the margin: 20000 is "20k"."""
    return f"{value // 1000}k" if value >= 10_000 and value % 1000 == 0 else str(value)


def _year_step(years: int) -> int:
    """Years between two labels of the year axis: a round number that leaves at most
    MOST_YEAR_LABELS labels, so they never run into each other."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if math.ceil(years / step) <= MOST_YEAR_LABELS:
            return step
    return math.ceil(years / MOST_YEAR_LABELS)


def _empty(title: str, words: _Words) -> Markup:
    return _svg(title, 3 * FONT, _text(0, 2 * FONT, words.empty(), css="none"),
                "chart-empty")


def _svg(title: str, height: float, content: str, css: str) -> Markup:
    return Markup(f'<svg class="chart {css}" role="img" aria-label="{escape(title)}" '
                  f'viewBox="0 0 {WIDTH} {_number(height)}" font-size="{FONT}" '
                  f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
                  f"{content}</svg>")


def _text(x, y, text: str, anchor: str = "start", css: str = "") -> str:
    kind = f' class="{css}"' if css else ""
    return f'<text x="{x}" y="{y}" text-anchor="{anchor}"{kind}>{escape(text)}</text>'


def _text_width(text: str) -> float:
    """Roughly, in viewBox units: digits and average letters are about 0.6 em wide."""
    return len(text) * FONT * 0.6


def _number(value: float) -> str:
    """Coordinates to one decimal: enough for a screen, and short."""
    return f"{value:.1f}".removesuffix(".0")
