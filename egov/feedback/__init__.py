"""Feedback: what citizens say about the service — ratings of dossiers and complaints or
recommendations (phản ánh, kiến nghị) with their own legal deadlines and published answers.

Owns Rating and Feedback. Depends on dossiers, procedures, organization, accounts, core.
"""
