from django.urls import path

from kommunekompass.reports import views

app_name = "reports"

urlpatterns = [
    path("<int:pk>/", views.report_page, name="report"),
    path("<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("<int:pk>/xlsx/", views.report_xlsx, name="xlsx"),
]
