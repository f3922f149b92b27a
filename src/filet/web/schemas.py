"""The JSON API's response bodies, as documented in its OpenAPI description."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, Field, model_validator

from filet.alerts.alert import Alert, TriageStatus
from filet.network.mentions import Mention
from filet.search.service import SearchHit
from filet.security.audit.log import StoredEntry
from filet.store.entities import StoredValue
from filet.web.alert_reads import AlertPage, TriageOutcome
from filet.web.entity_reads import EntityView, Relation


class SubjectOut(BaseModel):
    kind: str
    value: str
    entity_id: str | None


class EvidenceOut(BaseModel):
    table: str = Field(description="Table d'événements / event table")
    key: dict[str, Any] = Field(description="Clé de la ligne / key of the row")


class ThresholdOut(BaseModel):
    name: str
    value: Any
    unit: str
    source: str = Field(description="Source citée du seuil / cited source of the threshold")


class Reasons(BaseModel):
    fr: str
    en: str


class AlertOut(BaseModel):
    id: str
    detector_id: str
    detector_version: str
    score: float = Field(ge=0, le=1)
    start: datetime
    end: datetime
    status: TriageStatus
    reasons: Reasons
    subjects: list[SubjectOut]
    evidence: list[EvidenceOut]
    thresholds: list[ThresholdOut]
    thresholds_hash: str
    case_id: str | None

    @classmethod
    def of(cls, alert: Alert) -> AlertOut:
        return cls.model_validate(alert.to_dict())


class AlertPageOut(BaseModel):
    items: list[AlertOut]
    total: int
    page: int
    per_page: int

    @classmethod
    def of(cls, page: AlertPage) -> AlertPageOut:
        items = [AlertOut.of(alert) for alert in page.items]
        return cls(items=items, total=page.total, page=page.page, per_page=page.per_page)


class TriageIn(BaseModel):
    status: TriageStatus
    case: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description="Affaire où transmettre (avec escalated), dont on est membre / case to "
        "escalate to (with escalated), one is a member of",
    )

    @model_validator(mode="after")
    def _case_goes_with_escalated(self) -> Self:
        if self.case is not None and self.status is not TriageStatus.ESCALATED:
            raise ValueError("une affaire va avec « escalated » / a case goes with escalated")
        return self


class BulkTriageIn(TriageIn):
    ids: list[str] = Field(min_length=1, max_length=500)


class TriageOut(BaseModel):
    updated: list[str]
    not_found: list[str] = Field(description="Absentes ou refusées / absent or refused, alike")

    @classmethod
    def of(cls, outcome: TriageOutcome) -> TriageOut:
        return cls(updated=outcome.updated, not_found=outcome.not_found)


class ValueOut(BaseModel):
    prop: str
    value: str
    original_value: str | None
    dataset: str
    source_record: str
    collected_at: datetime | None
    collecting_service: str
    source_reliability: str = Field(description="A, B, C or X (Regulation (EU) 2016/794 art. 29)")
    information_assessment: str = Field(description="1 to 4 (Regulation (EU) 2016/794 art. 29)")
    grading: str = Field(description="Cotation 4x4 / 4x4 grade, e.g. B2")
    handling_code: str

    @classmethod
    def of(cls, value: StoredValue) -> ValueOut:
        source = value.provenance
        return cls(
            prop=value.prop,
            value=value.value,
            original_value=value.original_value,
            dataset=source.dataset,
            source_record=source.source_record,
            collected_at=source.collected_at,
            collecting_service=source.collecting_service,
            source_reliability=source.source_reliability.value,
            information_assessment=source.information_assessment.value,
            grading=source.grading,
            handling_code=source.handling_code.value,
        )


class RelationOut(BaseModel):
    outgoing: bool
    prop: str
    other_id: str
    other_schema: str
    other_caption: str

    @classmethod
    def of(cls, relation: Relation) -> RelationOut:
        return cls(**relation.__dict__)


class MentionOut(BaseModel):
    """A message or procès-verbal paragraph that names the entity."""

    text_id: str = Field(description="Entité CaseText / CaseText entity")
    title: str
    date: str | None = Field(description="UTC")
    case_ref: str | None
    seizure_ref: str | None
    record: str | None = Field(description="fichier:ligne / file:line")
    chat: str | None
    sender: str | None
    document: str | None

    @classmethod
    def of(cls, mention: Mention) -> MentionOut:
        return cls(**mention.__dict__)


class EntityOut(BaseModel):
    id: str
    schema_name: str = Field(alias="schema")
    caption: str
    values: list[ValueOut]
    relations: list[RelationOut]
    mentions: list[MentionOut] = Field(
        description="Messages et paragraphes de PV qui la nomment / texts that name it"
    )
    alerts: list[AlertOut]
    cases: list[str] = Field(description="Affaires du lecteur où elle figure / reader's cases")

    model_config = {"populate_by_name": True}

    @classmethod
    def of(cls, view: EntityView) -> EntityOut:
        return cls(
            id=str(view.entity.id),
            schema=view.entity.schema.name,
            caption=view.entity.caption,
            values=[ValueOut.of(value) for value in view.values],
            relations=[RelationOut.of(relation) for relation in view.relations],
            mentions=[MentionOut.of(mention) for mention in view.mentions],
            alerts=[AlertOut.of(alert) for alert in view.alerts],
            cases=[name for name, _ in view.cases],
        )


class SearchHitOut(BaseModel):
    entity_id: str
    schema_name: str = Field(alias="schema")
    caption: str
    score: float
    kind: str
    field: str
    value: str

    model_config = {"populate_by_name": True}

    @classmethod
    def of(cls, hit: SearchHit) -> SearchHitOut:
        return cls.model_validate(hit.to_dict())


class AuditEntryOut(BaseModel):
    index: int
    category: str
    action: str
    actor: str
    at: datetime
    leaf_hash: str
    entry: dict[str, Any] = Field(description="L'entrée telle que hachée / the entry as hashed")

    @classmethod
    def of(cls, entry: StoredEntry) -> AuditEntryOut:
        return cls(
            index=entry.idx,
            category=entry.category,
            action=entry.action,
            actor=entry.actor,
            at=entry.at,
            leaf_hash=entry.leaf_hash,
            entry=entry.values(),
        )
