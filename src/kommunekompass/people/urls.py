from django.urls import path

from kommunekompass.people import views

app_name = "people"

urlpatterns = [
    path("", views.people_index, name="index"),
    path("municipalities/<int:municipality_id>/", views.people_page, name="people"),
    path("municipalities/<int:municipality_id>/invite/", views.invite, name="invite"),
    path(
        "municipalities/<int:municipality_id>/roles/<int:membership_id>/",
        views.role_change,
        name="role_change",
    ),
    path(
        "municipalities/<int:municipality_id>/roles/<int:membership_id>/remove/",
        views.role_remove,
        name="role_remove",
    ),
    path(
        "municipalities/<int:municipality_id>/programme-roles/<int:member_id>/remove/",
        views.programme_role_remove,
        name="programme_role_remove",
    ),
    path(
        "municipalities/<int:municipality_id>/accounts/<int:user_id>/active/",
        views.account_active,
        name="account_active",
    ),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation"),
    path("reminders/", views.reminder_list, name="reminders"),
    path("reminders/<int:reminder_id>/dismiss/", views.reminder_dismiss, name="dismiss"),
    path("preferences/", views.preferences, name="preferences"),
]
