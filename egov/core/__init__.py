"""Core: the shared kernel every app may use.

Owns the hash-chained audit log, request ids, Vietnamese text folding for search and the
typed request. Imports no other egov app.
"""
