"""One self-contained HTML page: interactive figures, tables and text, no network at all.

Why a page of its own: a report must open years later, offline, from an e-mail
attachment. Everything is inline: the CSS, one copy of plotly.js shared by every
figure, and the figures themselves; links only point at files beside the report.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import jinja2
import pandas as pd
import plotly.io as pio
from markupsafe import Markup

from sim.figures.export import PaperFigure
from sim.figures.style import inches_to_px

__all__ = ["Section", "figure_html", "page", "pre_html", "table_html"]

_CSS = """
body { font-family: Arial, "Liberation Sans", "DejaVu Sans", sans-serif; color: #111;
       max-width: 1100px; margin: 2em auto; padding: 0 1.5em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { margin-top: 1.6em; } .meta { color: #555; }
figure { margin: 1.2em 0 2em 0; } figcaption { max-width: 760px; font-size: 0.92em; }
figcaption .files { color: #555; font-size: 0.9em; }
.plot { border: 1px solid #eee; display: inline-block; position: relative; padding-top: 26px; }
.plot .modebar-container { top: -24px !important; }  /* above the figure, off its legend */
table { border-collapse: collapse; font-size: 0.86em; margin: 0.6em 0 1.2em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left;
         vertical-align: top; }
td + td { white-space: nowrap; }
th { border-bottom: 2px solid #999; background: #fafafa; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.82em; }
details { margin: 0.6em 0; } summary { cursor: pointer; color: #234; }
.warning { background: #fff4e5; border-left: 4px solid #e69500; padding: 0.5em 0.8em; }
nav ul { columns: 2; }
"""


@dataclass(frozen=True)
class Section:
    """A heading and its HTML body (already escaped where needed)."""

    title: str
    body: str
    anchor: str = ""
    children: list[Section] = field(default_factory=list)


_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)

_FIGURE = _ENV.from_string(
    '<figure id="{{ div_id }}-figure"><div class="plot">{{ div }}</div>'
    "<figcaption><b>Figure {{ number }}.</b> {{ caption }}"
    '<br><span class="files">{{ width }} &times; {{ height }} in; files: '
    "{% for kind, path in files.items() %}{{ ' · ' if not loop.first }}"
    '<a href="{{ path }}">{{ kind | upper }}</a>{% endfor %}</span></figcaption></figure>'
)

_PAGE = _ENV.from_string(
    """<!DOCTYPE html>
<html lang='en'><head><meta charset='utf-8'><title>{{ title }}</title>\
<meta name='viewport' content='width=device-width, initial-scale=1'>\
<style>{{ css }}</style><script type="text/javascript">{{ plotlyjs }}</script>\
</head><body><h1>{{ title }}</h1>\
{% if banner %}<p class="warning" id="partial">{{ banner }}</p>{% endif %}\
<p class="meta">{{ subtitle }}</p><nav><ul>\
{% for s in sections if s.anchor %}<li><a href="#{{ s.anchor }}">{{ s.title }}</a></li>{% endfor %}\
</ul></nav>\
{% macro section(s, level) %}<h{{ level }}{% if s.anchor %} id="{{ s.anchor }}"{% endif %}>\
{{ s.title }}</h{{ level }}>{{ s.body | safe }}\
{% for c in s.children %}{{ section(c, level + 1) }}{% endfor %}{% endmacro %}\
{% for s in sections %}{{ section(s, 2) }}{% endfor %}</body></html>
"""
)
"""The page; `Section.body` is HTML made by the functions here (escaped where needed)."""


def figure_html(
    paper: PaperFigure, div_id: str, number: int, caption: str, files: dict[str, str]
) -> str:
    """One interactive figure at its paper size, with its caption (HTML) and file links."""
    fig = paper.sized()
    div = pio.to_html(
        fig,
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        div_id=div_id,
        default_width=f"{inches_to_px(paper.width_in):.0f}px",
        default_height=f"{inches_to_px(paper.height_in):.0f}px",
        config={"displaylogo": False, "responsive": False},
    )
    return _FIGURE.render(
        div_id=div_id,
        div=Markup(div),
        number=number,
        caption=Markup(caption),
        width=f"{paper.width_in:g}",
        height=f"{paper.height_in:g}",
        files=files,
    )


def table_html(frame: pd.DataFrame, index: bool = False) -> str:
    """A DataFrame as a plain HTML table (text escaped)."""
    return frame.to_html(index=index, escape=True, border=0, na_rep="\u2013")


def pre_html(text: str) -> str:
    """Preformatted text (YAML, JSON), escaped."""
    return f"<pre>{html.escape(text)}</pre>"


def json_html(data: object) -> str:
    """A JSON document, pretty-printed and escaped."""
    return pre_html(json.dumps(data, indent=2, sort_keys=True, default=str))


def page(title: str, subtitle: str, sections: Sequence[Section], banner: str = "") -> str:
    """The whole report: inline CSS, one inline plotly.js, then the sections.

    `banner` (plain text) is a warning shown first, under the title: partial results.
    `subtitle` is HTML.
    """
    from plotly.offline import get_plotlyjs

    plotlyjs = get_plotlyjs().replace("</script", "<\\/script")
    return _PAGE.render(
        title=title,
        subtitle=Markup(subtitle),
        sections=sections,
        banner=banner,
        css=Markup(_CSS),
        plotlyjs=Markup(plotlyjs),
    )
