"""Identifier checks (GB 32100 USCC, GB 11643 resident ID) and masking of personal data."""

from __future__ import annotations

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError


class InvalidIdentifier(ValueError):
    pass


def normalise_uscc(value: str) -> str:
    """A valid 18-character USCC in upper case, or InvalidIdentifier with the reason."""
    text = str(value).strip().upper()
    try:
        return uscc.validate(text)
    except ValidationError as exc:
        raise InvalidIdentifier(f"统一社会信用代码无效 invalid USCC {text!r}: {exc}") from None


def normalise_resident_id(value: str) -> str:
    """A valid 18-digit resident ID (GB 11643), or InvalidIdentifier with the reason."""
    text = str(value).strip().upper()
    try:
        return ric.validate(text)
    except ValidationError as exc:
        raise InvalidIdentifier(
            f"身份证号码无效 invalid resident ID {mask_id_number(text)}: {exc}"
        ) from None


def uscc_with_check_digit(first17: str) -> str:
    """Append the GB 32100 check character to 17 characters (used by the demo generator)."""
    return first17 + uscc.calc_check_digit(first17)


def resident_id_with_check_digit(first17: str) -> str:
    # stdnum's ric.calc_check_digit expects a placeholder check digit on the end.
    return first17 + ric.calc_check_digit(first17 + "0")


def mask_id_number(value: str | None) -> str:
    """Keep the first 6 (region) and last 4 characters: 110105********002X."""
    if not value:
        return ""
    text = str(value)
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]
