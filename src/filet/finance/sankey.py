"""A Sankey picture of a trace: one self-contained HTML file with inline SVG.

Nothing is loaded from the network (no script, no font, no CDN): the workbench runs
offline. Columns are hops; an account reached at two depths appears in both columns;
band widths are proportional to the traced amounts.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from filet.finance.common import money
from filet.finance.tracing import Trace

WIDTH_PER_HOP = 240
NODE_WIDTH = 14
HEIGHT = 560
GAP = 14
MARGIN = 40

Node = tuple[int, str]


def _links(trace: Trace) -> dict[tuple[Node, Node], float]:
    links: dict[tuple[Node, Node], float] = defaultdict(float)
    for flow in trace.flows:
        for hop, (left, right) in enumerate(zip(flow.path, flow.path[1:], strict=False)):
            links[((hop, left), (hop + 1, right))] += flow.amount
    return links


def _layout(
    trace: Trace, links: dict[tuple[Node, Node], float]
) -> tuple[dict[Node, float], dict[Node, float], float]:
    """Each node's value (the larger of in and out), its top y, and the scale."""
    inflow: dict[Node, float] = defaultdict(float)
    outflow: dict[Node, float] = defaultdict(float)
    for (left, right), amount in links.items():
        outflow[left] += amount
        inflow[right] += amount
    for flow in trace.flows:
        inflow.setdefault((0, flow.path[0]), 0.0)
    value = {
        node: max(inflow.get(node, 0.0), outflow.get(node, 0.0)) for node in {*inflow, *outflow}
    }
    columns: dict[int, list[Node]] = defaultdict(list)
    for node in sorted(value, key=lambda n: (n[0], -value[n], n[1])):
        columns[node[0]].append(node)
    fullest = max(sum(value[n] for n in nodes) for nodes in columns.values())
    most_nodes = max(len(nodes) for nodes in columns.values())
    scale = (HEIGHT - 2 * MARGIN - GAP * (most_nodes - 1)) / fullest if fullest else 0.0
    top: dict[Node, float] = {}
    for nodes in columns.values():
        y = float(MARGIN)
        for node in nodes:
            top[node] = y
            y += value[node] * scale + GAP
    return value, top, scale


def render_html(trace: Trace) -> str:
    links = _links(trace)
    direction = "amont / backward" if trace.backward else "aval / forward"
    title = f"Traçage des flux / flow trace: {', '.join(trace.seeds)} ({direction}, {trace.method})"
    if not links:
        body = "<p>Aucun flux tracé / no traced flow.</p>"
        return _page(title, body)
    value, top, scale = _layout(trace, links)
    used_out: dict[Node, float] = defaultdict(float)
    used_in: dict[Node, float] = defaultdict(float)
    shapes = []
    for (left, right), amount in sorted(links.items(), key=lambda item: (item[0][0][0], -item[1])):
        band = amount * scale
        x0 = MARGIN + left[0] * WIDTH_PER_HOP + NODE_WIDTH
        x1 = MARGIN + right[0] * WIDTH_PER_HOP
        y0 = top[left] + used_out[left]
        y1 = top[right] + used_in[right]
        used_out[left] += band
        used_in[right] += band
        xm = (x0 + x1) / 2
        shapes.append(
            f'<path d="M{x0:.1f},{y0:.1f} C{xm:.1f},{y0:.1f} {xm:.1f},{y1:.1f} {x1:.1f},{y1:.1f} '
            f"L{x1:.1f},{y1 + band:.1f} C{xm:.1f},{y1 + band:.1f} {xm:.1f},{y0 + band:.1f} "
            f'{x0:.1f},{y0 + band:.1f} Z" fill="#4a7ab0" fill-opacity="0.35">'
            f"<title>{escape(left[1])} → {escape(right[1])}: {money(amount)}</title></path>"
        )
    for node, amount in value.items():
        x = MARGIN + node[0] * WIDTH_PER_HOP
        height = max(amount * scale, 1.0)
        shapes.append(
            f'<rect x="{x}" y="{top[node]:.1f}" width="{NODE_WIDTH}" height="{height:.1f}" '
            f'fill="#1f3b5c"><title>{escape(node[1])}: {money(amount)}</title></rect>'
            f'<text x="{x + NODE_WIDTH + 4}" y="{top[node] + 12:.1f}" font-size="11">'
            f"{escape(node[1])} · {money(amount)}</text>"
        )
    width = 2 * MARGIN + max(node[0] for node in value) * WIDTH_PER_HOP + 200
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
        f'font-family="sans-serif">{"".join(shapes)}</svg>'
    )
    currencies = ", ".join(trace.currencies) or "?"
    summary = f"<p>Total tracé / traced: {money(trace.total)} ({escape(currencies)})</p>"
    return _page(title, summary + svg)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f'<title>{escape(title)}</title></head><body><h1 style="font: 16px sans-serif">'
        f"{escape(title)}</h1>{body}</body></html>\n"
    )
