"""Accounts: the people who use egov, staff and citizens, and how they prove who they are.

Owns User and ApiToken; login with lockout, TOTP two-factor, password reset.
Depends on core.
"""
