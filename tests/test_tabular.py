"""JSON Lines and CSV deliveries: the same fields as the listing."""

from pathlib import Path

from ctlib.ingest import ingest
from ctlib.records.model import UNREADABLE_FILE, Problem, Record, Severity
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


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    return path


def test_jsonl_lines_python_cannot_take_are_problems_of_their_line(tmp_path):
    path = write(tmp_path, "x.jsonl", "\n".join([
        '{"title": "Good"}', "[" * 100_000, '{"title": "Digits", "year": ' + "9" * 5000 + "}",
        '{"title": "Float", "year": 2019.50}', '{"title": "Good Too"}']) + "\n")
    first, deep, digits, number, last = read_jsonl(path)
    assert (deep.location.line, deep.rule, deep.message) == (
        2, "json", "not read: nested deeper than a JSON reader can follow")
    assert digits.all("year") == ["9" * 5000] and number.all("year") == ["2019.50"]
    assert last.first("title") == "Good Too"


def test_jsonl_control_characters_escaped_or_raw_are_taken_out(tmp_path):
    path = write(tmp_path, "x.jsonl", '{"title": "Lone \\ud800 Half", "year": "2019\\u0000"}\n'
                                      '{"title": "Raw\x1b[31m\x85Red"}\n')
    first, second = read_jsonl(path)
    assert first.first("title") == "Lone \ufffd Half" and first.all("year") == ["2019"]
    assert second.first("title") == "Raw[31m Red"
    assert {p.rule for p in first.problems + second.problems} == {"control-character"}


def test_a_file_with_no_json_object_is_not_json_lines(tmp_path):
    path = write(tmp_path, "x.jsonl", '{\n  "title": "Pretty-printed"\n}\n')
    (problem,) = read_jsonl(path)
    assert (problem.rule, problem.location.line) == (UNREADABLE_FILE, 0)
    assert problem.message == (
        "not JSON Lines: no line holds a JSON object (line 1: not valid JSON: Expecting "
        "property name enclosed in double quotes at column 2)")


def test_a_byte_that_is_not_utf8_is_a_problem_of_its_record_only(tmp_path):
    path = write(tmp_path, "x.jsonl", b'{"title": "Caf\xe9"}\n{"title": "Good"}\n')
    bad, good = read_jsonl(path)
    assert [p.rule for p in bad.problems] == ["encoding"] and good.problems == []
    path = write(tmp_path, "x.csv", b"title,year\nCaf\xe9,2019\nGood,2018\n")
    bad, good = read_csv(path)
    assert [(p.location.line, p.rule) for p in bad.problems] == [(2, "encoding")]
    assert good.first("title") == "Good" and good.problems == []


def test_csv_unterminated_quote_is_reported_where_it_opened_and_the_rest_is_read(tmp_path):
    path = write(tmp_path, "x.csv", 'title,summary,year\nBefore,"Two\nlines",2019\n'
                                    'Open,"Never closed,2019\nAfter,Fine,2018\nLast,,2017\n')
    before, problem, after, last = read_csv(path)
    assert before.first("summary") == "Two\nlines"
    assert (problem.location.line, problem.rule, problem.value) == (4, "csv", 'Open,"Never closed,2019')
    assert problem.message.startswith("the quote opened on this line is never closed")
    assert (after.location.line, after.first("title"), last.location.line) == (5, "After", 6)


def test_csv_quote_closed_by_the_next_one_is_reported_where_it_opened(tmp_path):
    path = write(tmp_path, "x.csv", 'title,year\n"Open,2019\nNext,2018\n"Quoted",2017\n')
    problem, following, quoted = read_csv(path)
    assert (problem.location.line, problem.message) == (2, (
        "the quote opened on this line closes on line 4 but its cell goes on after it: "
        "the row is not read; reading goes on at the next line"))
    assert following.first("title") == "Next" and quoted.first("title") == "Quoted"


def test_csv_rows_with_more_or_fewer_cells_than_the_header_are_violations(tmp_path):
    path = write(tmp_path, "x.csv", "title,year\nShort\nLong,2019,extra\nTrailing,2019,,\n")
    short, long, trailing = read_csv(path)
    assert [p.message for p in short.problems] == [
        "the row has 1 cells and the header 2: is a separator or a quote missing, or one too many?"]
    assert [p.rule for p in long.problems] == ["csv"] and trailing.problems == []


def test_csv_fields_over_128_kib_are_read(tmp_path):
    path = write(tmp_path, "x.csv", f"title,summary\nLong,{'x' * 200_000}\nNext,Short\n")
    long, following = read_csv(path)
    assert len(long.first("summary")) == 200_000 and following.first("title") == "Next"


def test_csv_whose_header_names_no_field_is_not_read(tmp_path):
    (problem,) = read_csv(write(tmp_path, "x.csv", "title;year\nA Title;2019\n"))
    assert (problem.rule, problem.location.line) == (UNREADABLE_FILE, 0)
    assert problem.message.startswith("the header row names none of the fields")


def test_jsonl_lines_end_at_cr_and_lf_only(tmp_path):
    path = write(tmp_path, "x.jsonl", '{"title": "One\u2028Line"}\n{"title": "Page\x0cBreak"}\n')
    first, second = read_jsonl(path)
    assert first.first("title") == "One\u2028Line" and first.problems == []
    assert (second.location.line, second.first("title")) == (2, "Page Break")


def test_csv_title_of_several_lines_is_a_violation_of_its_row(tmp_path):
    path = write(tmp_path, "x.csv", 'title,summary\n"Pasted\nTitle","Two\nlines"\nNext,One\n')
    pasted, following = read_csv(path)
    (problem,) = pasted.problems
    assert (problem.location.line, problem.field, problem.rule) == (2, "title", "csv")
    assert following.location.line == 5 and following.problems == []


def test_csv_lines_end_at_cr_and_lf_only(tmp_path):
    path = write(tmp_path, "x.csv", 'title,summary\r\nPage\x0cBreak,"One\r\nTwo"\r\nNext,\u2028\r\n')
    first, second = read_csv(path)
    assert (first.first("title"), first.first("summary")) == ("Page Break", "One\r\nTwo")
    assert second.location.line == 4
