"""Yes/no answers in the forms people use."""

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landcycle.imports.values import BOOLEAN_FORMS, parse_bool_text, parse_booleans

TRUE = [t for trues, _ in BOOLEAN_FORMS for t in trues]
FALSE = [f for _, falses in BOOLEAN_FORMS for f in falses]


def _spelled(draw, word):
    cased = "".join(c.upper() if draw(st.booleans()) else c for c in word)
    if draw(st.booleans()):
        cased = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in cased)
    return draw(st.sampled_from(["", " ", "\u3000"])) + cased + draw(st.sampled_from(["", " "]))


@given(st.data())
def test_every_form_in_any_case_width_and_spacing(data):
    words = TRUE + FALSE
    texts = [_spelled(data.draw, w) for w in words]
    parsed = parse_booleans(pl.Series("b", texts))
    assert parsed.error.null_count() == len(texts), list(zip(texts, parsed.error, strict=True))
    assert parsed.value.to_list() == [True] * len(TRUE) + [False] * len(FALSE)


@pytest.mark.parametrize("text", ["是", "√", "✓", "有", "对", "Y", "yes", "TRUE", "1"])
def test_yes(text):
    assert parse_bool_text(text) is True


@pytest.mark.parametrize("text", ["否", "×", "✗", "无", "错", "n", "No", "false", "0"])
def test_no(text):
    assert parse_bool_text(text) is False


@pytest.mark.parametrize("text", ["maybe", "x", "2", "是的吧", "-", "待定"])
def test_anything_else_lists_the_forms(text):
    with pytest.raises(ValueError) as error:
        parse_bool_text(text)
    message = str(error.value)
    assert message.startswith("须为是/否")
    for form in ("是/否", "√/×", "✓/✗", "有/无", "Y/N", "yes/no", "true/false", "1/0", "对/错"):
        assert form in message


def test_blank_is_blank():
    parsed = parse_booleans(pl.Series("b", [None, "是", None]))
    assert parsed.value.to_list() == [None, True, None]
    assert parse_bool_text("") is None
