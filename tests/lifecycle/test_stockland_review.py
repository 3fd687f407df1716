"""Stock land reads a REVIEW parcel by the class its review decision (复核结论) gives it."""

from landcycle.evaluation import review
from landcycle.lifecycle.services.stockland import latest_final_classes
from tests.evaluation.pages.review_world import add_review_parcels, decided
from tests.web.conftest import world  # noqa: F401 - fixture


def test_stock_land_takes_the_decided_class(world, media):  # noqa: F811
    added = add_review_parcels(world)
    decision = decided(world, added.result_final_a, "D")
    run, classes = latest_final_classes()
    assert run == world.run_final and classes[added.parcel_ra.pk] == "REVIEW"  # not yet in force
    review.confirm(decision, world.users["administrator"])
    classes = latest_final_classes()[1]
    assert classes[added.parcel_ra.pk] == "D" and classes[added.parcel_rb.pk] == "REVIEW"
    assert classes[world.parcel_a.pk] == "A"
