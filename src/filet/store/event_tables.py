"""The event tables' declared Arrow schemas: what each high-volume table holds.

Every row keeps ``source_file`` and ``source_line`` so that an alert's evidence leads
back to the original input line (``filet.store.events`` stores and reads the tables).
"""

from __future__ import annotations

import pyarrow as pa

_PROVENANCE_FIELDS = [
    pa.field("source_file", pa.string(), nullable=False),
    pa.field("source_line", pa.int64(), nullable=False),
]

EVENT_TABLES: dict[str, pa.Schema] = {
    "ais_positions": pa.schema(
        [
            pa.field("mmsi", pa.string(), nullable=False),
            pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("lat", pa.float64(), nullable=False),
            pa.field("lon", pa.float64(), nullable=False),
            pa.field("sog_knots", pa.float64()),
            pa.field("cog_degrees", pa.float64()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # AIS static and voyage data (messages 5, 19, 24) as received, dated: what a
    # vessel called itself, and where it said it was going, at each moment.
    "ais_static": pa.schema(
        [
            pa.field("mmsi", pa.string(), nullable=False),
            pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("imo", pa.string()),
            pa.field("name", pa.string()),
            pa.field("call_sign", pa.string()),
            pa.field("ship_type", pa.string()),
            pa.field("destination", pa.string()),
            pa.field("draught_m", pa.float64()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Contacts from sensors other than AIS (coastal radar, patrol aircraft, drones): one
    # row per timestamped position of a sensor track, to find vessels AIS does not show.
    "sensor_tracks": pa.schema(
        [
            pa.field("track_id", pa.string(), nullable=False),
            pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("lat", pa.float64(), nullable=False),
            pa.field("lon", pa.float64(), nullable=False),
            pa.field("sensor", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # AIS values emptied at ingest ("not available" or known noise), with the reason.
    "ais_noise": pa.schema(
        [
            pa.field("mmsi", pa.string(), nullable=False),
            pa.field("ts", pa.timestamp("us", tz="UTC")),
            pa.field("cleaned", pa.string(), nullable=False),
            pa.field("reason", pa.string(), nullable=False),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Bank transfers (AMLworld, AMLSim, bank CSV): bank ids stay text ("010" is not 10).
    "transactions": pa.schema(
        [
            pa.field("transaction_id", pa.string()),
            pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("from_bank", pa.string()),
            pa.field("from_account", pa.string(), nullable=False),
            pa.field("to_bank", pa.string()),
            pa.field("to_account", pa.string(), nullable=False),
            pa.field("amount_paid", pa.float64(), nullable=False),
            pa.field("payment_currency", pa.string()),
            pa.field("amount_received", pa.float64()),
            pa.field("receiving_currency", pa.string()),
            pa.field("payment_format", pa.string()),
            pa.field("is_laundering", pa.bool_()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Reports to a financial intelligence unit (goAML STR, SAR, CTR…), one row per report:
    # who filed it (reporting entity id, branch, person), its code, dates and references,
    # why (reason, indicator codes) and what was done (action). `report_id` is
    # `rentity_id/entity_reference`, the reporting entity's own reference.
    "fiu_reports": pa.schema(
        [
            pa.field("report_id", pa.string(), nullable=False),
            pa.field("rentity_id", pa.string(), nullable=False),
            pa.field("rentity_branch", pa.string()),
            pa.field("entity_reference", pa.string(), nullable=False),
            pa.field("fiu_ref_number", pa.string()),
            pa.field("submission_code", pa.string()),
            pa.field("report_code", pa.string(), nullable=False),
            pa.field("submission_date", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("currency_code_local", pa.string()),
            pa.field("reporting_person", pa.string()),
            pa.field("reason", pa.string()),
            pa.field("action", pa.string()),
            pa.field("indicators", pa.string()),
            pa.field("transactions", pa.int64()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Which report each reported transfer comes from, with its goAML funds codes (CASH,
    # CRPTC…): written from the same record as the `transactions` row, so both share
    # `source_file` and `source_line`.
    "fiu_report_transactions": pa.schema(
        [
            pa.field("report_id", pa.string(), nullable=False),
            pa.field("transaction_id", pa.string(), nullable=False),
            pa.field("from_funds_code", pa.string()),
            pa.field("to_funds_code", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Businesses of a register (SIRENE layout), one row per business account, so that
    # transfers to an account can be joined with the business's sector and size: NAF
    # rév. 2 code (56.10C), INSEE headcount band (01), creation date at midnight UTC.
    # `bank` is empty when the account is an IBAN (matched whatever the bank).
    "businesses": pa.schema(
        [
            pa.field("account", pa.string(), nullable=False),
            pa.field("bank", pa.string()),
            pa.field("siren", pa.string(), nullable=False),
            pa.field("name", pa.string()),
            pa.field("naf", pa.string(), nullable=False),
            pa.field("headcount_band", pa.string()),
            pa.field("created", pa.timestamp("us", tz="UTC")),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # What a person owns (filet.finance.assets): land registry, vehicle and boat
    # registers, FICOBA accounts, company shares, wallets; what it cost and when.
    "assets": pa.schema(
        [
            pa.field("asset_id", pa.string(), nullable=False),
            pa.field("kind", pa.string(), nullable=False),
            pa.field("description", pa.string()),
            pa.field("owner_id", pa.string(), nullable=False),
            pa.field("owner_name", pa.string()),
            pa.field("value", pa.float64()),
            pa.field("currency", pa.string()),
            pa.field("valued_on", pa.timestamp("us", tz="UTC")),
            pa.field("acquired_on", pa.timestamp("us", tz="UTC")),
            pa.field("acquisition_price", pa.float64()),
            pa.field("loan_amount", pa.float64()),
            pa.field("bank", pa.string()),
            pa.field("account", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Frozen, seized, confiscated and allocated assets (filet.finance.assets): one row
    # per decision, so that an asset's history stays on file.
    "seizures": pa.schema(
        [
            pa.field("asset_id", pa.string(), nullable=False),
            pa.field("kind", pa.string(), nullable=False),
            pa.field("description", pa.string()),
            pa.field("owner_id", pa.string()),
            pa.field("owner_name", pa.string()),
            pa.field("case_reference", pa.string(), nullable=False),
            pa.field("status", pa.string(), nullable=False),
            pa.field("decided_on", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("authority", pa.string()),
            pa.field("legal_basis", pa.string()),
            pa.field("value", pa.float64()),
            pa.field("currency", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Income a person declared (tax notices), a row per person and year.
    "declared_income": pa.schema(
        [
            pa.field("owner_id", pa.string(), nullable=False),
            pa.field("owner_name", pa.string()),
            pa.field("year", pa.int64(), nullable=False),
            pa.field("declared_income", pa.float64(), nullable=False),
            pa.field("currency", pa.string()),
            pa.field("income_source", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Consultations of police and customs files (TAJ, FPR, SIV, FOVeS...) as
    # their access logs give them: who looked up what, when, under which case and
    # reason (filet.integrity). Inspectors alone see the alerts drawn from them.
    "lookups": pa.schema(
        [
            pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("officer", pa.string(), nullable=False),
            pa.field("unit", pa.string()),
            pa.field("system", pa.string()),
            pa.field("subject", pa.string(), nullable=False),
            pa.field("subject_kind", pa.string()),
            pa.field("reason", pa.string()),
            pa.field("case_ref", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Which officer works on which case, from when until when (end empty: still on it),
    # so that a lookup's case can be checked against the officer's assignments.
    "assignments": pa.schema(
        [
            pa.field("officer", pa.string(), nullable=False),
            pa.field("case_ref", pa.string(), nullable=False),
            pa.field("start_ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("end_ts", pa.timestamp("us", tz="UTC")),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Call detail records ("fadettes"): numbers in E.164 where they parse, else as given;
    # the case and the seizure (scellé) the record came from, when the file says.
    "calls": pa.schema(
        [
            pa.field("caller", pa.string(), nullable=False),
            pa.field("callee", pa.string(), nullable=False),
            pa.field("start_ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("duration_s", pa.float64()),
            pa.field("call_type", pa.string()),
            pa.field("cell_start", pa.string()),
            pa.field("cell_end", pa.string()),
            pa.field("case_ref", pa.string()),
            pa.field("seizure_ref", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Import declarations (customs targeting): codes and party ids stay text; the
    # inspection outcome (`fraud`, `critical_fraud`) is empty for a declaration not yet
    # inspected, so the same table holds the labelled history and the items to score.
    "declarations": pa.schema(
        [
            pa.field("declaration_id", pa.string(), nullable=False),
            pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("office", pa.string()),
            pa.field("process_type", pa.string()),
            pa.field("import_type", pa.string()),
            pa.field("import_use", pa.string()),
            pa.field("payment_type", pa.string()),
            pa.field("transport_mode", pa.string()),
            pa.field("declarant", pa.string()),
            pa.field("importer", pa.string()),
            pa.field("seller", pa.string()),
            pa.field("courier", pa.string()),
            pa.field("hs6", pa.string()),
            pa.field("departure_country", pa.string()),
            pa.field("origin_country", pa.string()),
            pa.field("tax_rate", pa.float64()),
            pa.field("tax_type", pa.string()),
            pa.field("origin_indicator", pa.string()),
            pa.field("net_mass", pa.float64()),
            pa.field("item_price", pa.float64()),
            pa.field("fraud", pa.bool_()),
            pa.field("critical_fraud", pa.int64()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Maritime entry summary declarations (ICS2 release 3 ENS, house consignment level)
    # and bills of lading: one row per consignment and container. Ports are UN/LOCODEs,
    # transshipment ports a ';'-separated list in route order, seals ';'-separated as
    # declared. `freight_payment` is the ICS2 method of payment of transport charges
    # (A cash, B card, C cheque, D other, H transfer, Y carrier account, Z not pre-paid);
    # `inspection` is the outcome (none, clean, seizure), empty while not inspected.
    "manifests": pa.schema(
        [
            pa.field("consignment_id", pa.string(), nullable=False),
            pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("vessel_imo", pa.string()),
            pa.field("port_loading", pa.string()),
            pa.field("ports_transshipment", pa.string()),
            pa.field("port_discharge", pa.string()),
            pa.field("shipper", pa.string()),
            pa.field("consignee", pa.string()),
            pa.field("consignee_phone", pa.string()),
            pa.field("notify_party", pa.string()),
            pa.field("buyer", pa.string()),
            pa.field("seller", pa.string()),
            pa.field("booking_party", pa.string()),
            pa.field("freight_payment", pa.string()),
            pa.field("freight_payer", pa.string()),
            pa.field("hs6", pa.string()),
            pa.field("goods_description", pa.string()),
            pa.field("container", pa.string()),
            pa.field("container_type", pa.string()),
            pa.field("seals", pa.string()),
            pa.field("gross_mass_kg", pa.float64()),
            pa.field("inspection", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Postal and express parcels (filet.targeting.parcels): one item a row, from the
    # postal operators' advance data (UPU-WCO ITMATT) or an express carrier's manifest.
    # `item_id` is the S10 number (or the carrier's), `channel` post or express,
    # `category` gift, sale, sample, document, returned or other (CN 22/23 boxes),
    # countries ISO 3166-1 alpha-2, `currency` ISO 4217, `inspection` none, clean or
    # seizure (empty while not known). `phone_e164`, `address_key`, `addressee_folded`,
    # `sender_key` and `description_words` are derived at ingest by the parcels reader.
    "parcels": pa.schema(
        [
            pa.field("item_id", pa.string(), nullable=False),
            pa.field("channel", pa.string(), nullable=False),
            pa.field("carrier", pa.string()),
            pa.field("posted_ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("origin_country", pa.string(), nullable=False),
            pa.field("origin_office", pa.string()),
            pa.field("sender_name", pa.string()),
            pa.field("sender_address", pa.string()),
            pa.field("addressee_name", pa.string()),
            pa.field("addressee_address", pa.string()),
            pa.field("addressee_postcode", pa.string()),
            pa.field("addressee_city", pa.string()),
            pa.field("destination_country", pa.string()),
            pa.field("addressee_phone", pa.string()),
            pa.field("content_description", pa.string()),
            pa.field("hs6", pa.string()),
            pa.field("declared_value", pa.float64()),
            pa.field("currency", pa.string()),
            pa.field("gross_weight_kg", pa.float64()),
            pa.field("item_count", pa.int64()),
            pa.field("category", pa.string()),
            pa.field("inspection", pa.string()),
            pa.field("phone_e164", pa.string()),
            pa.field("address_key", pa.string()),
            pa.field("addressee_folded", pa.string()),
            pa.field("sender_key", pa.string()),
            pa.field("description_words", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Travellers and crews (filet.targeting): one row per person and journey, from PNR
    # (Directive (EU) 2016/681 Annex I), API, or a ship's FAL form 5 (crew) or 6
    # (passengers); `kind` says which. Airports are IATA codes, ports UN/LOCODEs; the
    # date of birth is midnight UTC. `payment_method` is cash, card, transfer, voucher,
    # miles or other; `travel_status` confirmed, checked-in, boarded, no-show or go-show;
    # `party_size` the travellers on the PNR, `split_from` the locator it was split from.
    # `contact_phone` and `contact_email` are the PNR's contact details (Annex I item 5);
    # `inspection` is the customs outcome (none, clean, seizure), empty when not known.
    # `name_keys`, `document_key`, `surname_folded` and `payer_folded` are derived at
    # ingest by the screening reader (filet.targeting.screening) for the SQL joins.
    "passengers": pa.schema(
        [
            pa.field("kind", pa.string(), nullable=False),
            pa.field("record_locator", pa.string()),
            pa.field("booking_ts", pa.timestamp("us", tz="UTC")),
            pa.field("voyage", pa.string(), nullable=False),
            pa.field("departure_ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("origin", pa.string()),
            pa.field("destination", pa.string()),
            pa.field("surname", pa.string(), nullable=False),
            pa.field("given_names", pa.string()),
            pa.field("birth_date", pa.timestamp("us", tz="UTC")),
            pa.field("document_number", pa.string()),
            pa.field("nationality", pa.string()),
            pa.field("role", pa.string()),
            pa.field("payment_method", pa.string()),
            pa.field("payer_name", pa.string()),
            pa.field("travel_agent", pa.string()),
            pa.field("contact_phone", pa.string()),
            pa.field("contact_email", pa.string()),
            pa.field("one_way", pa.bool_()),
            pa.field("return_ts", pa.timestamp("us", tz="UTC")),
            pa.field("checked_bags", pa.int64()),
            pa.field("travel_status", pa.string()),
            pa.field("frequent_flyer", pa.string()),
            pa.field("party_size", pa.int64()),
            pa.field("split_from", pa.string()),
            pa.field("inspection", pa.string()),
            pa.field("name_keys", pa.string()),
            pa.field("document_key", pa.string()),
            pa.field("surname_folded", pa.string()),
            pa.field("payer_folded", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Persons to look out for (wanted, sanctioned, flagged by a service), screened
    # against the passengers; keys derived at ingest as for passengers.
    "watchlist": pa.schema(
        [
            pa.field("entry_id", pa.string(), nullable=False),
            pa.field("surname", pa.string(), nullable=False),
            pa.field("given_names", pa.string()),
            pa.field("birth_date", pa.timestamp("us", tz="UTC")),
            pa.field("document_number", pa.string()),
            pa.field("nationality", pa.string()),
            pa.field("list_name", pa.string()),
            pa.field("reason", pa.string()),
            pa.field("name_keys", pa.string()),
            pa.field("document_key", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Messages from seized phones (Telegram, WhatsApp exports), with the identifiers and
    # trafficking slang found in their text (filet.network.messaging).
    "messages": pa.schema(
        [
            pa.field("chat", pa.string()),
            pa.field("chat_id", pa.string()),
            pa.field("message_id", pa.string()),
            pa.field("sender", pa.string()),
            pa.field("sender_id", pa.string()),
            pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("text", pa.string()),
            pa.field("identifiers", pa.string()),
            pa.field("slang", pa.string()),
            pa.field("case_ref", pa.string()),
            pa.field("seizure_ref", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Cell sites (relais) from operators' requisition answers: the CGI as the calls'
    # cell_start/cell_end give it, where the antenna stands and which way it points
    # (degrees from north), so that a call can be put on a map (filet.network.cells).
    "cell_sites": pa.schema(
        [
            pa.field("cell_id", pa.string(), nullable=False),
            pa.field("lat", pa.float64(), nullable=False),
            pa.field("lon", pa.float64(), nullable=False),
            pa.field("azimuth", pa.float64()),
            pa.field("range_m", pa.float64()),
            pa.field("operator", pa.string()),
            pa.field("address", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Contact lists of seized phones: who the phone's owner knew, under which name;
    # numbers in E.164 where they parse, else as written (filet.network.contacts).
    "contacts": pa.schema(
        [
            pa.field("owner", pa.string(), nullable=False),
            pa.field("name", pa.string()),
            pa.field("number", pa.string()),
            pa.field("email", pa.string()),
            pa.field("case_ref", pa.string()),
            pa.field("seizure_ref", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Meetings seen by surveillance or told in a procès-verbal (filet.network.meetings):
    # one row per meeting, its participants joined by "; " (phones in E.164, names as
    # written), `meetings` the meetings the row stands for (a published edge list gives
    # a count per pair and no date, hence `start_ts` may be empty).
    "meetings": pa.schema(
        [
            pa.field("start_ts", pa.timestamp("us", tz="UTC")),
            pa.field("participants", pa.string(), nullable=False),
            pa.field("meetings", pa.int64(), nullable=False),
            pa.field("place", pa.string()),
            pa.field("source", pa.string()),
            pa.field("case_ref", pa.string()),
            pa.field("seizure_ref", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Paragraphs of procès-verbaux read as text, with the identifiers and slang found in
    # them as in messages (filet.network.pv).
    "pv_paragraphs": pa.schema(
        [
            pa.field("document", pa.string(), nullable=False),
            pa.field("paragraph", pa.int64(), nullable=False),
            pa.field("text", pa.string(), nullable=False),
            pa.field("identifiers", pa.string()),
            pa.field("slang", pa.string()),
            pa.field("case_ref", pa.string()),
            pa.field("seizure_ref", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
    # Container terminal events (discharge, release, PIN, gate, seal check, inspection):
    # who a release or PIN was issued to or used by (`party`), which haulier and truck
    # came. The release PIN is stored as a digest, never as the PIN itself, a bearer
    # credential (filet.targeting.terminal_events); seals as the terminal read them.
    "terminal_events": pa.schema(
        [
            pa.field("container", pa.string(), nullable=False),
            pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("event", pa.string(), nullable=False),
            pa.field("terminal", pa.string()),
            pa.field("party", pa.string()),
            pa.field("haulier", pa.string()),
            pa.field("truck_plate", pa.string()),
            pa.field("pin_digest", pa.string()),
            pa.field("seal", pa.string()),
            pa.field("consignment_id", pa.string()),
            *_PROVENANCE_FIELDS,
        ]
    ),
}
