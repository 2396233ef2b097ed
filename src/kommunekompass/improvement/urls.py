from django.urls import path

from kommunekompass.improvement.views import indicators, programme, projects

app_name = "improvement"

urlpatterns = [
    path("", programme.programme_list, name="list"),
    path("<int:municipality_id>/", programme.dashboard, name="dashboard"),
    path("<int:municipality_id>/groups/", programme.groups, name="groups"),
    path("<int:municipality_id>/groups/<int:member_id>/", programme.member_edit, name="member"),
    path(
        "<int:municipality_id>/groups/<int:member_id>/delete/",
        programme.member_delete,
        name="member_delete",
    ),
    path("<int:municipality_id>/history/", programme.history, name="history"),
    path("<int:municipality_id>/status.xlsx", programme.status_xlsx, name="status_xlsx"),
    path("<int:municipality_id>/projects/new/", projects.project_create, name="project_create"),
    path("projects/<int:pk>/", projects.project_detail, name="project"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<int:pk>/delete/", projects.project_delete, name="project_delete"),
    path("projects/<int:pk>/plan.pdf", projects.plan_pdf, name="plan_pdf"),
    path("projects/<int:pk>/public/", projects.project_public, name="project_public"),
    path("projects/<int:pk>/<str:kind>/", projects.row_add, name="row_add"),
    path("projects/<int:pk>/<str:kind>/<int:row_id>/", projects.row_edit, name="row"),
    path(
        "projects/<int:pk>/<str:kind>/<int:row_id>/delete/",
        projects.row_delete,
        name="row_delete",
    ),
    path(
        "projects/<int:project_id>/indicators/new/",
        indicators.indicator_create,
        name="indicator_create",
    ),
    path("indicators/<int:pk>/", indicators.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/edit/", indicators.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", indicators.indicator_delete, name="indicator_delete"),
    path("indicators/<int:pk>/import/", indicators.measurements_import, name="import"),
    path(
        "indicators/<int:pk>/measurements/<int:measurement_id>/delete/",
        indicators.measurement_delete,
        name="measurement_delete",
    ),
]
