"""Dates in words, as the pages for people write them."""

from datetime import date

import pytest

from ctlib.web.core.dates import in_words


@pytest.mark.parametrize("when, words", [
    ("2026-12-07T19:59:57Z", "7 December 2026"),
    ("2026-01-31T23:59:59+00:00", "31 January 2026"),
    ("2009-05-01", "1 May 2009"),
    (date(2020, 2, 29), "29 February 2020"),
])
def test_a_date_or_timestamp_in_words(when, words):
    assert in_words(when) == words


@pytest.mark.parametrize("language, words", [
    ("en", "7 December 2026"), ("fr", "7 décembre 2026"), ("es", "7 de diciembre de 2026")])
def test_a_date_in_words_of_a_language(language, words):
    assert in_words("2026-12-07T19:59:57Z", language) == words
