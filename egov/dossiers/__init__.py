"""Dossiers: the one-stop case (hồ sơ TTHC) from receipt to returned result.

Owns Dossier, its events (the control slip), components with their files, the gapless dossier
code, the legal SLA clock, forms 01–07 and the notification and national-portal outboxes.
Depends on procedures, signatures, documents, organization, accounts, core.
"""
