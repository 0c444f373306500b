"""Whatever the user types is a search, never an error: property tests of the query parser.

The strategies mix any unicode with the characters and words FTS5 gives a meaning
to (quotes, stars, parentheses, NEAR, AND/OR/NOT, column filters, carets), since
those are the ones that would break a query built carelessly.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from favorbook.services import contacts, search

PARSE_EXAMPLES = 1000
SEARCH_EXAMPLES = 400
PUNCTUATION_EXAMPLES = 300

SPECIAL = st.sampled_from(
    [
        '"',
        '""',
        "*",
        "(",
        ")",
        ":",
        "^",
        "+",
        "-",
        "NEAR",
        "NEAR(",
        "NEAR/2",
        "AND",
        "OR",
        "NOT",
        "{",
        "}",
        ",",
        "'",
        "\\",
        "\x00",
        "\u200f",
        "\ufeff",
        " ",
        "\t",
        "\n",
        *(f"{name}:" for name in search.FIELD_COLUMNS),
        *(f"{name}:" for name in search.SQL_FILTERS),
        "is:archived",
        "kind:customer",
        "status:in-review",
        "0",
        "415",
        "+1",
    ]
)
WORDS = st.text(min_size=0, max_size=12)
QUERIES = st.lists(st.one_of(SPECIAL, WORDS), max_size=12).map("".join) | st.text(max_size=200)
SURROGATE_FREE = QUERIES.filter(lambda s: not any("\ud800" <= c <= "\udfff" for c in s))


@settings(max_examples=PARSE_EXAMPLES, deadline=None, database=None)
@given(QUERIES)
def test_parse_never_raises_and_quotes_every_term(text):
    parsed = search.parse(text)
    expr = parsed.fts()
    if expr is None:
        assert not parsed.terms
        return
    for term in parsed.terms:
        assert term.tokens and all(t and '"' not in t for t in term.tokens)
        if term.column is not None:
            assert term.column in set(search.FIELD_COLUMNS.values())


@pytest.fixture
def network(db):
    for first, last, org, tags in [
        ("José", "Núñez", "Acme (West)", ["golf", "near"]),
        ("Ann", 'O"Brien', "NEAR Corp", ["and", "or"]),
        ("Владимир", "Ким", "ООО Север", ["💼"]),
        ("Li", "Wei", "*Star* Ltd", ["not"]),
    ]:
        contacts.create_contact(
            contacts.ContactInput(first_name=first, last_name=last, organization=org, tags=tags)
        )
    return db


@settings(
    max_examples=SEARCH_EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis folder in the work tree; failures print their example
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=SURROGATE_FREE)
def test_search_never_raises(network, text):
    ids = search.search_ids(text)
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(contacts.list_ids(include_archived=True))
    search.search(text, limit=5)


PUNCTUATION = st.sampled_from(list("\"*():^+-{},'\\ \t\n\u200f\ufeff\x00.;!?<>|&=#@$%~`[]/"))


@settings(
    max_examples=PUNCTUATION_EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis folder in the work tree; failures print their example
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(before=st.lists(PUNCTUATION, max_size=4), after=st.lists(PUNCTUATION, max_size=4))
def test_fts_syntax_around_a_name_is_only_text(network, before, after):
    """Punctuation typed around a name never hides the contact, nor finds anyone else."""
    ids = search.search_ids(f"{''.join(before)}josé{''.join(after)}")
    assert [contacts.name_of(i) for i in ids] == ["José Núñez"]
