from django.urls import path

from kommunekompass.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("runs/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("runs/<int:pk>/try-again/", views.try_again, name="try_again"),
    path("batches/", views.batches, name="batches"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
