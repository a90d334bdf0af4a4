"""Instruments, waves, participants, survey links, responses, imports and API tokens.

Participants are known everywhere by a random pseudonym. Their identifying details are optional, encrypted at
rest, and found only by exact value through keyed hashes (`crypto.blind_index`); no page, URL, log line or
audit entry shows them except to the site lead and the data protection officer.

The models live in `instruments`, `waves` and `data`, by the part of collection they serve; every name is
imported here, so `pine.collection.models` stays the one place to import them from.
"""

from pine.collection.models.data import (
    ApiScope,
    ApiToken,
    ImportBatch,
    ImportMapping,
    ImportStatus,
)
from pine.collection.models.instruments import (
    SCORABLE_KINDS,
    TEXT_KINDS,
    Instrument,
    Item,
    ItemKind,
    ScoringMethod,
    Section,
    Subscale,
)
from pine.collection.models.waves import (
    IDENTIFIER_FIELDS,
    Consent,
    Group,
    LinkKind,
    Participant,
    Response,
    ResponseSource,
    ResponseStatus,
    SurveyLink,
    Wave,
)

__all__ = [
    "ScoringMethod",
    "Instrument",
    "Section",
    "ItemKind",
    "SCORABLE_KINDS",
    "TEXT_KINDS",
    "Item",
    "Subscale",
    "Wave",
    "Group",
    "Consent",
    "IDENTIFIER_FIELDS",
    "Participant",
    "LinkKind",
    "SurveyLink",
    "ResponseStatus",
    "ResponseSource",
    "Response",
    "ImportStatus",
    "ImportBatch",
    "ImportMapping",
    "ApiScope",
    "ApiToken",
]
