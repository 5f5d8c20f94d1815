"""Hours per year as an SVG bar chart, drawn on the server: no chart library, no script,
readable on a phone, and printable. Each bar stacks 公需 and 专业 hours; a dashed mark
shows that year's requirement."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from markupsafe import Markup

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 24, 40
# Colours chosen for contrast on white (WCAG AA for the text) and to tell apart in grey.
PUBLIC, PROFESSIONAL, REQUIRED, INK = "#1f6f8b", "#d9822b", "#b3261e", "#1b1b1b"


def _scale(top: Decimal) -> Decimal:
    """A round axis maximum at or above ``top``."""
    # Each divides by 4, so the grid lines fall on whole numbers.
    for step in (20, 40, 60, 80, 100, 120, 160, 200, 240, 320, 400, 600, 800, 1200):
        if top <= step:
            return Decimal(step)
    return (top / 400).to_integral_value() * 400 + 400


def hours_chart(years: list[dict[str, Any]]) -> Markup:
    """``years``: the summaries of reading.my_hours (year, public, professional, total,
    compliance.required_total)."""
    top = max([Decimal(1)] + [y["total"] for y in years]
              + [y["compliance"]["required_total"] or Decimal(0) for y in years])
    axis = _scale(top)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(years))
    bar = min(56.0, slot * 0.6)

    def y_of(value: Decimal) -> float:
        return TOP + plot_h - float(value / axis) * plot_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        '<title id="chart-title">历年学时</title>',
        '<desc id="chart-desc">' + escape("；".join(
            f"{y['year']}年 共{y['total']}学时（公需{y['public']}，专业{y['professional']}），"
            f"要求{y['compliance']['required_total']}" for y in years)) + "</desc>",
    ]
    for i in range(5):
        value = axis * i / 4
        y = y_of(value)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="#d0d0d0" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="12" fill="{INK}">{value:.0f}</text>')
    for i, year in enumerate(years):
        x = LEFT + slot * i + (slot - bar) / 2
        base = y_of(Decimal(0))
        pub_top = y_of(year["public"])
        pro_top = y_of(year["public"] + year["professional"])
        parts.append(f'<rect x="{x:.1f}" y="{pub_top:.1f}" width="{bar:.1f}" '
                     f'height="{base - pub_top:.1f}" fill="{PUBLIC}"/>')
        parts.append(f'<rect x="{x:.1f}" y="{pro_top:.1f}" width="{bar:.1f}" '
                     f'height="{pub_top - pro_top:.1f}" fill="{PROFESSIONAL}"/>')
        required = year["compliance"]["required_total"]
        if required:
            ry = y_of(required)
            parts.append(f'<line x1="{x - 6:.1f}" x2="{x + bar + 6:.1f}" y1="{ry:.1f}" '
                         f'y2="{ry:.1f}" stroke="{REQUIRED}" stroke-width="2" '
                         'stroke-dasharray="5 3"/>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{pro_top - 6:.1f}" text-anchor="middle" '
                     f'font-size="12" fill="{INK}">{year["total"]}</text>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 18}" '
                     f'text-anchor="middle" font-size="13" fill="{INK}">{year["year"]}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
