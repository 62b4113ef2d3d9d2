"""The Reconciliation Service API (W3C Reconciliation Community Group, version 0.2):
matching a table's names against the catalogue's records, agents and concepts."""
