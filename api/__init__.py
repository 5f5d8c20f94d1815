"""The HTTP layer: thin views over ledger.services, one blueprint per resource."""
