"""The demo dataset: synthetic but realistic district returns, clearly labelled as demo data.

- :func:`generate` makes every district x indicator x month value (fixed seed), with the gaps
  and faults of real reporting: returns never sent, late returns, data-entry slips, and files
  that ingest must reject (:class:`DemoData`).
- :func:`iter_demo_files` / :func:`filled_workbook` turn it into the .xlsx files focal points
  upload; :func:`write_long_csv` into the long bulk CSV.
- :mod:`dbmis.demo.checks` proves the data against the catalog's rules and bounds and prints the
  province KPIs by year.
- :func:`dbmis.demo.load.load_demo` uploads the files as the demo's calendar says
  (:mod:`dbmis.demo.timeline`: each month when its return arrived, the Delivery Unit's reviews,
  releases and stocktakes at their dates), every time stamped with the simulated time.

Every figure is synthetic. The anchors (district sizes, jails, which KPI runs ahead or behind)
are illustrative and listed in :mod:`dbmis.demo.facts`.
"""

from dbmis.demo.files import (
    DEMO_LABEL,
    DemoFile,
    apply_fault,
    broken_workbook,
    filled_workbook,
    iter_demo_files,
    write_demo_files,
    write_long_csv,
)
from dbmis.demo.synth import FAULT_KINDS, BrokenFile, DemoData, default_months, generate

__all__ = [
    "DEMO_LABEL",
    "FAULT_KINDS",
    "BrokenFile",
    "DemoData",
    "DemoFile",
    "apply_fault",
    "broken_workbook",
    "default_months",
    "filled_workbook",
    "generate",
    "iter_demo_files",
    "write_demo_files",
    "write_long_csv",
]
