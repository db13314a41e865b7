"""The narrative's rounding: the seed's manner ("over 400"), never above the exact figure."""
import pytest

from crm.reports.narrative import round_down


@pytest.mark.parametrize(("exact", "rounded"), [(412, 400), (92, 90), (62, 60), (31, 30), (9, 9), (17, 17), (173, 170), (293, 290), (225, 200), (1250, 1200), (400, 400), (58, 50)])
def test_round_down_gives_the_round_figure_at_or_below_the_exact_one(exact, rounded):
    assert round_down(exact) == rounded
