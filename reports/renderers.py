"""``?format=csv``: a report as CSV, one header row of column labels (with units), one per group."""

from __future__ import annotations

import csv
import io

from rest_framework.renderers import BaseRenderer


def report_csv(report: dict) -> str:
    """The CSV text of a report's dict (``Report.as_dict``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = report["columns"]
    writer.writerow([f"{c['label']} ({c['unit']})" if c["unit"] else c["label"] for c in columns])
    for row in report["rows"]:
        writer.writerow(["" if row.get(c["key"]) is None else row[c["key"]] for c in columns])
    return out.getvalue()


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, dict) and "columns" in data and "rows" in data:
            return report_csv(data).encode()
        # An error or the list of reports: field, message rows.
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["field", "message"])
        items = data.items() if isinstance(data, dict) else enumerate(data or [])
        for key, value in items:
            for message in value if isinstance(value, list) else [value]:
                writer.writerow([key, message])
        return out.getvalue().encode()


class PDFRenderer(BaseRenderer):
    """Lets a client ask for ``application/pdf``; the view hands over the PDF's bytes itself.

    An error (a dict) still answers its JSON body, so the client reads why.
    """

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, bytes):
            return data
        import json

        return json.dumps(data).encode()
