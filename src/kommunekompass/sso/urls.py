from django.urls import path

from kommunekompass.sso import views

app_name = "sso"

urlpatterns = [
    path("<str:name>/", views.start, name="start"),
    path("<str:name>/callback/", views.callback, name="callback"),
]
