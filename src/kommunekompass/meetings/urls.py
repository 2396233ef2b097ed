from django.urls import path

from kommunekompass.meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/evaluation/<int:pk>/new/", views.meeting_open, name="open"),
    path("meetings/<int:meeting_id>/", views.presenter, name="presenter"),
    path("meetings/<int:meeting_id>/tally/", views.presenter_tally, name="tally"),
    path("meetings/<int:meeting_id>/close/", views.meeting_close, name="close"),
    path("m/", views.join, name="join"),
    path("m/<str:code>/", views.vote, name="vote"),
]
