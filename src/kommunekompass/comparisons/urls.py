from django.urls import path

from kommunekompass.comparisons import views

app_name = "comparisons"

urlpatterns = [
    path("", views.comparison_page, name="comparison"),
    path("municipalities/<int:municipality_id>/", views.history_page, name="history"),
    path("evaluations/<int:pk>/group/", views.report_group, name="report_group"),
]
