"""Is a new text of a loaded framework version only a translation into more languages? Pure.

A loaded framework version never changes its meaning: evaluations were scored and reports
published against it. But adding a language (Swedish and nynorsk beside bokmål and English)
changes nothing any evaluation or published report relies on, so the loader amends the loaded
version in place when, and only when, the new document is the loaded one plus texts in new
languages: the same structure, codes, numbers and schemes, and every existing text unchanged,
letter for letter. Anything else is a new version (frameworks.loader refuses it).
"""

from __future__ import annotations


def _without(value, languages: frozenset[str], all_languages: frozenset[str]):
    """`value` with the texts in `languages` taken out of every {language: text} mapping."""
    if isinstance(value, dict):
        if value and all(isinstance(k, str) and k in all_languages for k in value):
            return {k: v for k, v in value.items() if k not in languages}
        return {k: _without(v, languages, all_languages) for k, v in value.items()}
    if isinstance(value, list):
        return [_without(item, languages, all_languages) for item in value]
    return value


def added_languages(loaded: dict, new: dict) -> tuple[str, ...]:
    """The languages `new` adds to the `loaded` framework document, when that is all it
    changes; () when it changes anything else (or adds no language)."""
    old_languages = list(loaded.get("languages") or [])
    new_languages = list(new.get("languages") or [])
    added = tuple(language for language in new_languages if language not in old_languages)
    if not added or [x for x in new_languages if x not in added] != old_languages:
        return ()
    every = frozenset(new_languages)
    stripped = _without({k: v for k, v in new.items() if k != "languages"}, frozenset(added), every)
    if stripped != {k: v for k, v in loaded.items() if k != "languages"}:
        return ()
    return added
