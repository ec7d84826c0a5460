"""The stakeholder groups and the answer scale of the 360° survey. Plain data, no Django."""

from __future__ import annotations

# (code, label, other names accepted on import). The codes are the API's and the import's.
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("member_practice", "Member practices", ("member practice", "gp practice", "gp practices", "practice")),
    ("hwb", "Health and Wellbeing Board", ("health and wellbeing board", "hwb")),
    ("local_authority", "Local authority", ("local authorities", "council")),
    ("other_ccg", "Other CCGs", ("other ccg", "ccg")),
    ("provider", "Providers", ("provider",)),
    (
        "patient_group",
        "HealthWatch / patient groups",
        ("healthwatch", "patient group", "patient groups", "healthwatch/patient groups"),
    ),
    ("commissioning_support", "Commissioning support", ("commissioning support unit", "csu")),
    ("other", "Other", ()),
)
GROUP_CODES: tuple[str, ...] = tuple(code for code, _, _ in GROUPS)
GROUP_LABELS: dict[str, str] = {code: label for code, label, _ in GROUPS}

# The five-point agreement scale, most negative first, then "don't know" (not counted as an opinion).
ANSWERS: tuple[tuple[str, str], ...] = (
    ("strongly_disagree", "Strongly disagree"),
    ("disagree", "Disagree"),
    ("neutral", "Neither agree nor disagree"),
    ("agree", "Agree"),
    ("strongly_agree", "Strongly agree"),
    ("dont_know", "Don't know"),
)
ANSWER_CODES: tuple[str, ...] = tuple(code for code, _ in ANSWERS)
ANSWER_LABELS: dict[str, str] = dict(ANSWERS)
AGREE = frozenset({"agree", "strongly_agree"})
DISAGREE = frozenset({"disagree", "strongly_disagree"})
OPINIONS = ("strongly_disagree", "disagree", "neutral", "agree", "strongly_agree")

DEFAULT_MIN_GROUP_SIZE = 5
LOWEST_MIN_GROUP_SIZE = 3
COMMENT_MAX_LENGTH = 2000


def normalise_label(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def group_from_text(text: str) -> str | None:
    """The group code for a code or label as someone may type it in a spreadsheet, or None."""
    wanted = normalise_label(text)
    if not wanted:
        return None
    for code, label, others in GROUPS:
        if wanted in {normalise_label(code), normalise_label(label), *(normalise_label(o) for o in others)}:
            return code
    return None
