from django.urls import path

from . import imports_views, runs_views, views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("parcels/", views.parcel_list, name="parcel_list"),
    path("parcels/export.<str:fmt>", views.parcel_export, name="parcel_export"),
    path("parcels/<int:pk>/", views.parcel_detail, name="parcel_detail"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/export.<str:fmt>", views.enterprise_export, name="enterprise_export"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("map/", views.map_view, name="map"),
    path("map/parcels.geojson", views.map_parcels, name="map_parcels"),
    path("map/streets.geojson", views.map_streets, name="map_streets"),
    path("imports/", imports_views.import_page, name="import"),
    path("imports/jobs/<str:job_id>/", imports_views.import_job, name="import_job"),
    path("imports/jobs/<str:job_id>/commit/", imports_views.import_commit, name="import_commit"),
    path("imports/jobs/<str:job_id>/retry/", imports_views.import_retry, name="import_retry"),
    path("runs/", runs_views.run_list, name="run_list"),
    path("runs/adopt/", runs_views.run_adopt, name="run_adopt"),
    path("runs/<int:pk>/", runs_views.run_detail, name="run_detail"),
    path("runs/<int:pk>/export.<str:fmt>", runs_views.run_export, name="run_export"),
    path("runs/<int:pk>/compare/<int:other>/", runs_views.run_compare, name="run_compare"),
    path("runs/<int:pk>/<str:step>/", runs_views.run_transition, name="run_transition"),
]
