from django.urls import path

from kommunekompass.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.framework_list, name="list"),
    path("<slug:key>/<str:version>/", views.framework_detail, name="detail"),
    path("<slug:key>/<str:version>/areas/<str:code>/", views.area_detail, name="area"),
]
