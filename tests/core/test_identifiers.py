import pytest

from landcycle.core import identifiers


def test_uscc_check_digit():
    assert identifiers.normalise_uscc(" 91110000600037341l ") == "91110000600037341L"
    with pytest.raises(identifiers.InvalidIdentifier, match="USCC"):
        identifiers.normalise_uscc("91110000600037341A")


def test_generated_uscc_is_valid():
    code = identifiers.uscc_with_check_digit("91330206MA2A0B3C4")
    assert identifiers.normalise_uscc(code) == code


def test_resident_id():
    assert identifiers.normalise_resident_id("11010519491231002x") == "11010519491231002X"
    with pytest.raises(identifiers.InvalidIdentifier) as info:
        identifiers.normalise_resident_id("110105194912310021")
    assert "1949" not in str(info.value)  # the error itself never shows the whole number


def test_mask():
    assert identifiers.mask_id_number("11010519491231002X") == "110105********002X"
    assert identifiers.mask_id_number("") == ""


def test_generated_resident_id_is_valid():
    number = identifiers.resident_id_with_check_digit("33020619800101001")
    assert identifiers.normalise_resident_id(number) == number


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("33020619800101001", "17"),
        ("99020619800101001X", "region"),
        ("33020619801301001X", "birth"),
    ],
)
def test_resident_id_reasons(number, reason):
    with pytest.raises(identifiers.InvalidIdentifier, match=reason):
        identifiers.normalise_resident_id(number)
