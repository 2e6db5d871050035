"""Procedures: the catalogue of administrative procedures (thủ tục hành chính, TTHC).

Owns Sector, PublicationDecision, Procedure and its immutable ProcedureVersions with components,
fees and process steps; import/export of the catalogue. Depends on organization, accounts, core.
"""
