"""The case workspace: the reader's cases, one case (members, documents, escalated
alerts, deconfliction notices, dossier coffre for those the policy opens it to) and its
printable report, as pages and under ``/api/cases``.

The views authorize and read through ``filet.web.case_reads``; a case the reader is no
member of answers 404, like one that does not exist. The report is a disclosure: the
digest of the exact HTML bytes sent is recorded in the audit log.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Self

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from filet.cases.coffre import NOTICE, SealedItem
from filet.cases.deadlines import Deadline
from filet.security.deconfliction import Notice
from filet.security.identity import Account
from filet.security.policy import Action, allowed_actions
from filet.web.case_reads import (
    CaseSummary,
    CaseView,
    Document,
    Member,
    SealedEntry,
    case_report,
    evidence_place,
    list_cases,
    read_case,
    read_sealed,
    record_report,
)
from filet.web.deps import Conn, CurrentAccount, Now, Purpose, web_state
from filet.web.graph import API_REFUSALS
from filet.web.i18n import register_messages
from filet.web.schemas import AlertOut
from filet.web.templating import render

router = APIRouter(tags=["cases"], responses=API_REFUSALS)


def workspace_home(request: Request) -> Path:
    """The workspace folder, where the dossier coffre's key is kept."""
    return web_state(request).workspace.home


Home = Annotated[Path, Depends(workspace_home)]


class CaseOut(BaseModel):
    name: str
    kind: str = Field(description="case (affaire) ou operation / case or operation")
    title: str
    service: str
    clearance: str
    created_by: str
    member_until: datetime = Field(description="Fin de l'accès du lecteur / reader's expiry")
    members: int = Field(description="Membres actifs / active members")
    datasets: list[str]
    open_alerts: int = Field(description="Alertes transmises ouvertes / open escalated alerts")

    @classmethod
    def of(cls, summary: CaseSummary) -> CaseOut:
        case = summary.compartment
        return cls(
            name=case.name,
            kind=case.kind.value,
            title=case.title,
            service=case.service.value,
            clearance=case.clearance.name.lower().replace("_", "-"),
            created_by=case.created_by,
            member_until=summary.expires_at,
            members=summary.members,
            datasets=summary.datasets,
            open_alerts=summary.open_alerts,
        )


class _Read(BaseModel):
    """A body read field by field from the dataclass of the same shape."""

    @classmethod
    def of(cls, read: Member | Document | SealedEntry | SealedItem) -> Self:
        return cls.model_validate(read, from_attributes=True)


class MemberOut(_Read):
    account: str
    role: str
    reason: str
    granted_by: str
    expires_at: datetime


class DocumentOut(_Read):
    name: str
    format: str
    dataset: str
    rows: int = Field(description="Enregistrements lus / records read")
    quarantined: int = Field(description="Enregistrements rejetés / records quarantined")
    sha256: str
    ingested_at: datetime | None


class NoticeOut(BaseModel):
    id: str
    own_entity: str
    match_kind: str
    other_service: str
    other_contact: str
    created_at: datetime

    @classmethod
    def of(cls, notice: Notice) -> NoticeOut:
        return cls.model_validate(notice.to_dict())


class DeadlineOut(BaseModel):
    id: str
    technique: str
    label: str
    article: str = Field(description="Article du code de procédure pénale / CPP article")
    target: str
    authorized_by: str
    authorized_at: datetime
    renewals: int
    ends_at: datetime = Field(description="Fin de la période en cours / current period's end")
    latest_end: datetime | None = Field(description="Fin au plus tard / latest legal end")
    renewable: bool
    expired: bool

    @classmethod
    def of(cls, deadline: Deadline) -> DeadlineOut:
        period, planned = deadline.period, deadline.schedule
        return cls(
            id=deadline.id, technique=period.key, label=period.label_fr, article=period.article,
            target=deadline.target, authorized_by=deadline.authorized_by,
            authorized_at=deadline.authorized_at, renewals=deadline.renewals,
            ends_at=planned.ends_at, latest_end=planned.latest_end,
            renewable=planned.renewable, expired=planned.expired,
        )  # fmt: skip


class SealedEntryOut(_Read):
    id: str
    technique: str
    title: str
    sealed_by: str
    sealed_at: datetime
    non_evidentiary: bool = Field(description="Toujours vrai / always true")
    notice: str = NOTICE


class SealedItemOut(SealedEntryOut):
    """One item read through ``read_item``: with its content, and still its notice."""

    content: str


class CaseDetailOut(BaseModel):
    case: CaseOut
    members: list[MemberOut]
    documents: list[DocumentOut]
    alerts: list[AlertOut] = Field(description="Alertes transmises / escalated alerts")
    notices: list[NoticeOut] = Field(description="Avis de déconfliction / deconfliction notices")
    deadlines: list[DeadlineOut] = Field(description="Échéances / deadlines, soonest first")
    coffre: list[SealedEntryOut] | None = Field(
        description="Dossier coffre, sans contenu ; null si la politique ne l'ouvre pas / "
        "dossier coffre, no content; null when the policy does not open it"
    )

    @classmethod
    def of(cls, view: CaseView) -> CaseDetailOut:
        return cls(
            case=CaseOut.of(view.summary),
            members=[MemberOut.of(member) for member in view.members],
            documents=[DocumentOut.of(document) for document in view.documents],
            alerts=[AlertOut.of(alert) for alert in view.alerts],
            notices=[NoticeOut.of(notice) for notice in view.notices],
            deadlines=[DeadlineOut.of(deadline) for deadline in view.deadlines],
            coffre=None if view.coffre is None else [SealedEntryOut.of(e) for e in view.coffre],
        )


@router.get("/api/cases", response_model=list[CaseOut], summary="Mes affaires / my cases")
def api_cases(conn: Conn, account: CurrentAccount, purpose: Purpose) -> list[CaseOut]:
    return [CaseOut.of(summary) for summary in list_cases(conn, account, purpose)]


@router.get("/api/cases/{name}", response_model=CaseDetailOut, summary="Une affaire / one case")
def api_case(
    conn: Conn, account: CurrentAccount, purpose: Purpose, home: Home, name: str
) -> CaseDetailOut:
    return CaseDetailOut.of(read_case(conn, account, purpose, name, home))


@router.get(
    "/api/cases/{name}/coffre/{item_id}",
    response_model=SealedItemOut,
    summary="Une pièce du dossier coffre, non probante / one sealed item, not evidence",
)
def api_sealed(
    conn: Conn, account: CurrentAccount, purpose: Purpose, home: Home, name: str, item_id: str
) -> SealedItemOut:
    return SealedItemOut.of(read_sealed(conn, account, purpose, name, item_id, home))


@router.get("/cases", response_class=HTMLResponse, include_in_schema=False)
def cases_page(request: Request, conn: Conn, account: CurrentAccount, purpose: Purpose) -> Response:
    return render(request, "cases.html", account, {"cases": list_cases(conn, account, purpose)})


@router.get("/cases/{name}", response_class=HTMLResponse, include_in_schema=False)
def case_page(
    request: Request, conn: Conn, account: CurrentAccount, purpose: Purpose, home: Home, name: str
) -> Response:
    view = read_case(conn, account, purpose, name, home)
    context = {"view": view, "may_report": _may_export(account), "notice": NOTICE}
    return render(request, "case.html", account, context)


@router.get("/cases/{name}/coffre/{item_id}", response_class=HTMLResponse, include_in_schema=False)
def sealed_page(
    request: Request,
    conn: Conn,
    account: CurrentAccount,
    purpose: Purpose,
    home: Home,
    name: str,
    item_id: str,
) -> Response:
    item = read_sealed(conn, account, purpose, name, item_id, home)
    return render(request, "coffre_item.html", account, {"item": item, "notice": NOTICE})


@router.get("/cases/{name}/report", response_class=HTMLResponse, include_in_schema=False)
def report_page(
    request: Request, conn: Conn, account: CurrentAccount, purpose: Purpose, now: Now, name: str
) -> Response:
    """The printable report; its bytes are hashed and recorded as a disclosure."""
    report = case_report(conn, account, purpose, name)
    context = {"report": report, "place": evidence_place, "purpose": purpose, "generated_at": now}
    response = render(request, "case_report.html", account, context)
    record_report(conn, account, purpose, report, bytes(response.body))
    return response


def _may_export(account: Account) -> bool:
    """Whether to offer the report link; the policy still decides on the report."""
    return Action.EXPORT in allowed_actions(account)


register_messages(
    {
        "nav.cases": ("Affaires", "Cases"),
        "cases.title": ("Mes affaires", "My cases"),
        "cases.none": (
            "Vous n'êtes membre d'aucune affaire.",
            "You are a member of no case.",
        ),
        "cases.name": ("Affaire", "Case"),
        "cases.kind": ("Nature", "Kind"),
        "cases.kind.case": ("Affaire judiciaire", "Judicial case"),
        "cases.kind.operation": ("Opération de renseignement", "Intelligence operation"),
        "cases.case_title": ("Intitulé", "Title"),
        "cases.service": ("Service", "Service"),
        "cases.clearance": ("Habilitation requise", "Clearance required"),
        "cases.until": ("Votre accès jusqu'au", "Your access until"),
        "cases.members": ("Membres", "Members"),
        "cases.datasets": ("Jeux de données", "Datasets"),
        "cases.open_alerts": ("Alertes transmises ouvertes", "Open escalated alerts"),
        "cases.created_by": ("Créée par", "Created by"),
        "cases.sections": ("Sections de l'affaire", "Case sections"),
        "cases.account": ("Compte", "Account"),
        "cases.role": ("Rôle", "Role"),
        "cases.reason": ("Motif", "Reason"),
        "cases.granted_by": ("Accordé par", "Granted by"),
        "cases.expires": ("Échéance (UTC)", "Expiry (UTC)"),
        "cases.documents": ("Pièces versées (fichiers ingérés)", "Documents (ingested files)"),
        "cases.file": ("Fichier", "File"),
        "cases.format": ("Format", "Format"),
        "cases.rows": ("Lignes lues", "Rows read"),
        "cases.quarantined": ("Rejetées", "Quarantined"),
        "cases.sha256": ("Empreinte SHA-256", "SHA-256 digest"),
        "cases.ingested": ("Ingéré le (UTC)", "Ingested (UTC)"),
        "cases.alerts": ("Alertes transmises à l'affaire", "Alerts escalated to the case"),
        "cases.notices": ("Avis de déconfliction", "Deconfliction notices"),
        "cases.own_entity": ("Notre entité", "Our entity"),
        "cases.match": ("Correspondance", "Match"),
        "cases.contact": ("Qui appeler", "Whom to call"),
        "cases.date": ("Date (UTC)", "Date (UTC)"),
        "cases.none_listed": ("Aucun", "None"),
        "cases.report": ("Rapport imprimable", "Printable report"),
        "deadlines.title": ("Échéances", "Deadlines"),
        "deadlines.technique": ("Technique ou mesure", "Technique or measure"),
        "deadlines.article": ("Article", "Article"),
        "deadlines.target": ("Visé", "Target"),
        "deadlines.authorized": ("Autorisée par, le (UTC)", "Authorized by, on (UTC)"),
        "deadlines.renewals": ("Renouvellements", "Renewals"),
        "deadlines.ends": ("Fin de la période (UTC)", "Period ends (UTC)"),
        "deadlines.latest": ("Au plus tard (UTC)", "At the latest (UTC)"),
        "deadlines.expired": ("Échue", "Expired"),
        "deadlines.last": ("Dernière période", "Last period"),
        "deadlines.renewable": ("Renouvelable", "Renewable"),
        "deadlines.no_limit": ("sans limite", "no limit"),
        "cases.escalate": ("Transmettre à l'affaire", "Escalate to case"),
        "cases.no_case": ("— aucune affaire —", "— no case —"),
        "clearance.NON_PROTEGE": ("Non protégé", "Not protected"),
        "clearance.DIFFUSION_RESTREINTE": ("Diffusion Restreinte", "Restricted distribution"),
        "clearance.SECRET": ("Secret", "Secret"),
        "clearance.TRES_SECRET": ("Très Secret", "Top Secret"),
        "coffre.title": ("Dossier coffre", "Dossier coffre"),
        "coffre.item": ("Pièce", "Item"),
        "coffre.technique": ("Technique", "Technique"),
        "coffre.item_title": ("Intitulé", "Title"),
        "coffre.sealed_by": ("Scellée par", "Sealed by"),
        "coffre.sealed_at": ("Scellée le (UTC)", "Sealed (UTC)"),
        "coffre.evidence": ("Probante", "Evidence"),
        "coffre.not_evidence": ("Non probante", "Not evidence"),
        "coffre.empty": ("Aucune pièce scellée.", "No sealed item."),
        "coffre.content": ("Contenu", "Content"),
        "report.title": ("Rapport d'affaire", "Case report"),
        "report.print": ("Imprimer", "Print"),
        "report.generated": ("Établi le (UTC)", "Produced (UTC)"),
        "report.by": ("Par", "By"),
        "report.purpose": ("Finalité", "Purpose"),
        "report.disclosure": (
            "Ce rapport est une communication de données, inscrite au journal d'audit avec "
            "l'empreinte SHA-256 de ce document. Il ne contient aucune pièce du dossier coffre.",
            "This report is a disclosure, recorded in the audit log with the SHA-256 digest "
            "of this document. It holds no item of the dossier coffre.",
        ),
        "report.summary": ("Résumé", "Summary"),
        "report.evidence": ("Lignes de preuve (fichier:ligne)", "Evidence rows (file:line)"),
        "report.entities": ("Entités nommées par les alertes", "Entities named by the alerts"),
    }
)
