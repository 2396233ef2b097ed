from django.urls import path

from kommunekompass.evaluations.views import (
    evaluation,
    evidence,
    findings,
    interviews,
    scoring,
)

app_name = "evaluations"

urlpatterns = [
    path("", evaluation.evaluation_list, name="list"),
    path("new/", evaluation.evaluation_create, name="create"),
    path("municipalities/", evaluation.municipality_list, name="municipalities"),
    path("<int:pk>/", evaluation.evaluation_detail, name="detail"),
    path("<int:pk>/status/", evaluation.evaluation_status, name="status"),
    path("<int:pk>/history/", evaluation.evaluation_history, name="history"),
    path(
        "<int:pk>/comparison-group/",
        evaluation.evaluation_comparison_group,
        name="comparison_group",
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
    path("<int:pk>/evidence/", evidence.evidence_list, name="evidence"),
    path(
        "<int:pk>/evidence/<int:evidence_id>/file/",
        evidence.evidence_download,
        name="evidence_download",
    ),
]
