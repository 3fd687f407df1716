import numpy as np

from landcycle.core.identifiers import (
    normalise_resident_id,
    normalise_uscc,
    resident_id_with_check_digit,
    uscc_with_check_digit,
)
from landcycle.demo import codes


def test_usccs_match_the_core_check_digit_and_are_distinct():
    values = codes.usccs("330206", 5000, np.random.default_rng(1))
    assert values.n_unique() == 5000
    for value in values.to_list():
        assert value.startswith("91330206")
        assert uscc_with_check_digit(value[:17]) == value
        assert normalise_uscc(value) == value


def test_resident_ids_match_the_core_check_digit_and_are_distinct():
    values = codes.resident_ids(["330206", "342401"], 5000, np.random.default_rng(2))
    assert values.n_unique() == 5000
    for value in values.to_list():
        assert resident_id_with_check_digit(value[:17]) == value
        assert normalise_resident_id(value) == value
    assert {v[:6] for v in values.to_list()} == {"330206", "342401"}


def test_scatter_is_a_bijection_onto_distinct_values():
    values = codes.scatter(10_000, 10_007, np.random.default_rng(3))
    assert len(np.unique(values)) == 10_000
    assert values.min() >= 0 and values.max() < 10_007
