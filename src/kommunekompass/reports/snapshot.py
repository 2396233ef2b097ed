"""The snapshot of a published version (placeholder: figures only; being completed)."""

from kommunekompass.evaluations.scores import evaluation_result


def build(evaluation) -> dict:
    result = evaluation_result(evaluation)
    return {
        "format": 0,
        "complete": result.complete,
        "total": str(result.points),
        "max_points": str(result.max_points),
    }


def render(version) -> dict:
    return {}


def changes(previous: dict, data: dict) -> list:
    return []
