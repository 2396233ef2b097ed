from django.urls import path

from kommunekompass.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("confirm/", views.confirm, name="confirm"),
    path("batches/", views.batches, name="batches"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
