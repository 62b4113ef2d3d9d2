"""Likely typos in a record's own text, reported as warnings with a suggestion and never
corrected: the text is the library's, and only the library can fix its source.

Three kinds (docs/sources.md): a capital inside a lower-case word ("aAssisted"); a word
the dictionary of the record's language does not have but a word one letter away is
("moden": "modern"); a capitalised function word inside a name ("Department Of
Migration"). What is often right though unknown is left alone: acronyms, capitalised
words (names), words with digits, short words, web addresses, the vocabularies' words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator

from spellchecker import SpellChecker

from .language import language_name
from .model import Problem, Record, Severity

RULE = "likely-typo"
SHORTEST = 4
"""Shorter words are left alone: abbreviations, and a letter off makes another word."""
EXCERPT = 20
"""Characters shown either side of the word, so the line can be found in the source
(a problem line shows 60 of the value)."""

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
"""Letters, with apostrophes inside (don't); a hyphen separates two words."""
CHECKED_WORD = re.compile(r"(?<![\w@/.:])[^\W\d_]{%d,}(?:['’][^\W\d_]+)*(?![\w@:/])"
                          % SHORTEST)
"""A WORD long enough to check, but for those touching a digit ("COVID19"), "@" (mail
addresses) or what a web address has around its words (":", "/", "." before)."""
STRAY_CAPITAL = re.compile(r"^[^\W\d_A-Z]+[A-Z]")
"""A lower-case start, then a capital: "aAssisted", "moDern" ("McDonald" starts capital)."""

POSSESSIVE = re.compile(r"['’]s$")
BRITISH = tuple((re.compile(british), american) for british, american in (
    ("is", "iz"), ("ys", "yz"), ("our", "or"), ("tre(s?)$", r"ter\1"), ("ce(s?)$", r"se\1"),
    ("ll", "l")))
"""British spellings and the American ones of the dictionary: "prioritised", "colour",
"centre", "offences" and "travelling" are right."""

FUNCTION_WORDS = {
    "en": {"of", "and", "the", "for", "on", "in", "to", "at", "by", "with"},
    "fr": {"de", "des", "du", "la", "le", "les", "et", "pour", "en", "sur", "aux"},
    "es": {"de", "del", "la", "las", "los", "el", "y", "para", "en", "sobre"},
}
"""Written in lower case inside a name, by the name's own language."""


class TypoFinder:
    def __init__(self, vocabulary_labels: Iterable[str]):
        self.known = frozenset(word.lower() for label in vocabulary_labels
                               for word in WORD.findall(label))
        self.verdicts: dict[tuple[str, str], str | None] = {}
        """(language, word) -> the message about it, None when it looks right: words
        repeat, and a look-up is cheaper than the rules."""

    def problems(self, record: Record, record_id: str | None, language: str) -> list[Problem]:
        found = []
        for field, check in (("title", self._text_typos), ("summary", self._text_typos),
                             ("authors", _name_typos)):
            for index, value in enumerate(record.all(field)):
                reported = set()
                for word, start, message in check(value, language):
                    if word not in reported:
                        reported.add(word)
                        found.append(Problem(record.where(field, index), record_id, field,
                                             _excerpt(value, start, len(word)), RULE,
                                             message, Severity.WARNING))
        return found

    def _text_typos(self, text: str, language: str) -> Iterator[tuple[str, int, str]]:
        # Each distinct word once, found by the regular expression engine: a loop over
        # every word in Python took nearly twice as long (0.09 ms a record, not 0.05).
        for word in dict.fromkeys(CHECKED_WORD.findall(text)):
            key = (language, word)
            if key not in self.verdicts:
                self.verdicts[key] = self._verdict(word, language)
            if self.verdicts[key]:
                where = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
                yield word, where.start(), self.verdicts[key]

    def _verdict(self, word: str, language: str) -> str | None:
        if word.lower() in self.known:
            return None
        if STRAY_CAPITAL.match(word):
            guess = _suggestion(language, word.lower())
            return f'"{word}" has a capital inside a lower-case word' + \
                (f': "{guess}"?' if guess else "")
        guess = _suggestion(language, POSSESSIVE.sub("", word)) if word.islower() else None
        return guess and f'"{word}" is not in the {language_name(language)} dictionary: ' \
                         f'"{guess}"?'


def _name_typos(name: str, language: str) -> Iterator[tuple[str, int, str]]:
    lower = FUNCTION_WORDS.get(language, set())
    for position, word in enumerate(WORD.finditer(name)):
        if position and word.group()[:1].isupper() and word.group().lower() in lower:
            yield word.group(), word.start(), (f'"{word.group()}" inside a name is usually '
                                               f'written "{word.group().lower()}"')


def _suggestion(language: str, word: str) -> str | None:
    """The dictionary's word one letter away from an unknown ``word``; None when
    ``word`` is known, or nothing is close (a term of the trade, a name), or the
    language has no dictionary."""
    dictionary = _dictionary(language)
    if dictionary is None or word in dictionary or \
            (language == "en" and _is_british(word, dictionary)):
        return None
    guess = dictionary.correction(word)
    if not guess or guess == word or word in (guess + "s", guess + "es"):
        return None  # the dictionary lacks many plurals ("storylines")
    return guess


def _is_british(word: str, dictionary: SpellChecker) -> bool:
    """Whether the dictionary has the American spelling of ``word``."""
    return any(british.sub(american, word) in dictionary for british, american in BRITISH
               if british.search(word))


@lru_cache(maxsize=None)
def _dictionary(language: str) -> SpellChecker | None:
    """Loaded once per process and language. Distance 1 (a letter missing, added,
    changed, or two swapped), as the listing's typos are: a farther guess takes longer
    and is less often the word meant."""
    try:
        return SpellChecker(language=language, distance=1)
    except ValueError:
        return None


def _excerpt(value: str, start: int, length: int) -> str:
    before = max(0, start - EXCERPT)
    text = value[before:start + length + EXCERPT]
    return ("…" if before else "") + text + ("…" if start + length + EXCERPT < len(value) else "")
