"""Static SVG charts: valid XML, accessible, self-contained, deterministic."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from generator.charts import bar_chart, fmt_value, line_chart, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"2025-{m:02d}" for m in range(1, 7)]
SERIES = [("新建", [3, 5, 2, None, 4, 6]), ("已关闭", [2, 4, 3, 1, None, 5])]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def tooltips(elements) -> list[str]:
    return [e.find(f"{SVG}title").text for e in elements]


def assert_self_contained(svg: str, root: ET.Element) -> None:
    assert "<script" not in svg.lower()
    assert "@import" not in svg and "@font-face" not in svg
    for e in root.iter():
        assert e.tag != f"{SVG}script" and e.tag != f"{SVG}foreignObject"
        for name, value in e.attrib.items():
            if name.endswith("href"):
                assert value.startswith("#"), (name, value)
            assert not name.startswith("on"), name
            for ref in re.findall(r"url\(([^)]*)\)", value):
                assert ref.startswith("#"), value


def assert_accessible(root: ET.Element) -> None:
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox")
    ids = root.get("aria-labelledby").split()
    found = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert all(i in found for i in ids)
    assert root.find(f"{SVG}title").text
    assert root.find(f"{SVG}desc").text
    assert "Noto Sans CJK SC" in root.get("font-family")


@pytest.mark.parametrize("stacked", [False, True])
def test_bar_chart_structure(stacked):
    svg = bar_chart("每月 CAPA", MONTHS, SERIES, y_label="件", stacked=stacked)
    root = parse(svg)
    assert_accessible(root)
    assert_self_contained(svg, root)
    bars = by_class(root, "bl-bar")
    assert len(bars) == 10                      # 12 values, 2 of them None
    tips = tooltips(bars)
    assert "2025-03 已关闭: 3" in tips
    assert not any(t.startswith("2025-04 新建") for t in tips)
    legend = by_class(root, "bl-legend")[0]
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["新建", "已关闭"]
    assert [t.text for t in by_class(root, "bl-xlabel")] == MONTHS
    desc = root.find(f"{SVG}desc").text
    assert "新建：2025-01 3；" in desc and "2025-04 无数据" in desc


def test_series_differ_by_more_than_colour():
    root = parse(bar_chart("t", MONTHS, SERIES + [("逾期", [1, 0, 1, 0, 1, 0])]))
    fills = {}
    for bar in by_class(root, "bl-bar"):
        fills.setdefault(bar.get("fill"), set()).add(tooltips([bar])[0].split()[1])
    assert len(fills) == 3
    assert sum(f.startswith("url(#") for f in fills) >= 2      # patterns, not just colours
    patterns = [p.get("id") for p in root.iter(f"{SVG}pattern")]
    assert len(patterns) == len(set(patterns)) == 2

    root = parse(line_chart("t", MONTHS, SERIES + [("逾期", [1, 0, 1, 0, 1, 0])]))
    shapes = {tooltips([p])[0].split()[1]: (p.tag, p.get("d", "")[:1]) for p in by_class(root, "bl-point")}
    dashes = [line.get("stroke-dasharray") for line in by_class(root, "bl-line")]
    assert len(set(dashes)) == 3
    assert len({tag for tag, _ in shapes.values()}) == 3


def test_line_chart_points_and_gaps():
    svg = line_chart("合格率", MONTHS, [("冲压", [95.5, 96, None, 97.25, 98, 99])], percent=True)
    root = parse(svg)
    assert_accessible(root)
    assert_self_contained(svg, root)
    points = by_class(root, "bl-point")
    assert len(points) == 5
    assert tooltips(points)[0] == "2025-01 冲压: 95.5%"
    (line,) = by_class(root, "bl-line")
    assert line.get("d").count("M") == 2         # the None breaks the line in two
    ticks = [t.text for t in root.iter(f"{SVG}text") if (t.text or "").endswith("%")]
    assert "0%" in ticks and "100%" in ticks


def test_text_is_escaped_and_chinese_kept():
    evil = "<script>alert('x')</script> & “质量”"
    svg = bar_chart(evil, [evil, "二月"], [(evil, [1, 2])], y_label=evil)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == evil
    assert_self_contained(svg, root)
    assert tooltips(by_class(root, "bl-bar"))[1] == f"二月 {evil}: 2"
    # characters XML cannot hold are dropped instead of breaking the document
    parse(line_chart("a\x00b\x1b", ["x\x07"], [("s\x0c", [1])]))


@pytest.mark.parametrize("make", [bar_chart, line_chart])
@pytest.mark.parametrize("labels,series", [
    ([], []),
    (MONTHS, []),
    (MONTHS, [("a", [None] * 6)]),
    (MONTHS, [("a", [float("nan"), float("inf"), None])]),
    ([], [("a", [1, 2])]),
])
def test_empty_data_gives_valid_svg(make, labels, series):
    svg = make("空图表", labels, series)
    root = parse(svg)
    assert_accessible(root)
    assert "暂无数据 / no data" in svg
    assert not by_class(root, "bl-bar") and not by_class(root, "bl-point")


def test_deterministic_and_distinct_ids():
    a1 = bar_chart("A", MONTHS, SERIES)
    a2 = bar_chart("A", list(MONTHS), [(n, list(v)) for n, v in SERIES])
    b = bar_chart("B", MONTHS, SERIES)
    assert a1 == a2
    ids_a = {e.get("id") for e in parse(a1).iter() if e.get("id")}
    ids_b = {e.get("id") for e in parse(b).iter() if e.get("id")}
    assert ids_a and not ids_a & ids_b           # both can be inlined in one page


def test_many_labels_rotated_and_thinned():
    labels = [f"{y}-{m:02d}" for y in range(2017, 2027) for m in range(1, 13)]
    values = [float(i % 9) for i in range(len(labels))]
    root = parse(line_chart("十年", labels, [("件数", values)], width=720))
    shown = by_class(root, "bl-xlabel")
    assert 5 < len(shown) < len(labels)
    assert all("rotate(-45" in t.get("transform", "") for t in shown)
    assert len(by_class(root, "bl-point")) == len(labels)
    root = parse(bar_chart("少", ["2025-01", "2025-02"], [("件数", [1, 2])]))
    assert all(not t.get("transform") for t in by_class(root, "bl-xlabel"))


def test_series_length_mismatch_and_negative_values():
    root = parse(bar_chart("差值", ["一", "二", "三"], [("a", [1, -2]), ("b", [3, 4, 5, 6])]))
    assert len(by_class(root, "bl-bar")) == 5
    assert "-2" in [t.text for t in root.iter(f"{SVG}text")]


def test_value_labels_switch():
    root = parse(bar_chart("t", MONTHS, SERIES, value_labels=True))
    assert len(by_class(root, "bl-value")) == 10
    root = parse(bar_chart("t", MONTHS, SERIES, value_labels=False))
    assert not by_class(root, "bl-value")
    root = parse(bar_chart("t", MONTHS, SERIES, stacked=True, value_labels=True))
    assert [t.text for t in by_class(root, "bl-value")] == ["5", "9", "5", "1", "4", "11"]


def test_nice_ticks_and_formatting():
    assert nice_ticks(0, 7, integers=True) == [0, 2, 4, 6, 8]
    assert nice_ticks(0, 2, integers=True) == [0, 1, 2]
    assert nice_ticks(0, 0.8) == [0, 0.2, 0.4, 0.6, 0.8]
    assert nice_ticks(0, 96) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(-3, 5, integers=True)[0] <= -3
    assert nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert fmt_value(4.0) == "4" and fmt_value(2.5) == "2.5" and fmt_value(1 / 3) == "0.33"
    assert fmt_value(87.5, percent=True) == "87.5%"
