"""The language a record is written in: the one its source gives, else the one detected
from its title and the start of its summary among the catalogue's languages
(CTLIB_LANGUAGES), else the catalogue's default (CTLIB_LANGUAGE). See docs/sources.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from ..config import LANGUAGE_CODE
from .model import Record

CONFIDENCE = 0.9
"""Least share of the detector's confidence the most likely language must have. Below
it the text is too short or too mixed to tell (a title of one word, "Migration", is
0.6 French): the default is the honest answer."""

SUMMARY_SAMPLE = 200
"""Characters of the summary read with the title: detection takes time in proportion
(0.09 ms a record with 120, 0.12 with 200, 0.15 with 300). Of 20,000 generated English
records, with 120, 14 were French with a confidence of 0.9 or more ("Exploitation in
Agriculture in Bolivia In the absence of official indicators"); with 200, none were,
and one was left to the default."""


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
def _detector(languages: tuple[str, ...]):
    """One detector per process: its language models load on first use and stay.
    Low accuracy mode only differs below 120 characters, which a record's sample
    rarely is, and there it is wrong more often. lingua is imported here, by ingest
    only: the web workers and their query processes, which name languages but never
    detect them, are spared its 95 MB of address space (queries run under a limit)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder
    codes = [IsoCode639_1.from_str(code) for code in languages]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


NO_LANGUAGE = {"en": "No language", "fr": "Sans langue", "es": "Sin idioma"}
"""What a value without a language is said to be in, by the language that says it."""


@lru_cache(maxsize=256)
def language_name(code: str | None, in_language: str = "en") -> str:
    """"French" for ``fr``, in English (the words of problem lines), or in
    ``in_language`` (a page's: "Français", "Francés"); the code itself for one Babel
    does not know, and "No language" for a value without one."""
    if not code:
        return NO_LANGUAGE.get(in_language, NO_LANGUAGE["en"])
    try:
        name = Locale.parse(code, sep="-").get_display_name(in_language) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]  # "Français" heads a list as "French" does
