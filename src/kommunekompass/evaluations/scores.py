"""Reading an evaluation's results with the engine. Saving a score is a service:
evaluations.services.scores.save_score."""

from kommunekompass.evaluations.models import Evaluation, ResultLevel, Score
from kommunekompass.evaluations.summaries import results_for
from kommunekompass.scoring.engine import Result, score_framework


def levels_by_question(evaluation: Evaluation) -> dict[str, dict[str, int]]:
    """{question code: levels} for every score of the evaluation: one query."""
    return {
        code: levels
        for code, levels in Score.objects.filter(evaluation=evaluation).values_list(
            "question__code", "levels"
        )
    }


def evaluation_result(evaluation: Evaluation, levels: dict | None = None) -> Result:
    """The engine's result of one evaluation, at whatever level its results are known."""
    if evaluation.result_level != ResultLevel.QUESTION:
        return results_for([evaluation])[evaluation.pk]
    spec = evaluation.framework.spec
    if levels is None:
        levels = levels_by_question(evaluation)
    return score_framework(spec, levels)


def areas_with_results(evaluation: Evaluation, result: Result) -> list[tuple]:
    """(area spec, area result) pairs in the framework's order."""
    nodes = [area for perspective in result.children for area in perspective.children]
    return list(zip(evaluation.framework.spec.areas, nodes, strict=True))
