"""Static SVG charts made at build time: plain data in, SVG text out.

No scripts, no web fonts, no links: the SVG is complete in itself and can be
inlined in a page or saved as a file. Chinese labels are kept as text (the
browser picks a CJK font from the font-family list). Output is deterministic:
the same arguments always give the same bytes.

    bar_chart("每月 CAPA", ["2025-01", "2025-02"],
              [("新建", [3, 5]), ("已关闭", [2, None])], y_label="件")

Values: numbers, or None for "no data" (no bar, a gap in the line). With
``percent=True`` values are percentages on a 0-100 scale (87.5 means 87.5 %).
A series shorter than ``labels`` is padded with None; a longer one is cut.

Accessibility: role="img" with <title> and a <desc> that lists the data as
text; series differ by colour (Okabe-Ito, colour-blind safe) and also by fill
pattern (bars) or marker shape and dash (lines); every bar and point has its
own <title> tooltip ("2025-03 已关闭: 4").

Element classes, for CSS and tests: ``bl-chart`` (root), ``bl-bar``,
``bl-point``, ``bl-line``, ``bl-legend``, ``bl-value``, ``bl-xlabel``.
IDs inside the SVG start with a prefix derived from a hash of the arguments,
so several different charts can be inlined in one page.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from xml.sax.saxutils import escape

FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
NO_DATA = "暂无数据 / no data"

# Okabe-Ito, without the yellow that is too pale on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
DASHES = ("", "7 4", "2 3", "10 3 2 3", "4 4", "12 4 4 4")
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down", "cross")
PATTERNS = ("solid", "diagonal", "dots", "crosshatch", "horizontal", "backdiagonal", "vertical")

TEXT = "#222222"
MUTED = "#555555"
GRID = "#e3e3e3"
AXIS = "#777777"

PAD = 12
TITLE_SIZE = 16
LEGEND_SIZE = 12
TICK_SIZE = 11
VALUE_SIZE = 10

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# ---------------------------------------------------------------- public API

def bar_chart(title: str, labels: list[str], series: list[tuple[str, list[float | None]]], *,
              y_label: str = "", percent: bool = False, width: int = 720, height: int = 320,
              stacked: bool = False, value_labels: bool | None = None) -> str:
    """Grouped (or stacked) bars, one group per label, one bar per series.

    value_labels: True/False to show/hide the numbers on the bars; None (default)
    shows them when they fit.
    """
    chart = _Chart("bar", title, labels, series, y_label, percent, width, height, stacked)
    if chart.empty:
        return chart.empty_svg()
    return chart.bars(value_labels)


def line_chart(title: str, labels: list[str], series: list[tuple[str, list[float | None]]], *,
               y_label: str = "", percent: bool = False, width: int = 720, height: int = 320,
               value_labels: bool | None = None) -> str:
    """One line per series with a marker per value; None leaves a gap.

    value_labels: None (default) shows the numbers only for a single short series.
    """
    chart = _Chart("line", title, labels, series, y_label, percent, width, height, False)
    if chart.empty:
        return chart.empty_svg()
    return chart.lines(value_labels)


# ---------------------------------------------------------------- helpers

def _clean(value) -> str:
    """Text that XML 1.0 accepts."""
    return _XML_BAD.sub("", "" if value is None else str(value))


def _t(value) -> str:
    return escape(_clean(value))


def _n(x: float) -> str:
    """A coordinate, short and deterministic."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _number(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def fmt_value(v: float, percent: bool = False) -> str:
    """4 -> "4", 2.5 -> "2.5", 1/3 -> "0.33"; with percent a % sign."""
    if abs(v - round(v)) < 1e-9:
        s = str(int(round(v)))
    else:
        s = f"{v:.2f}".rstrip("0").rstrip(".")
    if s == "-0":
        s = "0"
    return s + "%" if percent else s


def text_width(s: str, size: float) -> float:
    """Estimated rendered width: CJK and full-width characters 1 em, others about 0.6 em."""
    w = 0.0
    for ch in s:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            w += 1.0
        elif ch in "il.,:;'|!":
            w += 0.3
        elif ch.isupper() or ch in "mwMW%@":
            w += 0.75
        else:
            w += 0.58
    return w * size


def _truncate(s: str, size: float, max_w: float) -> str:
    if text_width(s, size) <= max_w:
        return s
    while s and text_width(s + "…", size) > max_w:
        s = s[:-1]
    return s + "…"


def nice_ticks(lo: float, hi: float, integers: bool = False, target: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (which includes 0), about `target` steps."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo <= 0:
        hi = 1.0
    span = hi - lo
    raw = span / target
    mag = 10 ** math.floor(math.log10(raw))
    step = 10 * mag
    for m in (1, 2, 2.5, 5, 10):
        if span / (m * mag) <= target:
            step = m * mag
            break
    if integers and step < 1:
        step = 1.0
    first = math.floor(lo / step + 1e-9)
    last = math.ceil(hi / step - 1e-9)
    return [round(i * step, 10) + 0.0 for i in range(first, last + 1)]


# ---------------------------------------------------------------- the chart

class _Chart:
    def __init__(self, kind, title, labels, series, y_label, percent, width, height, stacked):
        self.kind = kind
        self.title = _clean(title)
        self.labels = [_clean(x) for x in (labels or [])]
        n = len(self.labels)
        self.series = []
        for name, values in series or []:
            vals = [_number(v) for v in list(values or [])[:n]]
            vals += [None] * (n - len(vals))
            self.series.append((_clean(name), vals))
        self.y_label = _clean(y_label)
        self.percent = bool(percent)
        self.width = max(int(width), 160)
        self.height = max(int(height), 120)
        self.stacked = bool(stacked)
        self.empty = n == 0 or not any(v is not None for _, vals in self.series for v in vals)
        key = repr((kind, self.title, self.labels, self.series, self.y_label, self.percent,
                    self.width, self.height, self.stacked))
        self.id = "blc" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]

    # ---- text parts

    def tooltip(self, label: str, name: str, v: float) -> str:
        head = f"{label} {name}".strip() if name else label
        return f"{head}: {fmt_value(v, self.percent)}"

    def description(self) -> str:
        parts = [self.title + "。"] if self.title else []
        if self.y_label:
            parts.append(f"纵轴：{self.y_label}。")
        for name, vals in self.series:
            items = "；".join(f"{lab} {fmt_value(v, self.percent) if v is not None else '无数据'}"
                             for lab, v in zip(self.labels, vals))
            parts.append(f"{name or '数值'}：{items}。")
        return " ".join(parts)

    def open_svg(self, desc: str) -> list[str]:
        w, h, p = self.width, self.height, self.id
        return [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="bl-chart bl-chart-{self.kind}" '
            f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
            f'aria-labelledby="{p}-t {p}-d" font-family="{FONT}" font-size="12" fill="{TEXT}" '
            f'style="max-width:100%;height:auto">',
            f'<title id="{p}-t">{_t(self.title or NO_DATA)}</title>',
            f'<desc id="{p}-d">{_t(desc)}</desc>',
            f'<rect class="bl-chart-bg" width="{w}" height="{h}" fill="#ffffff"/>',
        ]

    def empty_svg(self) -> str:
        out = self.open_svg(f"{self.title}：{NO_DATA}" if self.title else NO_DATA)
        if self.title:
            out.append(f'<text x="{PAD}" y="{PAD + TITLE_SIZE}" font-size="{TITLE_SIZE}" '
                       f'font-weight="bold">{_t(self.title)}</text>')
        out.append(f'<text class="bl-nodata" x="{_n(self.width / 2)}" y="{_n(self.height / 2)}" '
                   f'text-anchor="middle" font-size="14" fill="{MUTED}">{_t(NO_DATA)}</text>')
        out.append("</svg>")
        return "\n".join(out) + "\n"

    # ---- styles per series

    def colour(self, i: int) -> str:
        return PALETTE[i % len(PALETTE)]

    def pattern(self, i: int) -> str:
        # shifted once per round of colours, so that colour + pattern stays unique for 49 series
        return PATTERNS[(i + i // len(PALETTE)) % len(PATTERNS)]

    def fill(self, i: int) -> str:
        if self.pattern(i) == "solid":
            return self.colour(i)
        return f"url(#{self.id}-p{i})"

    def pattern_defs(self) -> list[str]:
        out = []
        for i in range(len(self.series)):
            kind, c = self.pattern(i), self.colour(i)
            if kind == "solid":
                continue
            rot = {"diagonal": ' patternTransform="rotate(45)"', "backdiagonal": ' patternTransform="rotate(-45)"',
                   "crosshatch": ' patternTransform="rotate(45)"'}.get(kind, "")
            marks = {
                "diagonal": '<rect width="2.5" height="6" fill="#ffffff" fill-opacity="0.6"/>',
                "backdiagonal": '<rect width="2.5" height="6" fill="#ffffff" fill-opacity="0.6"/>',
                "vertical": '<rect width="2" height="6" fill="#ffffff" fill-opacity="0.6"/>',
                "horizontal": '<rect width="6" height="2" fill="#ffffff" fill-opacity="0.6"/>',
                "dots": '<circle cx="3" cy="3" r="1.4" fill="#ffffff" fill-opacity="0.75"/>',
                "crosshatch": ('<rect width="1.5" height="6" fill="#ffffff" fill-opacity="0.6"/>'
                               '<rect width="6" height="1.5" fill="#ffffff" fill-opacity="0.6"/>'),
            }[kind]
            out.append(f'<pattern id="{self.id}-p{i}" patternUnits="userSpaceOnUse" width="6" height="6"{rot}>'
                       f'<rect width="6" height="6" fill="{c}"/>{marks}</pattern>')
        return ["<defs>", *out, "</defs>"] if out else []

    def marker(self, i: int, x: float, y: float, r: float, cls: str, tip: str | None) -> str:
        shape, c = MARKERS[i % len(MARKERS)], self.colour(i)
        inner = f"<title>{_t(tip)}</title>" if tip is not None else ""
        attrs = f'class="{cls}" fill="{c}" stroke="#ffffff" stroke-width="1"'
        if shape == "circle":
            return f'<circle {attrs} cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}">{inner}</circle>'
        if shape == "square":
            s = r * 0.9
            return (f'<rect {attrs} x="{_n(x - s)}" y="{_n(y - s)}" width="{_n(2 * s)}" '
                    f'height="{_n(2 * s)}">{inner}</rect>')
        if shape == "triangle":
            d = f"M{_n(x)} {_n(y - r * 1.2)}L{_n(x + r * 1.1)} {_n(y + r * 0.8)}L{_n(x - r * 1.1)} {_n(y + r * 0.8)}Z"
        elif shape == "triangle-down":
            d = f"M{_n(x)} {_n(y + r * 1.2)}L{_n(x + r * 1.1)} {_n(y - r * 0.8)}L{_n(x - r * 1.1)} {_n(y - r * 0.8)}Z"
        elif shape == "diamond":
            d = f"M{_n(x)} {_n(y - r * 1.25)}L{_n(x + r * 1.1)} {_n(y)}L{_n(x)} {_n(y + r * 1.25)}L{_n(x - r * 1.1)} {_n(y)}Z"
        else:  # cross
            s = r * 0.95
            d = (f"M{_n(x - s)} {_n(y - s)}L{_n(x + s)} {_n(y + s)}"
                 f"M{_n(x - s)} {_n(y + s)}L{_n(x + s)} {_n(y - s)}")
            return (f'<path class="{cls}" d="{d}" fill="none" stroke="{c}" stroke-width="2.5" '
                    f'stroke-linecap="round">{inner}</path>')
        return f'<path {attrs} d="{d}">{inner}</path>'

    # ---- layout

    def layout(self, value_range: tuple[float, float]):
        w, h = self.width, self.height
        out: list[str] = []
        y = PAD
        if self.title:
            y += TITLE_SIZE
            out.append(f'<text class="bl-chart-title" x="{PAD}" y="{y}" font-size="{TITLE_SIZE}" '
                       f'font-weight="bold">{_t(_truncate(self.title, TITLE_SIZE, w - 2 * PAD))}</text>')
            y += 8
        legend, y = self.legend(y)
        out += legend
        if self.y_label:
            y += TICK_SIZE + 2
            out.append(f'<text class="bl-ylabel" x="{PAD}" y="{y}" font-size="{TICK_SIZE}" '
                       f'fill="{MUTED}">{_t(_truncate(self.y_label, TICK_SIZE, w - 2 * PAD))}</text>')
        top = y + 12

        integers = all(v is None or abs(v - round(v)) < 1e-9 for _, vals in self.series for v in vals)
        ticks = nice_ticks(*value_range, integers=integers)
        tick_texts = [fmt_value(t, self.percent) for t in ticks]
        left = PAD + max(text_width(s, TICK_SIZE) for s in tick_texts) + 8
        right = w - PAD - 4
        n = len(self.labels)
        slot = (right - left) / n

        # x labels: horizontal when they fit, otherwise rotated, thinned when crowded
        widths = [text_width(s, TICK_SIZE) for s in self.labels]
        max_lw = max(widths) if widths else 0
        if max_lw + 6 <= slot:
            rotate, step, bottom = False, 1, TICK_SIZE + 14
            label_max = slot
        else:
            rotate = True
            step = max(1, math.ceil((TICK_SIZE + 5) / slot))
            label_max = min(max_lw, h * 0.3)
            bottom = label_max * 0.71 + TICK_SIZE + 14
            # the first label, rotated, reaches left of its slot: keep it inside the picture
            first = min(widths[0], label_max) * 0.71 + TICK_SIZE * 0.5
            if left + slot / 2 - first < PAD:
                left = PAD + first - slot / 2 + 2
                slot = (right - left) / n
                step = max(1, math.ceil((TICK_SIZE + 5) / slot))
        bottom_y = h - bottom
        if bottom_y - top < 40:  # very small charts: give the plot some room anyway
            bottom_y = top + 40

        lo, hi = ticks[0], ticks[-1]

        def ys(v: float) -> float:
            return bottom_y - (v - lo) / (hi - lo) * (bottom_y - top)

        grid = ['<g class="bl-axis-y" font-size="%d" fill="%s">' % (TICK_SIZE, MUTED)]
        for t, s in zip(ticks, tick_texts):
            yy = _n(ys(t))
            grid.append(f'<line x1="{_n(left)}" y1="{yy}" x2="{_n(right)}" y2="{yy}" stroke="{GRID}" stroke-width="1"/>')
            grid.append(f'<text x="{_n(left - 6)}" y="{yy}" dy="0.35em" text-anchor="end">{_t(s)}</text>')
        grid.append("</g>")
        xl = [f'<g class="bl-axis-x" font-size="{TICK_SIZE}" fill="{MUTED}">']
        for i, lab in enumerate(self.labels):
            if i % step:
                continue
            cx = left + (i + 0.5) * slot
            shown = _truncate(lab, TICK_SIZE, label_max)
            if rotate:
                ty = bottom_y + 10
                xl.append(f'<text class="bl-xlabel" x="{_n(cx)}" y="{_n(ty)}" dy="0.35em" text-anchor="end" '
                          f'transform="rotate(-45 {_n(cx)} {_n(ty)})">{_t(shown)}</text>')
            else:
                xl.append(f'<text class="bl-xlabel" x="{_n(cx)}" y="{_n(bottom_y + 6 + TICK_SIZE)}" '
                          f'text-anchor="middle">{_t(shown)}</text>')
        xl.append("</g>")
        base = _n(ys(0.0))
        axis = f'<line class="bl-baseline" x1="{_n(left)}" y1="{base}" x2="{_n(right)}" y2="{base}" stroke="{AXIS}" stroke-width="1"/>'
        return out, grid, xl, axis, left, slot, ys

    def legend(self, y: float) -> tuple[list[str], float]:
        named = [(i, name) for i, (name, _) in enumerate(self.series) if name]
        if not named:
            return [], y
        row_h = LEGEND_SIZE + 8
        x, y = PAD, y + 4
        out = ['<g class="bl-legend" font-size="%d">' % LEGEND_SIZE]
        limit = self.width - PAD
        for i, name in named:
            shown = _truncate(name, LEGEND_SIZE, self.width / 2)
            item_w = 30 + text_width(shown, LEGEND_SIZE) + 16
            if x > PAD and x + item_w > limit:
                x, y = PAD, y + row_h
            cy = y + LEGEND_SIZE / 2
            if self.kind == "bar":
                sw = (f'<rect x="{_n(x)}" y="{_n(cy - 6)}" width="22" height="12" fill="{self.fill(i)}" '
                      f'stroke="{self.colour(i)}" stroke-width="1"/>')
            else:
                dash = DASHES[i % len(DASHES)]
                dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
                sw = (f'<line x1="{_n(x)}" y1="{_n(cy)}" x2="{_n(x + 22)}" y2="{_n(cy)}" stroke="{self.colour(i)}" '
                      f'stroke-width="2"{dash_attr}/>' + self.marker(i, x + 11, cy, 4, "bl-legend-marker", None))
            out.append(sw)
            out.append(f'<text x="{_n(x + 28)}" y="{_n(cy)}" dy="0.35em">{_t(shown)}</text>')
            x += item_w
        out.append("</g>")
        return out, y + row_h

    # ---- bars

    def bars(self, value_labels: bool | None) -> str:
        n, k = len(self.labels), len(self.series)
        if self.stacked:
            column = [[vals[j] for _, vals in self.series if vals[j] is not None] for j in range(n)]
            pos = [sum(v for v in col if v > 0) for col in column]
            neg = [sum(v for v in col if v < 0) for col in column]
            rng = (min(neg), max(pos))
        else:
            vs = [v for _, vals in self.series for v in vals if v is not None]
            rng = (min(vs), max(vs))
        head, grid, xl, axis, left, slot, ys = self.layout(rng)

        if self.stacked:
            bar_w = slot * 0.6
        else:
            group = slot * 0.8
            bar_w = group / k
        gap = 1.0 if bar_w > 6 else 0.0

        value_strings = [fmt_value(v, self.percent) for _, vals in self.series for v in vals if v is not None]
        if self.stacked:
            value_strings = [fmt_value(t, self.percent) for t in pos]
        fits = bar_w >= max(text_width(s, VALUE_SIZE) for s in value_strings) + 2
        show = fits if value_labels is None else bool(value_labels)

        body = ['<g class="bl-bars">']
        labels_out = [f'<g class="bl-values" font-size="{VALUE_SIZE}" text-anchor="middle" fill="{TEXT}">']
        for j, lab in enumerate(self.labels):
            x0 = left + j * slot + (slot - (bar_w if self.stacked else slot * 0.8)) / 2
            up = down = 0.0
            for i, (name, vals) in enumerate(self.series):
                v = vals[j]
                if v is None:
                    continue
                if self.stacked:
                    start = up if v >= 0 else down
                    end = start + v
                    if v >= 0:
                        up = end
                    else:
                        down = end
                    x = x0
                else:
                    start, end = 0.0, v
                    x = x0 + i * bar_w
                y1, y2 = ys(start), ys(end)
                top, hgt = min(y1, y2), abs(y1 - y2)
                body.append(f'<rect class="bl-bar" x="{_n(x + gap / 2)}" y="{_n(top)}" width="{_n(bar_w - gap)}" '
                            f'height="{_n(hgt)}" fill="{self.fill(i)}" stroke="{self.colour(i)}" stroke-width="1">'
                            f'<title>{_t(self.tooltip(lab, name, v))}</title></rect>')
                if show and not self.stacked:
                    ty = ys(end) - 4 if v >= 0 else ys(end) + VALUE_SIZE + 2
                    labels_out.append(f'<text class="bl-value" x="{_n(x + bar_w / 2)}" y="{_n(ty)}">'
                                      f'{_t(fmt_value(v, self.percent))}</text>')
            if show and self.stacked and any(vals[j] is not None for _, vals in self.series):
                total = sum(vals[j] for _, vals in self.series if vals[j] is not None)
                labels_out.append(f'<text class="bl-value" x="{_n(x0 + bar_w / 2)}" y="{_n(ys(up) - 4)}">'
                                  f'{_t(fmt_value(total, self.percent))}</text>')
        body.append("</g>")
        labels_out.append("</g>")

        out = self.open_svg(self.description()) + self.pattern_defs() + head + grid + xl + body + [axis]
        if show:
            out += labels_out
        out.append("</svg>")
        return "\n".join(out) + "\n"

    # ---- lines

    def lines(self, value_labels: bool | None) -> str:
        vs = [v for _, vals in self.series for v in vals if v is not None]
        head, grid, xl, axis, left, slot, ys = self.layout((min(vs), max(vs)))
        n = len(self.labels)
        show = (len(self.series) == 1 and n <= 16) if value_labels is None else bool(value_labels)
        r = 4.0 if slot >= 10 else (3.0 if slot >= 6 else 2.0)

        paths, points = ['<g class="bl-lines" fill="none">'], ['<g class="bl-points">']
        labels_out = [f'<g class="bl-values" font-size="{VALUE_SIZE}" text-anchor="middle" fill="{TEXT}">']
        for i, (name, vals) in enumerate(self.series):
            d, pen_down = [], False
            for j, v in enumerate(vals):
                if v is None:
                    pen_down = False
                    continue
                x, y = left + (j + 0.5) * slot, ys(v)
                d.append(f"{'L' if pen_down else 'M'}{_n(x)} {_n(y)}")
                pen_down = True
                points.append(self.marker(i, x, y, r, "bl-point", self.tooltip(self.labels[j], name, v)))
                if show:
                    labels_out.append(f'<text class="bl-value" x="{_n(x)}" y="{_n(y - r - 5)}">'
                                      f'{_t(fmt_value(v, self.percent))}</text>')
            if d:
                dash = DASHES[i % len(DASHES)]
                dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
                paths.append(f'<path class="bl-line" d="{"".join(d)}" stroke="{self.colour(i)}" stroke-width="2" '
                             f'stroke-linejoin="round"{dash_attr}/>')
        paths.append("</g>")
        points.append("</g>")
        labels_out.append("</g>")
        out = self.open_svg(self.description()) + head + grid + xl + [axis] + paths + points
        if show:
            out += labels_out
        out.append("</svg>")
        return "\n".join(out) + "\n"
