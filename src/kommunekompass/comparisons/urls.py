from django.urls import path

from kommunekompass.comparisons import group_views, views

app_name = "comparisons"

urlpatterns = [
    path("", views.comparison_page, name="comparison"),
    path("municipalities/<int:municipality_id>/", views.history_page, name="history"),
    path("evaluations/<int:pk>/group/", views.report_group, name="report_group"),
    path("groups/", group_views.group_list, name="groups"),
    path("groups/new/", group_views.group_create, name="group_create"),
    path("groups/<int:pk>/", group_views.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", group_views.group_delete, name="group_delete"),
]
