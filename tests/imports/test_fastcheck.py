import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from landcycle.core.identifiers import (
    InvalidIdentifier,
    normalise_resident_id,
    normalise_uscc,
    resident_id_with_check_digit,
    uscc_with_check_digit,
)
from landcycle.imports.fastcheck import resident_id_ok, uscc_ok

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXYZIOSV"


def _authority(check, value) -> bool:
    try:
        return check(value) == value
    except InvalidIdentifier:
        return False


@settings(max_examples=300)
@given(
    st.lists(st.text(alphabet=USCC_CHARS, min_size=16, max_size=19), max_size=30),
    st.lists(st.text(alphabet="0123456789", min_size=17, max_size=17), max_size=30),
)
def test_uscc_screen_passes_only_what_the_authority_accepts(texts, bodies):
    values = texts + [uscc_with_check_digit(b) for b in bodies]
    screened = uscc_ok(pl.Series(values, dtype=pl.Utf8)).to_list()
    for value, passed in zip(values, screened, strict=True):
        if passed:
            assert _authority(normalise_uscc, value), value
    # Valid ones made by the authority's own check digit all pass the screen.
    assert all(screened[len(texts) :])


@settings(max_examples=300)
@given(
    st.lists(st.text(alphabet="0123456789X", min_size=17, max_size=19), max_size=30),
    st.lists(
        st.dates(
            min_value=__import__("datetime").date(1900, 1, 1),
            max_value=__import__("datetime").date(2020, 1, 1),
        ),
        max_size=30,
    ),
    st.sampled_from(["110105", "330206", "990000", "440300"]),
)
def test_resident_id_screen_matches_the_authority(texts, births, region):
    made = [resident_id_with_check_digit(f"{region}{b:%Y%m%d}123") for b in births]
    values = texts + made
    screened = resident_id_ok(pl.Series(values, dtype=pl.Utf8)).to_list()
    for value, passed in zip(values, screened, strict=True):
        assert passed == _authority(normalise_resident_id, value), value


def test_nulls_do_not_pass():
    assert uscc_ok(pl.Series([None, "x"], dtype=pl.Utf8)).to_list() == [False, False]
    assert resident_id_ok(pl.Series([None], dtype=pl.Utf8)).to_list() == [False]
