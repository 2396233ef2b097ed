from django.urls import path

from kommunekompass.reports import views

app_name = "reports"

urlpatterns = [
    path("<int:pk>/", views.report_page, name="report"),
    path("<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("<int:pk>/xlsx/", views.report_xlsx, name="xlsx"),
    path("<int:pk>/docx/", views.report_docx, name="docx"),
    path("<int:pk>/today/", views.compare_today, name="today"),
    path("<int:pk>/v/<int:number>/", views.version_page, name="version"),
    path("<int:pk>/v/<int:number>/files/", views.version_files, name="version_files"),
    path("<int:pk>/v/<int:number>/pdf/", views.version_file, {"kind": "pdf"}, name="version_pdf"),
    path(
        "<int:pk>/v/<int:number>/xlsx/",
        views.version_file,
        {"kind": "xlsx"},
        name="version_xlsx",
    ),
    path(
        "<int:pk>/v/<int:number>/docx/",
        views.version_file,
        {"kind": "docx"},
        name="version_docx",
    ),
]
