"""The parser's error of a query, in words with its line and column (sparql/syntax.py)."""

import pyoxigraph as ox
import pytest

from ctlib.sparql import syntax


def _error(query: str) -> SyntaxError:
    with pytest.raises(SyntaxError) as raised:
        ox.Store().query(query)
    return raised.value


def test_a_misspelt_keyword_is_placed_at_its_line_and_column():
    message = syntax.explained(_error("SELECT ?s\nWHERE { ?s ?p ?o }\nLIMIT x"))
    assert message.startswith("line 3, column 7: expected ")
    assert syntax.position("the query is not valid SPARQL 1.1: " + message) == (3, 7)


def test_the_grammar_s_character_classes_are_left_out():
    message = syntax.explained(_error("SELECT * WHERE { ?s ?p ?o"))  # at its end
    assert message.startswith("line 1, column 26: expected ")
    assert '"}"' in message and "[" not in message and "\\u" not in message


def test_a_message_without_a_position_is_kept_as_it_is():
    assert syntax.explained(SyntaxError("something else")) == "something else"
    assert syntax.position("the query is too large") is None
