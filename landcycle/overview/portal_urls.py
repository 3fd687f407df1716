"""The public portal's routes (namespace ``portal``, mounted at /portal/)."""

from django.urls import path

from . import portal_views

app_name = "portal"
urlpatterns = [
    path("", portal_views.index, name="index"),
    path("available.geojson", portal_views.available_geojson, name="available_geojson"),
    path("streets.geojson", portal_views.streets_geojson, name="streets_geojson"),
]
