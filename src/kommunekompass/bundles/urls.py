from django.urls import path

from kommunekompass.bundles import views

app_name = "bundles"

urlpatterns = [
    path("evaluations/<int:pk>/export/", views.export_bundle, name="export"),
    path("import/", views.import_page, name="import"),
    path("import/<int:pk>/", views.import_run, name="run"),
]
