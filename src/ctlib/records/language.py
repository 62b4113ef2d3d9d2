"""The language a record is written in: the one its source gives, else the one detected
from its title and the start of its summary among the catalogue's languages
(CTLIB_LANGUAGES), else the catalogue's default (CTLIB_LANGUAGE). See docs/sources.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from ..config import LANGUAGE_CODE
from .model import Record

CONFIDENCE = 0.9
"""Least share of the detector's confidence the most likely language must have. Below
it the text is too short or too mixed to tell (a title of one word, "Migration", is
0.6 French): the default is the honest answer."""

SUMMARY_SAMPLE = 100
"""Characters of the summary read with the title. Detection time grows with the text
(0.04 ms for the listing's titles alone, 0.07 with 100 characters of summary, 0.17 with
300) and every title of the listing was already 0.998 certain with 100."""


class Source(Enum):
    GIVEN = "given"
    DETECTED = "detected"
    DEFAULT = "default"


@dataclass(frozen=True)
class RecordLanguage:
    code: str
    """ISO 639-1, lower case."""
    source: Source

    @property
    def note(self) -> str | None:
        """What the record says about how its language was chosen (none when given)."""
        if self.source is Source.DETECTED:
            return f"Language detected from the title and summary: {language_name(self.code)}"
        if self.source is Source.DEFAULT:
            return ("Language not stated and not detected with confidence: the catalogue's "
                    f"default, {language_name(self.code)}")
        return None


def record_language(record: Record, languages: tuple[str, ...], default: str) -> RecordLanguage:
    """A ``language`` value that is not a code is a problem of its field (found by the
    mapping); the record is then in the default language, like one without a field."""
    given = record.first("language")
    if given:
        if LANGUAGE_CODE.fullmatch(given):
            return RecordLanguage(given.lower(), Source.GIVEN)
        return RecordLanguage(default, Source.DEFAULT)
    text = " ".join(filter(None, (record.first("title"),
                                  (record.first("summary") or "")[:SUMMARY_SAMPLE])))
    detected = _detect(text, languages)
    if detected is None:
        return RecordLanguage(default, Source.DEFAULT)
    return RecordLanguage(detected, Source.DETECTED)


def _detect(text: str, languages: tuple[str, ...]) -> str | None:
    confidences = _detector(languages).compute_language_confidence_values(text)
    if not confidences or confidences[0].value < CONFIDENCE:
        return None
    return confidences[0].language.iso_code_639_1.name.lower()


@lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...]) -> LanguageDetector:
    """One detector per process: its language models load on first use and stay.
    Low accuracy mode (trigrams only) took 0.12 ms a record instead of 0.30 and was as
    sure of the listing's records, whose titles with their summary are long enough."""
    codes = [IsoCode639_1.from_str(code) for code in languages]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


@lru_cache(maxsize=None)
def language_name(code: str) -> str:
    """The English name of a language (``es``: Spanish), or the code if lingua has none."""
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code)).name.title()
    except ValueError:
        return code
