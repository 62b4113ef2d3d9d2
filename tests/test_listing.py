"""The library listing reader, on the real listing and on broken ones."""

from pathlib import Path

from ctlib.records import read_sources
from ctlib.records.listing import read_listing
from ctlib.records.model import Problem, Record

from .conftest import DATA, ROOT


def records_of(path: Path, headings=("Referral Mechanisms",)) -> list:
    return list(read_listing(path, lambda text: text in headings))


def write(tmp_path: Path, text: str | bytes, name: str = "listing.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_real_listing_has_ten_records_with_their_fields():
    items = records_of(ROOT / "data" / "library-listing.txt")
    assert all(isinstance(item, Record) for item in items)
    assert len(items) == 10
    first, desk_review = items[0], items[-1]
    assert first.first("title") == ("After the National Referral Mechanism - "
                                    "What Next for Survivors of Trafficking?")
    assert first.location.line == 5
    assert first.all("year") == ["2018"] and first.all("category") == []
    assert desk_review.all("region") == ["East Africa", "Horn Of Africa"]
    assert desk_review.all("authors") == ["Rakeb Messele",
                                          "Mebratu Gebeyehu Consultants For AU/IGAD/IOM"]
    assert desk_review.line_of("authors", 1) == 124


def test_page_chrome_and_heading_are_not_records():
    items = records_of(ROOT / "data" / "library-listing.txt")
    titles = [item.first("title") for item in items]
    assert "Skip to main content" not in titles and "Referral Mechanisms" not in titles


def test_a_heading_that_is_not_a_known_category_reads_as_a_title(tmp_path):
    path = write(tmp_path, "Some Heading\n\nThe Title\n\nSummary.\nYear\n2019\n")
    (item,) = records_of(path)
    assert item.first("title") == "Some Heading"
    assert item.first("summary") == "The Title\n\nSummary."


def test_several_summary_paragraphs(tmp_path):
    path = write(tmp_path, "Title\n\nFirst paragraph.\n\nSecond paragraph.\nYear\n2019\n")
    (item,) = records_of(path)
    assert item.first("title") == "Title"
    assert item.first("summary") == "First paragraph.\n\nSecond paragraph."


def test_label_with_no_value_means_no_value(tmp_path):
    path = write(tmp_path, "Title\n\nSummary.\nCountry\nRegion\nWorldwide\nCategory\n\n")
    (item,) = records_of(path)
    assert item.all("country") == [] and item.all("category") == []
    assert item.all("region") == ["Worldwide"]


def test_missing_title_leaves_the_summary_without_title(tmp_path):
    path = write(tmp_path, "Good\n\nSummary.\nYear\n2019\n\nA summary with no title.\nYear\n2018\n")
    good, untitled = records_of(path)
    assert good.first("title") == "Good"
    assert untitled.first("title") is None
    assert untitled.first("summary") == "A summary with no title."
    assert untitled.location.line == 7


def test_label_typo_is_reported_on_its_line(tmp_path):
    path = write(tmp_path, "Title\n\nSummary.\nCountry\nUkraine\nRegoin\nEastern Europe\n")
    (item,) = records_of(path)
    (problem,) = item.problems
    assert (problem.location.line, problem.rule, problem.field) == (6, "label-typo", "region")
    assert problem.message == "'Regoin' is not a field label; did you mean 'Region'?"
    assert item.all("region") == ["Eastern Europe"]


def test_bytes_that_are_not_utf8_are_a_problem_of_their_record(tmp_path):
    path = write(tmp_path, b"Good\n\nSummary.\nYear\n2019\n\nBad\n\nCaf\xe9.\nYear\n2018\n")
    good, bad = records_of(path)
    assert good.problems == []
    (problem,) = bad.problems
    assert (problem.location.line, problem.rule, problem.field) == (9, "encoding", "summary")
    assert problem.message == "byte 0xe9 at column 4 is not UTF-8; save the file as UTF-8"


def test_empty_file_is_one_problem_about_the_whole_file(tmp_path):
    (problem,) = records_of(write(tmp_path, ""))
    assert isinstance(problem, Problem)
    assert str(problem).startswith(
        f"{tmp_path / 'listing.txt'}:0  -  -  -  violation[unreadable-file] the file is empty")


def test_text_after_the_last_record_is_reported(tmp_path):
    path = write(tmp_path, "Title\n\nSummary.\nYear\n2019\n\nStray line\n")
    record, problem = records_of(path)
    assert problem.rule == "no-fields" and problem.location.line == 7


def test_byte_order_mark_and_crlf_line_ends(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbfTitle\r\n\r\nSummary.\r\nYear\r\n2019\r\n")
    (item,) = records_of(path)
    assert item.first("title") == "Title" and item.all("year") == ["2019"]


def test_only_cr_and_lf_end_lines(tmp_path):
    """Form feeds and Unicode line separators inside a summary stay in it: line numbers
    are those of any text editor, whichever way the text is split."""
    path = write(tmp_path, "Title\rOne\u2028line\x0cstill\n\nSummary\x85too.\nYear\n2019\n")
    (item,) = records_of(path)
    assert item.first("title") == "Title"
    assert item.first("summary") == "One\u2028line\x0cstill\n\nSummary\x85too."
    assert item.line_of("year", 0) == 6


def test_read_sources_reports_missing_and_unknown_files(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    items = list(read_sources([tmp_path / "nowhere.txt", tmp_path / "notes.pdf"]))
    assert [p.rule for p in items] == ["no-such-file", "unknown-format"]


def test_malformed_fixture_keeps_its_good_records():
    items = records_of(DATA / "malformed-listing.txt")
    titles = [i.first("title") for i in items if isinstance(i, Record)]
    assert titles[0] == "A Good Record That Must Still Load"
    assert titles[-1] == "Another Good Record"
    assert len(titles) == 7
