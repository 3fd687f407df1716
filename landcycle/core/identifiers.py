"""Identifier checks (GB 32100 USCC, GB 11643 resident ID) and masking of personal data."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError


class InvalidIdentifier(ValueError):
    """A credit code (USCC, GB 32100) or resident ID number (GB 11643) that is not valid; the
    message says why, Chinese first, with personal numbers masked.
    """


def normalise_uscc(value: str, exceptions: frozenset[str] = frozenset()) -> str:
    """A valid 18-character USCC in upper case, or InvalidIdentifier with the reason.

    ``exceptions``: codes an administrator verified as issued although they fail the check
    (``landcycle.core.uscc_exceptions``); exactly these are accepted as written.
    """
    text = str(value).strip().upper()
    if text in exceptions:
        return text
    try:
        return uscc.validate(text)
    except ValidationError as exc:
        reason = _USCC_REASONS.get(type(exc).__name__, "格式无效 invalid")
        raise InvalidIdentifier(f"统一社会信用代码无效：{reason} invalid USCC") from None


# python-stdnum's exceptions, said in Chinese (its messages are English).
_USCC_REASONS = {
    "InvalidLength": "须为18位 must be 18 characters",
    "InvalidFormat": "含不允许的字符（只用数字和除I、O、S、V、Z外的大写字母） invalid characters",
    "InvalidChecksum": "校验码不符（GB 32100） check character does not match",
    "InvalidComponent": "登记管理部门或机构类别代码无效 invalid registration department or kind",
}


# Province-level prefixes of GB/T 2260 (the first two digits of a resident ID).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")


def normalise_resident_id(value: str) -> str:
    """A valid 18-character resident ID (GB 11643), or InvalidIdentifier with the reason.

    Checks the format, the province prefix, the birth date and the ISO 7064 MOD 11-2 check
    character. stdnum's full validation also demands the county code be in its own table, which
    lacks current codes such as 330206 (北仑区), so only its check-digit routine is used.
    """
    text = str(value).strip().upper()
    masked = mask_id_number(text)

    def invalid(reason: str) -> InvalidIdentifier:
        return InvalidIdentifier(f"身份证号码无效 invalid resident ID {masked}: {reason}")

    if not _RESIDENT_ID.match(text):
        raise invalid("须为17位数字加1位校验码 must be 17 digits and a check digit")
    if text[:2] not in PROVINCES:
        raise invalid("地区码无效 unknown region code")
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise invalid("出生日期无效 invalid birth date") from None
    if not dt.date(1900, 1, 1) <= birth <= dt.date.today():
        raise invalid("出生日期无效 invalid birth date")
    if ric.calc_check_digit(text) != text[-1]:
        raise invalid("校验码错误 wrong check digit")
    return text


def uscc_with_check_digit(first17: str) -> str:
    """Append the GB 32100 check character to 17 characters (used by the demo generator)."""
    return first17 + uscc.calc_check_digit(first17)


def resident_id_with_check_digit(first17: str) -> str:
    # stdnum's ric.calc_check_digit expects a placeholder check digit on the end.
    """Append the GB 11643 (ISO 7064 MOD 11-2) check character to 17 digits (the demo's made-up IDs)."""
    return first17 + ric.calc_check_digit(first17 + "0")


def mask_id_number(value: str | None) -> str:
    """Keep the first 6 (region) and last 4 characters: 110105********002X."""
    if not value:
        return ""
    text = str(value)
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


# Vectorised check characters, for whole columns (imports) and generated data (demo): the same
# rules as the per-value functions above, which the tests compare them with.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array((1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28))
_RESIDENT_ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)])


def uscc_check_indices(first17: np.ndarray) -> np.ndarray:
    """GB 32100: (n, 17) positions in ``USCC_ALPHABET`` → the check character's position."""
    return (31 - (first17 @ _USCC_WEIGHTS) % 31) % 31


def resident_id_check_values(first17: np.ndarray) -> np.ndarray:
    """GB 11643 (ISO 7064 MOD 11-2): (n, 17) digits → the check value, 10 meaning X."""
    return (12 - (first17 @ _RESIDENT_ID_WEIGHTS) % 11) % 11
