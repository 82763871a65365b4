"""SVG charts (pygal), embedded as data: images so the strict CSP needs no exception and PDFs take them as they are.

A chart is decoration for sighted readers: every chart on a page sits beside the table of its figures, and its `alt`
says so. No JavaScript (pygal's tooltips are turned off).
"""

import base64

import pygal
from pygal.style import Style

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1d2a35",
    foreground_strong="#1d2a35",
    foreground_subtle="#5c6b77",
    colors=("#1f5f8b", "#c0602b", "#3c7d3a", "#7a4f9a"),
    font_family="DejaVu Sans, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=16,
)


def bar_chart(title: str, labels: list[str], series: list[tuple[str, list[float | None]]], *, percent=True) -> str:
    """A grouped bar chart as a `data:image/svg+xml;base64,…` URI."""
    chart = pygal.Bar(
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        width=720,
        height=340,
        legend_at_bottom=True,
        range=(0, 100) if percent else None,
        print_values=False,
        show_y_guides=True,
        x_label_rotation=0 if len(labels) <= 8 else 30,
        truncate_label=-1,
    )
    chart.title = title
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    svg = chart.render(is_unicode=True)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
