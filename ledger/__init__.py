"""The domain of the continuing-education hours ledger.

The pure core (every module at this level) imports only the standard library;
``ledger.store`` maps it to SQLAlchemy tables and ``ledger.services`` holds the
use cases. Nothing here imports Flask.
"""
