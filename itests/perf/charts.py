#!/usr/bin/env python3
"""SVG charts from a compare.sh results TSV (python3 standard library only).

    itests/perf/charts.py RESULTS.tsv [OUT_DIR]      (OUT_DIR defaults to itests/perf/charts)

Reads the rows "kind<TAB>transport<TAB>size<TAB>pair<TAB>value" (one per run) and the "# key: value"
lines compare.sh appends (date, parameters, machine), and writes:

    throughput-<transport>.svg  messages/s against message size, one line per implementation (log x
                                and y), median of the runs with min-max whiskers; crossed pairs and
                                cold rows (no warm-up) dashed
    latency.svg                 one-way latency bars per implementation (median, min-max whiskers)
    scale.svg                   the scale rows: PUB -> N SUB delivered msg/s, the SUB process's RSS,
                                ROUTER + N DEALER replies/s, connections/s
Only the charts the TSV has data for are written; their names are printed. The output depends on
the TSV alone (same TSV, same bytes) and is checked to parse as XML before it is written.
"""
import math
import os
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

COLORS = {
    "libzmq": "#3b6fb6",
    "zconn": "#e1812c",
    "jeromq": "#3a923a",
    "zconn>libzmq": "#c03d3e",
    "libzmq>zconn": "#9372b2",
}
OTHER_COLORS = ["#845b53", "#d684bd", "#7f7f7f", "#a9aa35", "#2ebdcd"]
NAMES = {"libzmq": "libzmq", "zconn": "zconn", "jeromq": "JeroMQ",
         "zconn>libzmq": "zconn \u2192 libzmq", "libzmq>zconn": "libzmq \u2192 zconn"}
ORDER = ["libzmq", "zconn", "jeromq", "zconn>libzmq", "libzmq>zconn"]
FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""


def read_tsv(path):
    values, meta = {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("#"):
                meta.append(line.lstrip("#").strip())
                continue
            parts = line.split("\t")
            if len(parts) != 5 or parts[0] == "kind":
                continue
            kind, transport, size, pair, value = parts
            try:
                key = (kind, transport, int(size), pair)
                values.setdefault(key, []).append(float(value))
            except ValueError:
                continue
    return values, meta


def stats(vs):
    s = sorted(vs)
    n = len(s)
    med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return med, s[0], s[-1]


def pair_order(pairs):
    return sorted(pairs, key=lambda p: (ORDER.index(p) if p in ORDER else len(ORDER), p))


def color(pair):
    if pair in COLORS:
        return COLORS[pair]
    return OTHER_COLORS[sum(map(ord, pair)) % len(OTHER_COLORS)]


def fmt(x):
    """A coordinate: fixed precision, so output is byte-for-byte stable."""
    return f"{x:.1f}"


def si(v):
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            t = v / div
            return (f"{t:.0f}" if t >= 10 or t == int(t) else f"{t:.1f}") + suffix
    return f"{v:.0f}" if v >= 10 or v == int(v) else f"{v:.1f}"


def size_label(b):
    for div, unit in ((1 << 20, "MiB"), (1 << 10, "KiB")):
        if b >= div and b % div == 0:
            return f"{b // div} {unit}"
    return f"{b} B"


def text(x, y, s, size=12, anchor="start", weight="normal", fill="#222", rotate=None):
    tr = f" transform=\"rotate({rotate} {fmt(x)} {fmt(y)})\"" if rotate is not None else ""
    return (f"<text x=\"{fmt(x)}\" y=\"{fmt(y)}\" font-size=\"{size}\" text-anchor=\"{anchor}\" "
            f"font-weight=\"{weight}\" fill=\"{fill}\"{tr}>{escape(s)}</text>")


def nice_linear_ticks(hi):
    if hi <= 0:
        return [0, 1]
    raw = hi / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    top = math.ceil(hi / step) * step
    n = int(round(top / step))
    return [i * step for i in range(n + 1)]


class Svg:
    def __init__(self, width, height):
        self.w, self.h, self.parts = width, height, []

    def add(self, s):
        self.parts.append(s)

    def render(self):
        head = (f"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{self.w}\" height=\"{self.h}\" "
                f"viewBox=\"0 0 {self.w} {self.h}\" {FONT}>")
        body = "\n".join(self.parts)
        return f"{head}\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{body}\n</svg>\n"


def footer(svg, meta, y):
    for i, line in enumerate(meta):
        svg.add(text(12, y + i * 13, line, size=10, fill="#555"))


def wrap(meta, width_px):
    """Footer lines that fit width_px at font size 10 (about 6 px a character)."""
    width = max(40, int((width_px - 24) / 6))
    out = []
    for line in meta:
        while len(line) > width:
            cut = line.rfind(" ", 0, width)
            cut = cut if cut > 0 else width
            out.append(line[:cut])
            line = "    " + line[cut:].lstrip()
        out.append(line)
    return out


def legend(svg, x, y, entries):
    """entries: (label, color, dashed)"""
    for i, (label, col, dashed) in enumerate(entries):
        yy = y + i * 18
        dash = " stroke-dasharray=\"5 3\"" if dashed else ""
        svg.add(f"<line x1=\"{fmt(x)}\" y1=\"{fmt(yy)}\" x2=\"{fmt(x + 24)}\" y2=\"{fmt(yy)}\" "
                f"stroke=\"{col}\" stroke-width=\"2.5\"{dash}/>")
        svg.add(text(x + 30, yy + 4, label, size=12))


# ---- throughput against size -------------------------------------------------------------------

def throughput_chart(values, meta, transport):
    series = {}  # label key -> (pair, dashed, {size: (med, lo, hi)})
    for (kind, tr, size, pair), vs in values.items():
        if tr != transport or kind not in ("thr", "thr_cold", "cross"):
            continue
        if kind == "cross" and pair == "libzmq":
            continue  # the crossed rows' libzmq->libzmq baseline repeats the thr row
        label = NAMES.get(pair, pair) + (" (cold)" if kind == "thr_cold" else "")
        entry = series.setdefault(label, (pair, kind != "thr", {}, kind))
        entry[2][size] = stats(vs)
    if not series:
        return None
    sizes = sorted({s for _, _, pts, _ in series.values() for s in pts})
    ys = [v for _, _, pts, _ in series.values() for p in pts.values() for v in p[1:]]
    ylo = 10 ** math.floor(math.log10(max(min(ys), 1e-9)))
    yhi = 10 ** math.ceil(math.log10(max(ys)))
    if yhi <= ylo:
        yhi = ylo * 10
    W, H = 760, 470
    left, right, top, bottom = 80, 190, 50, 80
    pw, ph = W - left - right, H - top - bottom
    xlo, xhi = math.log2(max(sizes[0], 1)), math.log2(max(sizes[-1], 1))
    if xhi - xlo < 1:
        xlo, xhi = xlo - 1, xhi + 1
    pad = (xhi - xlo) * 0.05

    def X(size):
        return left + (math.log2(max(size, 1)) - xlo + pad) / (xhi - xlo + 2 * pad) * pw

    def Y(v):
        return top + ph - (math.log10(max(v, ylo)) - math.log10(ylo)) / (math.log10(yhi) - math.log10(ylo)) * ph

    meta_lines = wrap(meta, W)
    svg = Svg(W, H + 13 * len(meta_lines))
    svg.add(text(left, 28, f"Throughput over {transport}: messages/s by message size", size=16, weight="bold"))
    svg.add(text(left, 44, "median of the runs, whiskers min\u2013max; log scales; dashed: crossed pairs and cold "
                 "runs (no warm-up)", size=11, fill="#555"))
    # grid and y axis (decades, with 2 and 5 between when there are few decades)
    decades = int(round(math.log10(yhi / ylo)))
    mults = (1, 2, 5) if decades <= 4 else (1,)
    d = ylo
    while d <= yhi * 1.0001:
        for m in mults:
            v = d * m
            if v > yhi * 1.0001:
                break
            y = Y(v)
            major = m == 1
            svg.add(f"<line x1=\"{left}\" y1=\"{fmt(y)}\" x2=\"{left + pw}\" y2=\"{fmt(y)}\" "
                    f"stroke=\"{'#ccc' if major else '#eee'}\" stroke-width=\"1\"/>")
            svg.add(text(left - 6, y + 4, si(v), size=11, anchor="end", fill="#333" if major else "#777"))
        d *= 10
    for s in sizes:
        x = X(s)
        svg.add(f"<line x1=\"{fmt(x)}\" y1=\"{top}\" x2=\"{fmt(x)}\" y2=\"{top + ph}\" stroke=\"#eee\"/>")
        svg.add(text(x, top + ph + 18, size_label(s), size=11, anchor="middle"))
    svg.add(f"<rect x=\"{left}\" y=\"{top}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#888\"/>")
    svg.add(text(left + pw / 2, top + ph + 40, "message size (log scale)", size=12, anchor="middle"))
    svg.add(text(22, top + ph / 2, "messages/s (log scale)", size=12, anchor="middle", rotate=-90))

    def sort_key(label):
        pair, dashed, _, kind = series[label]
        return (ORDER.index(pair) if pair in ORDER else len(ORDER), pair, kind)

    entries = []
    for label in sorted(series, key=sort_key):
        pair, dashed, pts, _ = series[label]
        col = color(pair)
        dash = " stroke-dasharray=\"6 4\"" if dashed else ""
        ss = sorted(pts)
        path = " ".join(f"{'M' if i == 0 else 'L'}{fmt(X(s))},{fmt(Y(pts[s][0]))}" for i, s in enumerate(ss))
        svg.add(f"<path d=\"{path}\" fill=\"none\" stroke=\"{col}\" stroke-width=\"2\"{dash}/>")
        for s in ss:
            med, lo, hi = pts[s]
            x = X(s)
            svg.add(f"<line x1=\"{fmt(x)}\" y1=\"{fmt(Y(lo))}\" x2=\"{fmt(x)}\" y2=\"{fmt(Y(hi))}\" "
                    f"stroke=\"{col}\" stroke-width=\"1.2\"/>")
            for v in (lo, hi):
                svg.add(f"<line x1=\"{fmt(x - 4)}\" y1=\"{fmt(Y(v))}\" x2=\"{fmt(x + 4)}\" y2=\"{fmt(Y(v))}\" "
                        f"stroke=\"{col}\" stroke-width=\"1.2\"/>")
            fill = "white" if dashed else col
            svg.add(f"<circle cx=\"{fmt(x)}\" cy=\"{fmt(Y(med))}\" r=\"3.5\" fill=\"{fill}\" stroke=\"{col}\" "
                    f"stroke-width=\"1.5\"><title>{escape(label)} {size_label(s)}: {si(med)} msg/s "
                    f"[{si(lo)}\u2013{si(hi)}]</title></circle>")
        entries.append((label, col, dashed))
    legend(svg, left + pw + 16, top + 10, entries)
    footer(svg, meta_lines, H - 8)
    return svg.render()


# ---- bars --------------------------------------------------------------------------------------

def bar_panel(svg, x0, y0, w, h, title, unit, groups, note=None):
    """groups: [(group label, [(pair, (med, lo, hi))])]; linear y from 0."""
    left, bottom, top = 64, 46, 28
    pw, ph = w - left - 10, h - top - bottom
    px, py = x0 + left, y0 + top
    svg.add(text(x0 + left, y0 + 16, title, size=13, weight="bold"))
    if note:
        svg.add(text(x0 + w - 10, y0 + 16, note, size=10, anchor="end", fill="#555"))
    hi = max([v for _, bars in groups for _, st in bars for v in st] + [1e-9])
    ticks = nice_linear_ticks(hi * 1.12)  # headroom for the value labels
    ymax = ticks[-1]

    def Y(v):
        return py + ph - v / ymax * ph

    for t in ticks:
        svg.add(f"<line x1=\"{fmt(px)}\" y1=\"{fmt(Y(t))}\" x2=\"{fmt(px + pw)}\" y2=\"{fmt(Y(t))}\" "
                f"stroke=\"#e4e4e4\"/>")
        svg.add(text(px - 6, Y(t) + 4, si(t), size=10, anchor="end", fill="#333"))
    svg.add(text(x0 + 14, py + ph / 2, unit, size=11, anchor="middle", rotate=-90))
    gw = pw / max(len(groups), 1)
    for gi, (glabel, bars) in enumerate(groups):
        gx = px + gi * gw
        n = max(len(bars), 1)
        bw = min(34.0, gw * 0.8 / n)
        start = gx + (gw - bw * n) / 2
        for bi, (pair, (med, lo, hi_)) in enumerate(bars):
            bx = start + bi * bw
            col = color(pair)
            svg.add(f"<rect x=\"{fmt(bx + 1)}\" y=\"{fmt(Y(med))}\" width=\"{fmt(bw - 2)}\" "
                    f"height=\"{fmt(max(py + ph - Y(med), 0.5))}\" fill=\"{col}\"><title>{escape(NAMES.get(pair, pair))} "
                    f"{escape(glabel)}: {si(med)} [{si(lo)}\u2013{si(hi_)}] {escape(unit)}</title></rect>")
            cx = bx + bw / 2
            if hi_ > lo:
                svg.add(f"<line x1=\"{fmt(cx)}\" y1=\"{fmt(Y(lo))}\" x2=\"{fmt(cx)}\" y2=\"{fmt(Y(hi_))}\" "
                        f"stroke=\"#222\" stroke-width=\"1\"/>")
                for v in (lo, hi_):
                    svg.add(f"<line x1=\"{fmt(cx - 3)}\" y1=\"{fmt(Y(v))}\" x2=\"{fmt(cx + 3)}\" y2=\"{fmt(Y(v))}\" "
                            f"stroke=\"#222\" stroke-width=\"1\"/>")
            svg.add(text(cx, Y(max(med, hi_)) - 4, si(med), size=9, anchor="middle", fill="#333"))
        svg.add(text(gx + gw / 2, py + ph + 16, glabel, size=11, anchor="middle"))
    svg.add(f"<rect x=\"{fmt(px)}\" y=\"{fmt(py)}\" width=\"{fmt(pw)}\" height=\"{fmt(ph)}\" fill=\"none\" "
            f"stroke=\"#888\"/>")


def groups_of(values, kinds_labels, transport_filter=None):
    """kinds_labels: [(kind, label function(transport, size))] -> bar groups, pairs in a fixed order."""
    groups = []
    for kind, label in kinds_labels:
        keys = sorted({(tr, size) for (k, tr, size, _) in values if k == kind
                       and (transport_filter is None or tr in transport_filter)},
                      key=lambda ts: (["tcp", "ipc", "inproc"].index(ts[0]) if ts[0] in ("tcp", "ipc", "inproc")
                                      else 9, ts[0], ts[1]))
        for tr, size in keys:
            pairs = pair_order({p for (k, t, s, p) in values if k == kind and t == tr and s == size})
            groups.append((label(tr, size), [(p, stats(values[(kind, tr, size, p)])) for p in pairs]))
    return groups


def legend_pairs(groups):
    seen = []
    for _, bars in groups:
        for p, _ in bars:
            if p not in seen:
                seen.append(p)
    return [(NAMES.get(p, p), color(p), False) for p in pair_order(seen)]


def latency_chart(values, meta):
    groups = groups_of(values, [("lat", lambda tr, s: f"{tr} {size_label(s)}"),
                                ("lat_cold", lambda tr, s: f"{tr} {size_label(s)} cold")])
    if not groups:
        return None
    W = max(560, 90 * len(groups) + 240)
    meta_lines = wrap(meta, W)
    H = 400
    svg = Svg(W, H + 13 * len(meta_lines))
    svg.add(text(20, 24, "One-way latency (REQ/REP round trip / 2): lower is better", size=16, weight="bold"))
    bar_panel(svg, 0, 36, W - 170, H - 60, "median of the runs, whiskers min\u2013max", "\u00b5s", groups)
    legend(svg, W - 150, 80, legend_pairs(groups))
    footer(svg, meta_lines, H - 8)
    return svg.render()


def scale_chart(values, meta):
    panels = [
        ("pubsub", "PUB \u2192 N SUB: delivered messages/s (all SUBs)", "msg/s", lambda tr, n: f"{n} SUB"),
        ("pubsub_rss", "PUB \u2192 N SUB: RSS of the SUB process", "MB", lambda tr, n: f"{n} SUB"),
        ("router", "ROUTER + N DEALER: replies/s", "replies/s",
         lambda tr, n: f"{n} DEALER"),
        ("connect", "connections/s to a ROUTER", "conn/s",
         lambda tr, n: f"{n} at a time"),
    ]
    present = [(kind, title, unit, groups_of(values, [(kind, label)])) for kind, title, unit, label in panels]
    present = [p for p in present if p[3]]
    if not present:
        return None
    cols = 2 if len(present) > 1 else 1
    rows = (len(present) + cols - 1) // cols
    pw, ph = 470, 300
    W, H = cols * pw + 160, rows * ph + 50
    meta_lines = wrap(meta, W)
    svg = Svg(W, H + 13 * len(meta_lines) + 10)
    svg.add(text(20, 24, "Scale with peers (tcp, loopback): median of the runs, whiskers min\u2013max", size=16,
                 weight="bold"))
    allgroups = []
    for i, (kind, title, unit, groups) in enumerate(present):
        r, c = divmod(i, cols)
        bar_panel(svg, c * pw, 40 + r * ph, pw, ph - 10, title, unit, groups)
        allgroups += groups
    legend(svg, cols * pw + 10, 70, legend_pairs(allgroups))
    footer(svg, meta_lines, H + 10)
    return svg.render()


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 64
    tsv = argv[1]
    out = argv[2] if len(argv) == 3 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "charts")
    values, meta = read_tsv(tsv)
    if not meta:
        meta = [f"source: {os.path.basename(tsv)}"]
    charts = {}
    for transport in sorted({tr for (k, tr, _, _) in values if k in ("thr", "thr_cold", "cross")},
                            key=lambda t: (["tcp", "ipc", "inproc"].index(t) if t in ("tcp", "ipc", "inproc")
                                           else 9, t)):
        charts[f"throughput-{transport}.svg"] = throughput_chart(values, meta, transport)
    charts["latency.svg"] = latency_chart(values, meta)
    charts["scale.svg"] = scale_chart(values, meta)
    os.makedirs(out, exist_ok=True)
    for name, content in charts.items():
        if content is None:
            continue
        ET.fromstring(content)  # well-formed, or this raises and nothing half-valid is written
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(content)
        print(os.path.join(out, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
