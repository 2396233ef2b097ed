from django.urls import path

from kommunekompass.surveys import respond, views

app_name = "surveys"

urlpatterns = [
    path("municipality/<int:municipality_id>/", views.survey_list, name="list"),
    path("municipality/<int:municipality_id>/new/", views.survey_create, name="create"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/settings/", views.survey_settings, name="settings"),
    path("<int:pk>/statements/", views.statement_add, name="statement_add"),
    path("<int:pk>/units/", views.unit_add, name="unit_add"),
    path("<int:pk>/periods/", views.period_open, name="period_open"),
    path("<int:pk>/periods/<int:period_pk>/close/", views.period_close, name="period_close"),
    path("<int:pk>/invitations/", views.invite, name="invite"),
    path("<int:pk>/reminders/", views.remind, name="remind"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    # Respondents: no account, only the answer form.
    path("answer/thanks/", respond.thanks, name="thanks"),
    path("answer/<str:token>/", respond.respond_open, name="respond_open"),
    path("answer/invited/<str:token>/", respond.respond_invited, name="respond_invited"),
]
