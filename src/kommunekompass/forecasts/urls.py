from django.urls import path

from kommunekompass.forecasts import views

app_name = "forecasts"

urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("<str:key>/", views.forecast, name="forecast"),
    path("<str:key>/attach/", views.attach, name="attach"),
    path("<str:key>/detach/<int:evaluation_id>/", views.detach, name="detach"),
]
