"""The home page's charts (web/core/charts.py): SVG drawn from numbers, labels as text;
the bar charts, lists of links, are tested on the page (test_home.py)."""

import xml.etree.ElementTree as ET

from ctlib.web.core.charts import Bar, column_chart, top

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    return root


def bars(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def texts(root: ET.Element) -> list[str]:
    return [text.text for text in root.iter(f"{SVG}text")]


def test_top_keeps_the_largest_and_summarises_the_rest():
    items = [Bar(name, count, f"/def/regions/{name}")
             for name, count in [("e", 1), ("b", 5), ("a", 5), ("c", 3), ("d", 2)]]
    shown, rest = top(items, 3, "/def/regions")
    assert [bar.label for bar in shown] == ["a", "b", "c"]
    assert (rest.concepts, rest.fewest, rest.most, rest.href) == (2, 1, 2, "/def/regions")
    assert top(items, 5, "/def/regions")[1] is None


def test_an_empty_series_is_a_chart_that_says_so():
    root = parse(column_chart("Per year", {}))
    assert bars(root) == [] and texts(root) == ["No records yet."]
    assert root.find(f"{SVG}title").text == "Per year"


def test_years_without_records_are_gaps_and_the_axis_runs_through_them():
    root = parse(column_chart("Per year", {2009: 1, 2012: 2, 2020: 4}))
    columns = bars(root)
    assert [c.find(f"{SVG}title").text for c in columns] == [
        "2009: 1 record", "2012: 2 records", "2020: 4 records"]
    x = [float(c.get("x")) for c in columns]
    slot = (x[1] - x[0]) / 3  # 2009 to 2012 is three years
    assert abs((x[2] - x[1]) - 8 * slot) < 0.5  # 2012 to 2020: eight, empty years kept
    heights = [float(c.get("height")) for c in columns]
    assert heights[1] == 2 * heights[0] and heights[2] == 4 * heights[0]
    years = [t for t in texts(root) if len(t) == 4]
    assert years == ["2010", "2012", "2014", "2016", "2018", "2020"]


def test_a_long_span_of_years_has_few_round_labels():
    counts = {year: year % 7 + 1 for year in range(1951, 2026)}
    root = parse(column_chart("Per year", counts))
    assert len(bars(root)) == 75
    years = [int(t) for t in texts(root) if len(t) == 4]
    assert years == [1960, 1970, 1980, 1990, 2000, 2010, 2020]
    # No count above a column this narrow: each column's title has it.
    assert [t for t in root.iter(f"{SVG}text") if t.get("class") == "count"] == []


def test_the_count_axis_has_round_steps_and_short_labels():
    root = parse(column_chart("Per year", {2020: 4321, 2021: 61234}))
    axis = [t for t in texts(root) if t not in ("2020", "2021", "4,321", "61,234")]
    assert axis == ["0", "20k", "40k", "60k", "80k"]


def test_a_chart_speaks_the_language_it_is_drawn_in():
    root = parse(column_chart("Notices par année", {2020: 1, 2021: 61234}, "fr"))
    assert [c.find(f"{SVG}title").text for c in bars(root)] == [
        "2020 : 1 notice", "2021 : 61\u202f234 notices"]
    assert "61\u202f234" in texts(root)
    empty = parse(column_chart("Registros por año", {}, "es"))
    assert texts(empty) == ["Todavía no hay registros."]
