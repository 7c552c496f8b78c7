"""The knowledge-base ids that code names directly, as constants ``kb check`` verifies.

Everything else the code needs from the knowledge base comes from data (the findings, the
policy files); these few are the places where a rule in code is about one particular finding
or group. :func:`spasmcheck.knowledge.loader.collect` checks that each still exists with the
kind it is used as, so renaming one in the YAML fails the check instead of silently turning a
rule off.
"""

from __future__ import annotations

from typing import Final

from spasmcheck.knowledge.schema import FindingKind

# "my mother had the same" (ConText's family category) is evidence for this history finding.
FAMILY_HISTORY: Final = "hx_family_history"
# The onset words of language/data/onset.yaml ("suddenly", "out of nowhere") mean this.
SUDDEN_ONSET: Final = "sudden_onset"
# "I started a new medicine": a finding about medicines, never a medicine's name itself.
NEW_OR_CHANGED_MEDICINE: Final = "med_new_or_changed"
# The choice group whose options the web draws on the body map.
LOCATION_GROUP: Final = "location"
# Pregnancy: offered as an option only to someone who could be pregnant (the interview).
PREGNANT: Final = "pregnant"
# The whole body as a place: it holds every other part, so it never names a different one
# (language/parser.py, a concept's own body part).
WHOLE_BODY: Final = "loc_widespread"

# Each finding id above with the kind it must have.
FINDINGS: Final[dict[str, FindingKind]] = {
    FAMILY_HISTORY: FindingKind.HISTORY,
    SUDDEN_ONSET: FindingKind.COURSE,
    NEW_OR_CHANGED_MEDICINE: FindingKind.MEDICINE,
    PREGNANT: FindingKind.HISTORY,
    WHOLE_BODY: FindingKind.LOCATION,
}
GROUPS: Final[tuple[str, ...]] = (LOCATION_GROUP,)
