"""Excel templates generated from the catalog, one per institution."""

from dbmis.ingest.templates.build import (
    build_template,
    template_bytes,
    template_filename,
    write_templates,
)

__all__ = ["build_template", "template_bytes", "template_filename", "write_templates"]
