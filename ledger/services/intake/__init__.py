"""Intake the way bases work: attendance, rosters (CSV/XLSX) and xAPI statements."""
