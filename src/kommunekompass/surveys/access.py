"""Who may build a survey and who may read its results: the rules of the municipality's
improvement programme (improvement.access). Coordinators, project leaders and site
administrators build and run surveys ("edit"); everyone who may read the programme reads the
results ("read"); other municipalities' people get 404, readers 403 on the owner's pages.
Respondents need no account and reach only the answer form, by its link."""

from django.http import Http404
from django.utils.translation import gettext as _

from kommunekompass.improvement.access import get_municipality
from kommunekompass.surveys.models import Survey


def get_survey(user, pk, need: str = "edit"):
    survey = Survey.objects.select_related("municipality").filter(pk=pk).first()
    if survey is None:
        raise Http404(_("No such survey."))
    _municipality, access = get_municipality(user, survey.municipality_id, need)
    return survey, access
