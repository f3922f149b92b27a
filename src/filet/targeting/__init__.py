"""Customs targeting: risk scores for declarations, with reasons, evaluated by date."""
