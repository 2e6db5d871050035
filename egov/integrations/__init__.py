"""Integrations: adapters to national systems egov cannot reach here, and their local simulators.

The population database (CSDLQG về dân cư), SMS, the national public-service portal sync; each
adapter has one clear interface and a simulator that speaks the same HTTP protocol, served by
egov under /mo-phong/ for the demo and the tests. Depends on core.
"""
