# SPDX-License-Identifier: EUPL-1.2
"""Server-rendered SVG charts: no JavaScript, nothing inline that the CSP refuses.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (referenced by ``aria-labelledby``),
every bar carries its label and its value as text (no meaning by colour alone), colours come from classes
styled in ``static/css/dashboards.css``; only SVG presentation attributes (``x``, ``width``…) are written. The
page always puts an accessible table with the same numbers beside the chart.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from decimal import Decimal

from markupsafe import Markup, escape

_ids = itertools.count(1)

WIDTH = 640
LABEL_WIDTH = 150
VALUE_WIDTH = 130
BAR_HEIGHT = 22
GAP = 8
TOP = 8


def bar_chart(
    title: str,
    description: str,
    bars: Sequence[tuple[str, Decimal | int | float]],
    formatter: Callable[[Decimal | int | float], str] = str,
    variant: str = "money",
) -> Markup:
    """A horizontal bar chart of ``bars`` (label, value ≥ 0). ``formatter`` writes values for the reader's
    locale (the Babel filters); ``variant`` picks the CSS class of the bars."""
    uid = next(_ids)
    title_id, desc_id = f"chart-{uid}-title", f"chart-{uid}-desc"
    height = TOP * 2 + max(len(bars), 1) * (BAR_HEIGHT + GAP)
    peak = max((Decimal(str(value)) for _label, value in bars), default=Decimal(0))
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg class="commons-chart commons-chart--{escape(variant)}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    if not bars:
        parts.append(f'<text class="commons-chart__label" x="0" y="{TOP + BAR_HEIGHT - 6}">–</text>')
    for index, (label, value) in enumerate(bars):
        y = TOP + index * (BAR_HEIGHT + GAP)
        amount = Decimal(str(value))
        length = 0 if peak <= 0 or amount <= 0 else max(1, int(amount / peak * plot))
        text_y = y + BAR_HEIGHT - 6
        parts.append(
            f'<text class="commons-chart__label" x="{LABEL_WIDTH - 8}" y="{text_y}" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect class="commons-chart__bar" x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}"/>'
            f'<text class="commons-chart__value" x="{LABEL_WIDTH + length + 6}" y="{text_y}">'
            f"{escape(formatter(value))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece of text above went through escape()
