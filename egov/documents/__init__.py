"""Documents: files with immutable versions, upload checks, text for search, digitisation (OCR).

Owns Document, DocumentVersion and DigitisationJob. Knows no owners: dossiers, official
documents and meetings link to documents from above. Depends on organization, accounts, core.
"""
