"""Organization: the tree of administrative units, who holds which role where, and when they work.

Owns UnitLevel, Unit, Membership and the working-day calendar (holidays, make-up days, office
hours). Depends on accounts, core.
"""
