"""The bare-Django baseline: one model, two endpoints, the essential middleware only.

Served by the same granian setup as egov against the same PostgreSQL server, so its throughput is
the "physical limit" that egov's scenarios are divided by (issue 6).
"""
