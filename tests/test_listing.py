"""The library listing reader, on the real listing and on broken ones."""

import os
from pathlib import Path

from ctlib.records import read_sources
from ctlib.records.listing import read_listing
from ctlib.records.model import UNREADABLE_FILE, Problem, Record, SourceLocation

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
    assert first.all("year") == ["2018"]
    assert all(item.all("category") == ["Referral Mechanisms"] for item in items)
    assert first.line_of("category") == 3 and first.section == "Referral Mechanisms"
    assert desk_review.all("region") == ["East Africa", "Horn Of Africa"]
    assert desk_review.all("authors") == ["Rakeb Messele",
                                          "Mebratu Gebeyehu Consultants For AU/IGAD/IOM"]
    assert desk_review.line_of("authors", 1) == 124


def test_page_chrome_and_heading_are_not_records():
    items = records_of(ROOT / "data" / "library-listing.txt")
    titles = [item.first("title") for item in items]
    assert "Skip to main content" not in titles and "Referral Mechanisms" not in titles


def test_records_under_a_heading_inherit_its_category_unless_they_have_their_own(tmp_path):
    path = write(tmp_path, "Skip to main content\n\nReferral Mechanisms\n\n"
                           "First\n\nSummary one.\nCategory\n\n"
                           "Second\n\nSummary two.\nCategory\nVictim Support\n\n"
                           "Third\n\nSummary three.\nYear\n2019\n\n"
                           "Prevention\n\nFourth\n\nSummary four.\nYear\n2020\n")
    first, second, third, fourth = records_of(path, ("Referral Mechanisms", "Prevention"))
    assert first.all("category") == ["Referral Mechanisms"] and first.line_of("category") == 3
    assert first.section == "Referral Mechanisms" and third.section == "Referral Mechanisms"
    assert second.all("category") == ["Victim Support"] and second.section is None
    assert fourth.all("category") == ["Prevention"] and fourth.line_of("category") == 22


def test_records_before_any_heading_get_no_category(tmp_path):
    (item,) = records_of(write(tmp_path, "A Title\n\nSummary.\nYear\n2019\nCategory\n"))
    assert item.all("category") == [] and item.section is None


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
    (problem,) = records_of(write(tmp_path, " \n\n"))
    assert isinstance(problem, Problem) and problem.rule == UNREADABLE_FILE
    assert str(problem) == (f"{tmp_path / 'listing.txt'}  -  -  -  violation[unreadable-file] "
                            "the file is empty: it holds no records")


def test_text_after_the_last_record_is_reported(tmp_path):
    path = write(tmp_path, "Title\n\nSummary.\nYear\n2019\n\nStray line\n")
    record, problem = records_of(path)
    assert problem.rule == "no-fields" and problem.location.line == 7


def test_byte_order_mark_and_crlf_line_ends(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbfTitle\r\n\r\nSummary.\r\nYear\r\n2019\r\n")
    (item,) = records_of(path)
    assert item.first("title") == "Title" and item.all("year") == ["2019"]


def test_only_cr_and_lf_end_lines(tmp_path):
    """Form feeds, NEL and Unicode line separators inside a summary stay in it (the
    controls as spaces): line numbers are those of any text editor, whichever way the
    text is split."""
    path = write(tmp_path, "Title\rOne\u2028line\x0cstill\n\nSummary\x85too.\nYear\n2019\n")
    (item,) = records_of(path)
    assert item.first("title") == "Title"
    assert item.first("summary") == "One\u2028line still\n\nSummary too."
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


def test_control_characters_are_taken_out_of_values_with_a_warning(tmp_path):
    path = write(tmp_path, "Title\x00 With NUL\n\nSum\x1b[2Jmary\x0bwith a tab.\nYear\n2019\n")
    (item,) = records_of(path)
    assert item.first("title") == "Title With NUL"
    assert item.first("summary") == "Sum[2Jmary with a tab."
    assert [(p.location.line, p.field, p.rule, p.severity.value, p.message)
            for p in item.problems] == [
        (1, "title", "control-character", "warning",
         "U+0000 removed: XML and HTML cannot carry these characters"),
        (3, "summary", "control-character", "warning",
         "U+001B removed; U+000B replaced by a space: XML and HTML cannot carry these "
         "characters")]
    assert item.problems[1].value == "Sum\x1b[2Jmary\x0bwith a tab."


def test_a_value_of_control_characters_only_is_no_value(tmp_path):
    (item,) = records_of(write(tmp_path, "Title\n\nSummary.\nYear\n\x07\x07\n"))
    assert item.all("year") == [] and [p.rule for p in item.problems] == ["control-character"]


def test_a_problem_line_escapes_what_the_data_holds():
    problem = Problem(SourceLocation("in\x1bname.txt", 3), "id\u202e", "year",
                      "\x1b]0;pwned\x072019\ud800\n", "rule", "about \x9b31m")
    assert str(problem) == ('in\\x1bname.txt:3  id\\u202e  year  "\\x1b]0;pwned\\x072019'
                            '\\ud800\\n"  violation[rule] about \\x9b31m')


def test_a_text_in_another_encoding_throughout_is_not_read(tmp_path):
    path = write(tmp_path, "Title\n\nSummary.\nYear\n2019\n".encode("utf-16"))
    (problem,) = records_of(path)
    assert problem.rule == UNREADABLE_FILE and problem.location.line == 0
    assert problem.message.startswith("not text: 52% of its first characters are control "
                                      "characters or bytes that are not UTF-8")


def test_a_text_without_any_field_label_is_not_a_listing(tmp_path):
    (problem,) = records_of(write(tmp_path, "Some notes\n\nthat are not a listing\n"))
    assert (problem.rule, problem.location.line) == (UNREADABLE_FILE, 0)
    assert problem.message.startswith("no record: no line is a field label")


def test_read_sources_says_why_a_file_cannot_be_read(tmp_path):
    """Only regular files are opened: a socket (like a FIFO or a device) is a problem
    line, never read; a link that leads nowhere is not a missing file."""
    import socket
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "socket.txt"))
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "memory.txt").symlink_to("/proc/self/mem")  # a regular file that fails to read
    try:
        items = list(read_sources([tmp_path]))
    finally:
        server.close()
    assert [(p.location.file, p.rule, p.message) for p in items] == [
        (str(tmp_path / "dangling.txt"), UNREADABLE_FILE,
         f"a symbolic link to {tmp_path / 'gone.txt'}, which does not exist"),
        (str(tmp_path / "memory.txt"), UNREADABLE_FILE, "cannot be read: input/output error"),
        (str(tmp_path / "socket.txt"), UNREADABLE_FILE,
         "a socket, not a regular file: only regular files are read")]
    (explicit,) = read_sources([tmp_path / "dangling.txt"])
    assert explicit.rule == UNREADABLE_FILE


def test_a_file_name_that_is_not_utf8_is_not_read(tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")
    write(tmp_path, "Title\n\nSummary.\nYear\n2019\n", name)
    (problem,) = read_sources([tmp_path])
    assert problem.rule == UNREADABLE_FILE and problem.location.file == str(tmp_path / name)
    assert str(problem).startswith(f"{tmp_path}/caf\\udce9.txt  -  -  -  violation")


def test_a_binary_file_is_not_read_past_its_start(tmp_path):
    """A gigabyte of zeros (a sparse file: no disk) is refused on its first 64 KiB."""
    import resource
    path = tmp_path / "zeros.txt"
    path.write_bytes(b"")
    os.truncate(path, 2**30)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    (problem,) = records_of(path)
    assert problem.rule == UNREADABLE_FILE and problem.message.startswith("not text: 100%")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 2**19  # KiB: 512 MiB
