"""The HTTP layer: thin views over ledger.services, one blueprint per resource."""

from . import json_body

# Before any blueprint module binds its parser (api.json_body).
json_body.install()
