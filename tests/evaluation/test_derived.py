import polars as pl
import pytest

from landcycle.evaluation import derived


def test_per_mu_is_put_back_after_its_per_hectare_figure():
    stored = {"area_m2": 20_000.0, "tax_10k_cny_per_ha": 1500.0, "output_10k_cny": 9.0}
    read = derived.with_per_mu(stored)
    assert list(read) == ["area_m2", "tax_10k_cny_per_ha", "tax_10k_cny_per_mu", "output_10k_cny"]
    assert read["tax_10k_cny_per_mu"] == 100.0  # 1 亩 = 1/15 公顷
    assert derived.with_per_mu({"tax_10k_cny_per_ha": None})["tax_10k_cny_per_mu"] is None


def test_a_stored_per_mu_figure_and_other_keys_are_left_alone():
    stored = {"tax_10k_cny_per_ha": 1500.0, "tax_10k_cny_per_mu": 99.0, "holder_tax_per_ha": 1.0}
    assert derived.with_per_mu(stored) == stored
    assert derived.with_per_mu({}) == {} and derived.with_per_mu(None) is None


def test_only_per_mu_columns_with_their_per_hectare_column_are_derivable():
    columns = ["output_10k_cny_per_ha", "output_10k_cny_per_mu", "tax_10k_cny_per_mu"]
    assert derived.derivable(columns) == {"output_10k_cny_per_mu"}


def test_frame_gets_the_same_figures_as_a_dict_rounded_to_six_digits():
    frame = pl.DataFrame({"output_10k_cny_per_ha": [12_423.1, None], "x": [1, 2]})
    out = derived.frame_with_per_mu(frame)
    assert out.columns == ["output_10k_cny_per_ha", "output_10k_cny_per_mu", "x"]
    assert out["output_10k_cny_per_mu"].to_list() == [pytest.approx(828.207), None]
    one = derived.with_per_mu({"output_10k_cny_per_ha": 12_423.1})["output_10k_cny_per_mu"]
    assert out["output_10k_cny_per_mu"][0] == pytest.approx(one, rel=1e-12)
    assert one == 828.207
