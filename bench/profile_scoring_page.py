"""Where the scoring page's time goes: in-process, Django's test client, no HTTP server.

    .venv/bin/python bench/profile_scoring_page.py [--requests 100] [--area 3] [--top 25]

Fresh temporary data dir with the demo data and a fully scored draft (as scoring_throughput.py).
Prints the mean time per request of the whole request and of the view's parts (timers wrapped
around them), then cProfile's functions with the most cumulative and the most own time.
"""

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import time
from collections import Counter

from common import EVALUATOR, create_draft, fresh_data_dir, load_demo, setup_django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="requests timed (100)")
    parser.add_argument("--area", default="3", help="focus area (3)")
    parser.add_argument("--top", type=int, default=25, help="profile lines shown (25)")
    args = parser.parse_args()

    data_dir = fresh_data_dir(keep=False)
    try:
        load_demo(data_dir)
        setup_django(data_dir)
        from django.contrib.auth import get_user_model
        from django.test import Client

        from kommunekompass.evaluations.views import scoring

        draft = create_draft("Benchvik kommune", "9990", scored=True)
        spent = Counter()

        def timed(name, function):
            def wrapper(*a, **kw):
                start = time.perf_counter()
                try:
                    return function(*a, **kw)
                finally:
                    spent[name] += time.perf_counter() - start

            return wrapper

        # The view looks these names up in its module at call time, so wrapping them there works.
        parts = {
            "get_evaluation (access checks)": "get_evaluation",
            "_area_context (queries, engine, forms)": "_area_context",
            "  evaluation_result (engine, whole framework)": "evaluation_result",
            "  _links (interviews, evidence)": "_links",
            "render (templates)": "render",
        }
        for name, attribute in parts.items():
            setattr(scoring, attribute, timed(name, getattr(scoring, attribute)))
        form_init = scoring.ScoreForm.__init__
        scoring.ScoreForm.__init__ = timed("  ScoreForm() per question", form_init)

        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=EVALUATOR[0]))
        url = f"/evaluations/{draft.pk}/areas/{args.area}/"
        for _ in range(5):
            assert client.get(url).status_code == 200
        spent.clear()
        start = time.perf_counter()
        for _ in range(args.requests):
            response = client.get(url)
        total = (time.perf_counter() - start) / args.requests * 1000
        scoring.ScoreForm.__init__ = form_init

        print(f"scoring page, area {args.area}: {len(response.content)} bytes")
        print(f"  {'whole request (test client, middleware included)':48} {total:6.2f} ms")
        for name in [*parts, "  ScoreForm() per question"]:
            print(f"  {name:48} {spent[name] / args.requests * 1000:6.2f} ms")

        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            client.get(url)
        profile.disable()
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.top)
            print(f"\ncProfile, {args.requests} requests, by {order} time:")
            print(out.getvalue().split("\n\n", 1)[-1].rstrip())
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
