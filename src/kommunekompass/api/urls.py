from django.urls import path

from kommunekompass.api import views
from kommunekompass.api.api import api

urlpatterns = [
    path("api/", api.urls),
    path("accounts/api-tokens/", views.tokens, name="api_tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", views.revoke, name="api_token_revoke"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/<str:name>.<str:extension>", views.open_data_file, name="open_data_file"),
]
