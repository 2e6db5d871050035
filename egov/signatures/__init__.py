"""Signatures: sign PDFs (PAdES) and validate signed PDFs; certificates, tokens, the demo PKI.

Owns signing keys and certificates, signing requests and validation reports; serves the demo
CA's CRL, OCSP responder and time-stamp service. Depends on documents, organization, accounts, core.
"""
