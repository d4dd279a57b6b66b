"""The overview as people read it outside the app: HTML for reports and Markdown.

Presentation, not computation: ``hadr_lib.overview`` works out the verdict and the
money; this module writes them, every user string escaped so nothing in a scenario
file becomes markup.
"""

from __future__ import annotations

import html
import re

from .formatting import format_percent
from .overview import Overview
from .theme import STATUS

__all__ = ["MAX_FINDINGS_SHOWN", "findings_html", "overview_html", "overview_markdown", "paragraphs_html",
           "portfolio_report_html", "portfolio_table_html", "portfolio_totals_html", "say"]


def _badge(status: str) -> str:
    return (f'<span style="background:{STATUS[status]};color:white;padding:2px 10px;'
            f'border-radius:4px">{status}</span>')


def _markdown_text(text: str) -> str:
    """User text made inert in Markdown: HTML escaped, and Markdown's punctuation
    backslash-escaped so a name cannot become a link, an image or a heading."""
    escaped = html.escape(text, quote=False)  # &, < and >; quotes are plain text here
    return re.sub(r"([\\`*_{}\[\]()!|~])", r"\\\1", escaped)


def overview_markdown(ov: Overview) -> str:
    """The overview as Markdown; every user string (names, description, currency)
    is escaped, so nothing in a scenario file becomes markup."""
    head = (f"# HA/DR report: {_markdown_text(ov.scenario.name)}\n\n"
            f"{_markdown_text(ov.scenario.description)}\n\n"
            f"## Overview {_badge(ov.status)}\n\nTarget: **{format_percent(ov.target)}**.\n\n")
    return head + "\n".join(f"- {_markdown_text(line)}" for line in ov.lines()) + "\n"


def overview_html(ov: Overview) -> str:
    """The overview as an HTML fragment (for reports); every user string is escaped."""
    e = html.escape
    items = "".join(f"<li>{e(line)}</li>" for line in ov.lines())
    description = f"<p>{e(ov.scenario.description)}</p>" if ov.scenario.description else ""
    return (f"<h1>HA/DR report: {e(ov.scenario.name)}</h1>{description}"
            f"<h2>Overview {_badge(ov.status)}</h2>"
            f"<p>Target: <b>{e(format_percent(ov.target))}</b>.</p><ul>{items}</ul>")


def paragraphs_html(*lines: str) -> str:
    """Sentences as HTML paragraphs (for reports), each escaped; a line break inside
    one starts another. Printed, they were console text: monospace, wrapped mid-word,
    and a pair of dollar amounts typeset as mathematics by the page's MathJax, which
    the classes here tell to leave alone."""
    parts = [p for line in lines for p in str(line).split("\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in parts)  # text, not attributes
    return f'<div class="hadr-sentences tex2jax_ignore mathjax_ignore">{body}</div>'


def say(*lines: str) -> None:
    """Show sentences as paragraphs in a notebook's output (the report's ``print``)."""
    from IPython.display import HTML, display

    display(HTML(paragraphs_html(*lines)))


#: At most this many findings are listed (the count of the rest is given).
MAX_FINDINGS_SHOWN = 50


def findings_html(findings: list[dict]) -> str:
    """What hadr import found in an upload, errors first, every string escaped."""
    if not findings:
        return ""
    items = "".join(
        f"<li class='hadr-finding-{html.escape(str(f.get('severity')))}'><b>{html.escape(str(f.get('severity')))}"
        f"</b>: {html.escape(str(f.get('message')))} <small>({html.escape(str(f.get('source')))})</small></li>"
        for f in findings[:MAX_FINDINGS_SHOWN])
    more = (f"<li>and {len(findings) - MAX_FINDINGS_SHOWN} more</li>" if len(findings) > MAX_FINDINGS_SHOWN else "")
    errors = sum(f.get("severity") == "error" for f in findings)
    return (f"<details open><summary><b>What the files say</b>: {len(findings)} findings, {errors} "
            f"{'error' if errors == 1 else 'errors'} (read by hadr import; check what it assumed)</summary>"
            f"<ul style='font-size:0.92em'>{items}{more}</ul></details>")


_STATUS_WORD = {"red": "red", "amber": "amber", "green": "green", "error": "not read"}


def portfolio_table_html(services: list[dict]) -> str:
    """The portfolio's rows (in the given order) as an HTML table: a verdict dot and
    word per service, its figures as ``portfolio.portfolio_view`` words them; every
    user string escaped. An unreadable file's row says why."""
    from .portfolio import portfolio_view

    view = portfolio_view(services)
    e = html.escape
    head = "".join(f"<th>{e(c)}</th>" for c in view.columns if c != "status")
    body = []
    for (_, row), r in zip(view.iterrows(), services):
        colour = STATUS.get(r["status"], "#777")
        status = (f'<span class="hadr-dot" style="color:{colour}">&#9679;</span> '
                  f'{e(_STATUS_WORD.get(r["status"], r["status"]))}')
        cells = [f'<td style="text-align:left">{e(row["service"])}'
                 + (f'<br><small>{e(str(r["error"]))}</small>' if r["error"] else "") + "</td>"]
        cells += [f"<td>{e(str(row[c]))}</td>" for c in view.columns if c not in ("service", "status")]
        body.append(f'<tr class="hadr-portfolio-row hadr-status-{e(r["status"])}">'
                    f'<td style="text-align:left; white-space:nowrap">{status}</td>{"".join(cells)}</tr>')
    return (_TABLE_STYLE + '<table class="hadr-table hadr-portfolio"><thead><tr><th>verdict</th>'
            f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


# Figures keep to one line (a phone scrolls the table sideways rather than break "$1,212,439").
_TABLE_STYLE = ("<style>.hadr-portfolio td, .hadr-portfolio th {padding: 4px 10px; text-align: right;"
                " border-bottom: 1px solid #eee} .hadr-portfolio td + td + td {white-space: nowrap}"
                " .hadr-portfolio {border-collapse: collapse}</style>")


def portfolio_totals_html(result) -> str:
    """The portfolio's totals, one paragraph per currency, escaped."""
    from .portfolio import totals_lines

    counts = result.to_dict()["counts"]
    said = ", ".join(f"{n} {_STATUS_WORD[s]}" for s, n in counts.items() if n)
    return (f"<p><b>{len(result.services)} services</b>: {html.escape(said)}.</p>"
            + "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in totals_lines(result)))


def portfolio_report_html(result, title: str = "HA/DR portfolio") -> str:
    """The portfolio as a page of its own (``hadr portfolio --format html``): the table
    worst first and the totals, with the reports' no-fetch policy; nothing to load."""
    from .report import content_security_policy

    e = html.escape
    policy = e(content_security_policy(False), quote=False)  # in double quotes: its quotes stay
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
            f"<title>{e(title)}</title><style>body{{font-family:system-ui,sans-serif;margin:2em;"
            f"max-width:1200px}}</style></head><body><h1>{e(title)}</h1>"
            + portfolio_totals_html(result) + portfolio_table_html(result.services) + "</body></html>")
