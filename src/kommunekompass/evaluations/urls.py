from django.urls import path

from kommunekompass.evaluations.views import (
    evaluation,
    evidence,
    findings,
    history,
    interviews,
    municipalities,
    review,
    scoring,
    way_forward,
)

app_name = "evaluations"

urlpatterns = [
    path("", evaluation.evaluation_list, name="list"),
    path("new/", evaluation.evaluation_create, name="create"),
    path("municipalities/", municipalities.municipality_list, name="municipalities"),
    path(
        "municipalities/<int:municipality_id>/",
        municipalities.municipality_edit,
        name="municipality_edit",
    ),
    path(
        "municipalities/<int:municipality_id>/history/",
        history.municipality_history,
        name="municipality_history",
    ),
    path("<int:pk>/", evaluation.evaluation_detail, name="detail"),
    path("<int:pk>/status/", evaluation.evaluation_status, name="status"),
    path("<int:pk>/team/", evaluation.evaluation_team, name="team"),
    path("<int:pk>/details/", evaluation.evaluation_details, name="details"),
    path("<int:pk>/delete/", evaluation.evaluation_delete, name="delete"),
    path("<int:pk>/history/", history.evaluation_history, name="history"),
    path("<int:pk>/review/", review.review_page, name="review"),
    path("<int:pk>/review/comments/", review.comment_add, name="comment_add"),
    path(
        "<int:pk>/review/comments/<int:comment_id>/answer/",
        review.comment_answer,
        name="comment_answer",
    ),
    path(
        "<int:pk>/review/comments/<int:comment_id>/resolve/",
        review.comment_resolve,
        name="comment_resolve",
    ),
    path("<int:pk>/way-forward/", way_forward.way_forward, name="way_forward"),
    path(
        "<int:pk>/way-forward/<int:priority_id>/",
        way_forward.priority_edit,
        name="priority_edit",
    ),
    path(
        "<int:pk>/way-forward/<int:priority_id>/delete/",
        way_forward.priority_delete,
        name="priority_delete",
    ),
    path(
        "<int:pk>/way-forward/<int:priority_id>/move/",
        way_forward.priority_move,
        name="priority_move",
    ),
    path("<int:pk>/areas/<str:area_code>/", scoring.scoring_page, name="area"),
    path("<int:pk>/questions/<str:question_code>/", scoring.save_question, name="save_question"),
    path("<int:pk>/areas/<str:area_code>/findings/", findings.findings_page, name="findings"),
    path("<int:pk>/findings/<int:finding_id>/", findings.finding_edit, name="finding_edit"),
    path(
        "<int:pk>/findings/<int:finding_id>/delete/",
        findings.finding_delete,
        name="finding_delete",
    ),
    path("<int:pk>/findings/<int:finding_id>/move/", findings.finding_move, name="finding_move"),
    path("<int:pk>/interviews/", interviews.interview_list, name="interviews"),
    path(
        "<int:pk>/interviews/<int:interview_id>/", interviews.interview_edit, name="interview_edit"
    ),
    path(
        "<int:pk>/interviews/<int:interview_id>/delete/",
        interviews.interview_delete,
        name="interview_delete",
    ),
    path("<int:pk>/evidence/", evidence.evidence_list, name="evidence"),
    path("<int:pk>/evidence/<int:evidence_id>/", evidence.evidence_edit, name="evidence_edit"),
    path(
        "<int:pk>/evidence/<int:evidence_id>/delete/",
        evidence.evidence_delete,
        name="evidence_delete",
    ),
    path(
        "<int:pk>/evidence/<int:evidence_id>/file/",
        evidence.evidence_download,
        name="evidence_download",
    ),
]
