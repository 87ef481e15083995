"""Exports of the benchmarking reports: CSV, XLSX (openpyxl), printable HTML (Jinja2) and PDF
(fpdf2, no browser needed)."""
