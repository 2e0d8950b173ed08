"""Charts drawn on the server as SVG (pygal), each carried with the figures it
shows so that `core/_chart.html` can print a data table beside it.

The SVG is embedded as a `data:` image: it needs no script and no inline
style in the page (the page's CSP allows neither), prints as it shows, and
opens no URL of its own to authorise. Everything a chart says is in its
table, which is what screen readers read."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import pygal
from pygal.style import Style

# The site's palette: dark enough on white for 3:1 against the background
# (WCAG 1.4.11), told apart by more than hue where lines also carry dots.
_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    colors=("#1d4e89", "#b5460f", "#2f7d32", "#7b2d8b", "#8a6d00", "#005f73"),
    title_font_size=15,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    value_font_size=12,
)


@dataclass
class Chart:
    """A drawn chart and the table of what it shows."""

    title: str
    labels: list[str]
    series: list[tuple[str, list]] = field(default_factory=list)
    svg: str = ""
    unit: str = ""

    @property
    def data_uri(self) -> str:
        encoded = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        return f"data:image/svg+xml;base64,{encoded}"

    @property
    def rows(self) -> list[tuple[str, list]]:
        """One row per label, with each series' figure (None where absent)."""
        return [
            (label, [values[i] if i < len(values) else None for _, values in self.series])
            for i, label in enumerate(self.labels)
        ]

    @property
    def is_empty(self) -> bool:
        return not self.labels or not any(
            value is not None for _, values in self.series for value in values
        )


def _config(kind, title: str, *, y_title: str = "", percent: bool = False, **extra):
    chart = kind(
        style=_STYLE,
        width=720,
        height=320,
        explicit_size=False,
        disable_xml_declaration=True,
        js=[],
        title=title,
        y_title=y_title or None,
        show_legend=True,
        legend_at_bottom=True,
        x_label_rotation=30,
        truncate_label=-1,
        print_values=False,
        show_minor_x_labels=True,
        **extra,
    )
    if percent:
        chart.range = (0, 100)
        chart.value_formatter = lambda value: f"{value:.0f}%"
    return chart


def _draw(chart_kind, title, labels, series, *, unit="", **options) -> Chart:
    result = Chart(title=title, labels=[str(label) for label in labels], unit=unit)
    result.series = [(name, list(values)) for name, values in series]
    drawing = _config(chart_kind, title, **options)
    drawing.x_labels = result.labels
    for name, values in result.series:
        drawing.add(name, values)
    result.svg = drawing.render(is_unicode=True)
    return result


def line_chart(title: str, labels, series, *, unit: str = "", **options) -> Chart:
    """A trend: `series` is [(name, [value per label])]; None leaves a gap."""
    return _draw(pygal.Line, title, labels, series, unit=unit, **options)


def bar_chart(title: str, labels, series, *, unit: str = "", **options) -> Chart:
    return _draw(pygal.Bar, title, labels, series, unit=unit, **options)
