"""Who someone is to Filet: role, service, clearance, and the account that carries them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from filet.security.audit import Actor


class Role(StrEnum):
    """What a person does; the policy (``filet.security.policy.ROLE_ACTIONS``) says
    which actions each role may take."""

    ANALYST = "analyst"
    INVESTIGATOR = "investigator"
    SUPERVISOR = "supervisor"
    MAGISTRATE = "magistrate"
    INSPECTOR = "inspector"
    PARTNER = "partner"
    ADMINISTRATOR = "administrator"


class Service(StrEnum):
    """The service an account belongs to, and that owns a compartment."""

    CUSTOMS = "douane"
    ANTI_NARCOTICS = "ofast"
    JUDICIAL_POLICE = "police-judiciaire"
    GENDARMERIE = "gendarmerie"
    FIU = "tracfin"
    PORT_AUTHORITY = "autorite-portuaire"
    PROSECUTION = "parquet"


class Clearance(IntEnum):
    """Levels of the French protection of national-defence secrets since the 2021 reform
    (IGI 1300, arrêté du 9 août 2021: Secret and Très Secret, with the Diffusion
    Restreinte marking below them). A compartment requires a level; an account holds one."""

    NON_PROTEGE = 0
    DIFFUSION_RESTREINTE = 1
    SECRET = 2
    TRES_SECRET = 3


class AccountKind(StrEnum):
    PERSON = "person"
    SERVICE = "service"


@dataclass(frozen=True)
class Account:
    """An account as the policy sees it. ``scopes`` narrows a service account's API
    token to some actions (``None``: every action its role allows)."""

    name: str
    role: Role
    service: Service
    clearance: Clearance
    kind: AccountKind = AccountKind.PERSON
    display_name: str = ""
    disabled: bool = False
    totp: bool = False
    scopes: frozenset[str] | None = None

    def actor(self, purpose: str = "") -> Actor:
        """The account as the audit log records it, with the case or purpose invoked."""
        return Actor(self.name, purpose)
