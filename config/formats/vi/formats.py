"""Vietnamese number format: 1.500.000 đồng, as amounts are written in administrative documents.

Django's own `vi` formats set the separators but no grouping, so `intcomma` printed 1500000.
"""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
