import numpy as np
import pandas as pd

from projects import vocab
from projects.schema import FIELDS, empty_properties


def test_vocabularies_have_no_duplicates_and_keep_order():
    for options in (vocab.SECTORS, vocab.ALL_STATUSES, vocab.ALL_ZONES, vocab.PRECISIONS):
        assert len(set(options)) == len(options)
    assert vocab.SECTORS[0] == "交通" and vocab.STATUSES[-1] == "运营"


def test_every_status_has_a_colour():
    assert set(vocab.STATUS_COLOURS) == set(vocab.ALL_STATUSES)


def test_check_choice_names_the_options():
    assert vocab.check_choice("status", "在建", vocab.STATUSES) == "在建"
    try:
        vocab.check_choice("status", "完工", vocab.STATUSES)
    except ValueError as err:
        assert "完工" in str(err) and "在建" in str(err)
    else:
        raise AssertionError("unknown status accepted")


def test_empty_properties_do_not_share_lists():
    a, b = empty_properties(), empty_properties()
    a["aliases"].append("x")
    assert b["aliases"] == [] and set(a) == set(FIELDS)


def test_documents_match_the_seed_index(seeds):
    index = (seeds / "INDEX.md").read_text(encoding="utf-8")
    for doc in vocab.DOCUMENTS:
        assert doc.file in index
        assert (seeds / doc.file).exists()


def test_years_read_as_a_span_or_one_year():
    """「2025–2025」 read as two years; a table's empty cell (NaN, pd.NA) is no year."""
    assert vocab.year_span(2021, 2025) == "2021–2025"
    assert vocab.year_span(2025, 2025) == "2025"
    assert vocab.year_span(np.int64(2025), np.float64("nan")) == "2025"
    assert vocab.year_span(None, 2024) == "2024"
    assert vocab.year_span(pd.NA, None) == ""
