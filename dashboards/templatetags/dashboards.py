"""``{% data_table table %}``: a dashboard table as HTML, built in Python.

Note: a dashboard holds hundreds of cells; looping over them in the template language
cost most of a page's time, so the table markup is assembled here (every value escaped).
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


def _value(value) -> str:
    return "" if value is None else escape(str(value))


@register.simple_tag
def data_table(table) -> str:
    """The table, with ``data-value`` on every cell: the chart script reads its figures
    from there, so the chart and its accessible table always agree."""
    attrs = (
        ' class="data heatmap"' if table.key in ("heatmap", "by-provider-area") else ' class="data"'
    )
    chart = table.chart
    if chart:
        attrs += (
            f' data-chart-for="{escape(table.key)}-chart"'
            f' data-chart-type="{escape(chart["type"])}"'
            f' data-chart-unit="{escape(chart.get("unit", ""))}"'
        )
        if chart.get("value_column") is not None:
            attrs += f' data-chart-column="{int(chart["value_column"])}"'
        if chart.get("stacked"):
            attrs += ' data-chart-stacked="true"'
    parts = [
        f"<table{attrs}>",
        f'<caption class="visually-hidden">{escape(table.caption)}</caption>',
    ]
    parts.append("<thead><tr>")
    for column in table.columns:
        css = ' class="num"' if column.numeric else ""
        parts.append(f'<th scope="col"{css}>{escape(column.label)}</th>')
    parts.append("</tr></thead><tbody>")
    for row in table.rows:
        parts.append("<tr>")
        for index, cell in enumerate(row):
            shown = escape(cell.shown)
            if cell.href:
                shown = f'<a href="{escape(cell.href)}">{shown}</a>'
            if cell.note:
                shown += f'<div class="small muted">{escape(cell.note)}</div>'
            if index == 0:
                parts.append(f'<th scope="row" data-value="{escape(cell.shown)}">{shown}</th>')
                continue
            classes = " ".join(
                c for c in ("num" if table.columns[index].numeric else "", cell.css) if c
            )
            css = f' class="{classes}"' if classes else ""
            parts.append(f'<td{css} data-value="{_value(cell.value)}">{shown}</td>')
        parts.append("</tr>")
    parts.append("</tbody></table>")
    # Reviewed: every value above goes through escape() (bandit B308/B703, ruff S308).
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
