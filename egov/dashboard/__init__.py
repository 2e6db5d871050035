"""Dashboard: the staff workspace (composition only).

The officer's home after login: their units, roles and, later, work queues and indicators.
Depends on procedures, organization, accounts, core.
"""
