"""Messages of the signed-in areas, one module per area (``EN`` and ``UR`` dicts with the same
keys), merged into :data:`dbmis.app.i18n.MESSAGES`. Keys are prefixed by the area
(``auth.``, ``portal.``, ``review.``, ``quality.``, ``stocktake.``, ``steering.``, ``audit.``,
``users.``, ``plan.``, ``issue.`` for upload issue codes) so that no two modules define the
same key (a test checks it)."""

from __future__ import annotations

from types import ModuleType

from dbmis.app.i18n.areas import auth, issue_codes, plan, portal, review, steering, stocktake

AREAS: tuple[ModuleType, ...] = (auth, portal, review, stocktake, steering, plan, issue_codes)
