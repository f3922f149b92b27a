"""The workbench's words, French first, English second.

The language is ``?lang=en`` or ``?lang=fr`` (kept in the ``filet_lang`` cookie), else
the cookie, else the browser's ``Accept-Language``, else French. Templates call
``t("key")``; a feature adds its own words with ``register_messages`` at import time,
keys prefixed with its name (``graph.title``).
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request

LANGUAGES = ("fr", "en")
LANG_COOKIE = "filet_lang"

_MESSAGES: dict[str, tuple[str, str]] = {
    "app.name": ("Filet", "Filet"),
    "app.skip": ("Aller au contenu", "Skip to content"),
    "nav.alerts": ("Alertes", "Alerts"),
    "nav.integrity": ("Intégrité", "Integrity"),
    "nav.search": ("Recherche", "Search"),
    "nav.audit": ("Journal d'audit", "Audit log"),
    "nav.logout": ("Se déconnecter", "Log out"),
    "nav.language": ("English", "Français"),
    "login.title": ("Connexion", "Log in"),
    "login.name": ("Identifiant", "Account name"),
    "login.password": ("Mot de passe", "Password"),
    "login.totp": ("Code à usage unique (TOTP)", "One-time code (TOTP)"),
    "login.submit": ("Se connecter", "Log in"),
    "login.failed": (
        "Identifiant, mot de passe ou code incorrect.",
        "Wrong name, password or code.",
    ),
    "alerts.title": ("File des alertes", "Alert queue"),
    "alerts.none": ("Aucune alerte", "No alert"),
    "alerts.domain": ("Domaine", "Domain"),
    "alerts.detector": ("Détecteur", "Detector"),
    "alerts.status": ("Statut", "Status"),
    "alerts.min_score": ("Score minimal", "Minimum score"),
    "alerts.since": ("Depuis (UTC)", "From (UTC)"),
    "alerts.until": ("Jusqu'au (UTC)", "Until (UTC)"),
    "alerts.sort": ("Tri", "Sort"),
    "alerts.sort.score": ("Score décroissant", "Highest score"),
    "alerts.sort.recent": ("Plus récentes", "Most recent"),
    "alerts.filter": ("Filtrer", "Filter"),
    "alerts.any": ("Tous", "Any"),
    "alerts.select": ("Choisir", "Select"),
    "alerts.score": ("Score", "Score"),
    "alerts.subject": ("Sujet", "Subject"),
    "alerts.start": ("Début (UTC)", "Start (UTC)"),
    "alerts.end": ("Fin (UTC)", "End (UTC)"),
    "alerts.reason": ("Motif", "Reason"),
    "alerts.triage": ("Trier la sélection", "Triage selection"),
    "alerts.triage_one": ("Trier", "Triage"),
    "alerts.triaged": ("alerte(s) triée(s)", "alert(s) triaged"),
    "alerts.previous": ("Page précédente", "Previous page"),
    "alerts.next": ("Page suivante", "Next page"),
    "alerts.page": ("Page", "Page"),
    "alert.title": ("Alerte", "Alert"),
    "alert.evidence": ("Preuves (lignes d'événements)", "Evidence (event rows)"),
    "alert.table": ("Table", "Table"),
    "alert.key": ("Clé", "Key"),
    "alert.thresholds": ("Seuils appliqués", "Thresholds applied"),
    "alert.threshold": ("Seuil", "Threshold"),
    "alert.value": ("Valeur", "Value"),
    "alert.unit": ("Unité", "Unit"),
    "alert.source": ("Source", "Source"),
    "alert.subjects": ("Sujets", "Subjects"),
    "status.new": ("Nouvelle", "New"),
    "status.dismissed": ("Écartée", "Dismissed"),
    "status.escalated": ("Transmise à une enquête", "Escalated"),
    "entity.values": ("Valeurs et provenance", "Values and provenance"),
    "entity.property": ("Propriété", "Property"),
    "entity.value": ("Valeur", "Value"),
    "entity.dataset": ("Jeu de données", "Dataset"),
    "entity.record": ("Enregistrement source", "Source record"),
    "entity.collected": ("Collecte (UTC)", "Collected (UTC)"),
    "entity.service": ("Service collecteur", "Collecting service"),
    "entity.grading": ("Cotation 4x4", "4x4 grading"),
    "entity.handling": ("Diffusion", "Handling"),
    "entity.relations": ("Relations", "Relations"),
    "entity.mentions": ("Mentionnée dans", "Mentioned in"),
    "entity.mention.date": ("Date (UTC)", "Date (UTC)"),
    "entity.mention.text": ("Message ou paragraphe", "Message or paragraph"),
    "entity.mention.case": ("Procédure", "Case"),
    "entity.mention.seizure": ("Scellé", "Seizure"),
    "entity.mention.sender": ("Expéditeur", "Sender"),
    "entity.direction.out": ("vers", "to"),
    "entity.direction.in": ("depuis", "from"),
    "entity.alerts": ("Alertes qui la nomment", "Alerts naming it"),
    "entity.cases": ("Affaires où elle figure", "Cases it appears in"),
    "entity.none": ("Aucune", "None"),
    "search.title": ("Recherche d'entités", "Entity search"),
    "search.query": ("Nom ou identifiant", "Name or identifier"),
    "search.kind": ("Chercher comme", "Search as"),
    "search.guess": ("Deviné", "Guessed"),
    "search.submit": ("Chercher", "Search"),
    "search.none": ("Aucun résultat", "No match"),
    "search.field": ("Champ", "Field"),
    "audit.title": ("Journal d'audit", "Audit log"),
    "audit.category": ("Catégorie", "Category"),
    "audit.actor": ("Qui", "Who"),
    "audit.at": ("Date (UTC)", "Date (UTC)"),
    "audit.action": ("Action", "Action"),
    "audit.justification": ("Justification", "Justification"),
    "audit.objects": ("Objets", "Objects"),
    "error.not_found": ("Introuvable", "Not found"),
    "error.forbidden": ("Accès refusé", "Access denied"),
    "error.invalid": ("Demande invalide", "Invalid request"),
    "error.back": ("Retour aux alertes", "Back to alerts"),
}


def register_messages(messages: Mapping[str, tuple[str, str]]) -> None:
    """Add a feature's words (French, English); a key already defined is an error."""
    clash = sorted(set(messages) & set(_MESSAGES))
    if clash:
        raise ValueError(f"clés déjà définies / keys already defined: {', '.join(clash)}")
    _MESSAGES.update(messages)


def translate(key: str, lang: str) -> str:
    """The word for ``key`` in ``lang``; the key itself when it is unknown, so a
    missing word shows on the page instead of breaking it."""
    french, english = _MESSAGES.get(key, (key, key))
    return english if lang == "en" else french


def request_language(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "fr"
