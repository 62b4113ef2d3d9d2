"""JSON Lines and CSV deliveries: the same fields as the listing."""

from ctlib.ingest import ingest
from ctlib.records.model import Problem, Record, Severity
from ctlib.records.tabular import read_csv, read_jsonl

from .conftest import DATA


def test_jsonl_records_and_problems_on_their_lines():
    items = list(read_jsonl(DATA / "partner.jsonl"))
    records = [i for i in items if isinstance(i, Record)]
    problems = {(p.location.line, p.rule) for p in items if isinstance(p, Problem)}
    assert [r.location.line for r in records] == [1, 2, 4]
    assert problems == {(4, "unknown-field"), (5, "json"), (6, "json")}
    first = records[0]
    assert first.all("authors") == ["Olena Kovalenko", "Marta Nowak"]
    assert first.all("year") == ["2021"] and first.first("id") == "P-001"
    assert records[1].all("country") == ["Côte d'Ivoire"]


def test_unknown_key_is_a_warning_naming_the_fields():
    (problem,) = [p for p in read_jsonl(DATA / "partner.jsonl")
                  if isinstance(p, Problem) and p.rule == "unknown-field"]
    assert problem.severity is Severity.WARNING and problem.field == "publisher"


def test_csv_splits_multiple_values_and_tracks_multiline_rows():
    first, second = read_csv(DATA / "partner.csv")
    assert first.location.line == 2 and second.location.line == 4
    assert first.all("authors") == ["Ana Popescu", "Ion Rusu"]
    assert first.first("summary") == "Minimum standards for shelters,\nover two lines."
    assert second.first("id") is None and second.all("authors") == []


def test_csv_close_column_name_is_suggested(tmp_path):
    path = tmp_path / "typo.csv"
    path.write_text("titel,year\nA Title,2019\n")
    problem, record = read_csv(path)
    assert problem.message.startswith("'titel' is not a field and is ignored; did you mean 'title'?")


def test_partner_deliveries_publish(catalogue):
    report = ingest([DATA / "partner.jsonl", DATA / "partner.csv"], catalogue)
    assert report.published == 5 and report.rejected == 0
    assert report.exit_code == 1  # the two lines that are not records are violations


def test_language_field_tags_title(catalogue):
    from ctlib.store import EmbeddedStore
    ingest([DATA / "partner.jsonl"], catalogue)
    store = EmbeddedStore(catalogue.config.data_dir).open()
    titles = {s["t"].value: s["t"].language for s in store.query(
        "SELECT ?t WHERE { GRAPH ?g { ?r <http://purl.org/dc/terms/title> ?t } }")}
    assert titles["Guide de réintégration"] == "fr"
    assert titles["Identifying Victims of Trafficking at Borders"] == "en"
