"""Small framework documents for tests, built as text so line numbers can be checked."""

MINIMAL = """\
framework: tiny
version: "1"
languages: [nb, en]
name: {nb: Liten, en: Tiny}
scoring:
  default_scheme: two
  schemes:
    - code: two
      name: {nb: To dimensjoner, en: Two dimensions}
      method: weighted-mean
      dimensions:
        - code: system
          name: {nb: System, en: System}
          levels:
            - {value: 0, label: {nb: Ingen, en: None}}
            - {value: 1, label: {nb: Noe, en: Some}}
            - {value: 2, label: {nb: Mye, en: Much}}
        - code: scope
          name: {nb: Omfang, en: Scope}
          weight: 2
          levels:
            - {value: 0, label: {nb: Ingen, en: None}}
            - {value: 3, label: {nb: Alle, en: All}}
perspectives:
  - code: A
    name: {nb: Perspektiv A, en: Perspective A}
    areas:
      - code: "1"
        name: {nb: Område 1, en: Area 1}
        max_points: 30
        subareas:
          - code: "1.1"
            name: {nb: Delområde 1.1, en: Sub-area 1.1}
            max_points: 20
            questions:
              - code: "1.1.1"
                text: {nb: "Spørsmål?", en: "Question?"}
              - code: "1.1.2"
                text: {nb: "Spørsmål?", en: "Question?"}
              - code: "1.1.3"
                text: {nb: "Spørsmål?", en: "Question?"}
          - code: "1.2"
            name: {nb: Delområde 1.2, en: Sub-area 1.2}
            max_points: 10
            questions:
              - code: "1.2.1"
                text: {nb: "Spørsmål?", en: "Question?"}
                max_points: 10
"""


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line containing `fragment`."""
    found = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            found += 1
            if found == occurrence:
                return number
    raise AssertionError(f"{fragment!r} not found")
