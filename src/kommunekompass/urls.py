from django.contrib import admin
from django.urls import include, path

from kommunekompass.core import views as core_views
from kommunekompass.sso import logout as sso_logout
from kommunekompass.sso import views as sso_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("public/", core_views.front_page, name="front_page"),
    path("frameworks/", include("kommunekompass.frameworks.urls")),
    path("evaluations/", include("kommunekompass.evaluations.urls")),
    path("reports/", include("kommunekompass.reports.urls")),
    path("comparisons/", include("kommunekompass.comparisons.urls")),
    path("imports/", include("kommunekompass.imports.urls")),
    path("improvement/", include("kommunekompass.improvement.urls")),
    path("forecasts/", include("kommunekompass.forecasts.urls")),
    path("bundles/", include("kommunekompass.bundles.urls")),
    path("accounts/login/", sso_views.LoginView.as_view(), name="login"),
    path("accounts/sso/", include("kommunekompass.sso.urls")),
    path("surveys/", include("kommunekompass.surveys.urls")),
    path("accounts/logout/", sso_logout.LogoutView.as_view(), name="logout"),
    path("accounts/", include("kommunekompass.people.account_urls")),
    path("people/", include("kommunekompass.people.urls")),
    path("accessibility/", core_views.accessibility_statement, name="accessibility"),
    path("", include("kommunekompass.meetings.urls")),
    path("language/<str:code>/", core_views.set_language, name="set_language"),
    path("admin/login/", sso_views.admin_login),
    path("admin/", admin.site.urls),
    # The JSON API (/api/), API tokens (/accounts/api-tokens/) and open data (/open-data/).
    path("", include("kommunekompass.api.urls")),
]
