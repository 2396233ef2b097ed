from django.urls import path

from kommunekompass.sso import logout, views

app_name = "sso"

urlpatterns = [
    path("<str:name>/", views.start, name="start"),
    path("<str:name>/callback/", views.callback, name="callback"),
    path("<str:name>/signed-out/", logout.signed_out, name="signed_out"),
]
