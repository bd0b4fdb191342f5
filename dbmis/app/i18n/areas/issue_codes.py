"""Upload issue codes in English and Urdu: per code a title (the problem) and what to do.

The English texts are not copied here: they come from the code registries
(:mod:`dbmis.ingest.codes` and :mod:`dbmis.ingest.safety.codes`, which also generate
docs/issue-codes.md). The Urdu texts are written here for a district clerk, with technical
names (.xlsx, Excel, LibreOffice, CSV, cells such as C2, menu paths) kept in Latin script as the
clerk sees them on screen; menu paths and quoted names sit in left-to-right isolates so that
the right-to-left text around them cannot reorder them. Keys: ``issue.<CODE>.title`` and
``issue.<CODE>.fix``, plus a few ``issue.*`` labels of the issue tables. A test fails when a
code of the registries has no Urdu here.
"""

from __future__ import annotations

from typing import NamedTuple

from dbmis.ingest import codes as ingest_codes
from dbmis.ingest.safety import codes as safety_codes

LRI, PDI = "\u2066", "\u2069"


def _l(text: str) -> str:
    """``text`` (a menu path, a quoted name) as a left-to-right run inside Urdu."""
    return f"{LRI}{text}{PDI}"


_RESAVE = (
    f"فائل کو Excel (یا LibreOffice) میں کھولیں، {_l('Excel Workbook (.xlsx)')} کے طور پر "
    "محفوظ کریں اور دوبارہ اپ لوڈ کریں۔"
)
_FRESH = "نیا ٹیمپلیٹ ڈاؤن لوڈ کریں، اپنے اعداد اس میں نقل کریں اور وہی فائل اپ لوڈ کریں۔"
_CLEAN = "فالتو شیٹس، تصویریں اور خالی قطاریں حذف کریں، فائل محفوظ کریں اور دوبارہ اپ لوڈ کریں۔"
_PASTE = _l("Paste Special > Values")
_NEW_TEMPLATE = (
    f"DBMIS سے نیا ٹیمپلیٹ ڈاؤن لوڈ کریں، اپنے اعداد اس میں نقل کریں ({_PASTE}) اور وہی "
    "فائل اپ لوڈ کریں۔"
)
_RESTORE = (
    f"تبدیلی واپس لیں ({_l('Undo')})، یا نیا ٹیمپلیٹ ڈاؤن لوڈ کر کے اپنے اعداد اس میں نقل "
    f"کریں ({_PASTE})۔"
)
_CSV_UTF8 = _l("'CSV UTF-8 (Comma delimited)'")
_TEXT_CSV = _l("'Text CSV'")
_UNICODE = _l("'Unicode (UTF-8)'")
_QUOTED = _l('"..."')
_YEAR = "خانہ C3 میں چار ہندسوں کا سال لکھیں، مثلاً 2026۔"
_CHECK = "عدد جانچیں اور درست عدد لکھیں۔"

UR_CODES: dict[str, tuple[str, str]] = {
    # --- file safety checks -------------------------------------------------------------------
    "FILE_EMPTY": (
        "خالی فائل",
        "دیکھ لیں کہ آپ نے درست فائل منتخب کی ہے اور وہ محفوظ کی گئی تھی، پھر دوبارہ اپ لوڈ کریں۔",
    ),
    "FILE_TOO_LARGE": (
        "فائل بہت بڑی ہے",
        "صرف ایک ادارے اور ایک سال کا ٹیمپلیٹ اپ لوڈ کریں۔ " + _CLEAN,
    ),
    "FILE_OLE2_ENCRYPTED_OR_XLS": (
        "پاس ورڈ والی یا پرانی طرز کی Excel فائل",
        "پاس ورڈ ہٹا دیں ("
        + _l("File > Info > Protect Workbook > Encrypt with Password")
        + " میں جا کر پاس ورڈ مٹا دیں) یا فائل کو "
        + _l("Excel Workbook (.xlsx)")
        + " کے طور پر محفوظ کریں، پھر دوبارہ اپ لوڈ کریں۔",
    ),
    "FILE_NOT_ZIP": ("یہ Excel ورک بک نہیں", _RESAVE),
    "FILE_TRUNCATED_ZIP": (
        "نامکمل فائل",
        "فائل اپنے کمپیوٹر پر کھول کر دیکھیں، اسے دوبارہ .xlsx کے طور پر محفوظ کریں اور پھر "
        "اپ لوڈ کریں۔",
    ),
    "FILE_CORRUPT_ZIP": ("خراب فائل", _RESAVE),
    "FILE_TOO_MANY_ENTRIES": ("فائل کے اندرونی حصے بہت زیادہ ہیں", _FRESH),
    "FILE_BAD_ENTRY_NAME": ("فائل کے اندر غیر محفوظ نام", _FRESH),
    "FILE_DUPLICATE_ENTRY": ("فائل کے اندرونی حصے دہرائے گئے ہیں", _FRESH),
    "FILE_ZIP_BOMB": ("فائل مشکوک طریقے سے سکیڑی گئی ہے", _FRESH),
    "FILE_UNCOMPRESSED_TOO_LARGE": ("فائل کا مواد بہت بڑا ہے", _CLEAN),
    "FILE_PART_TOO_LARGE": (
        "ورک بک کا ایک حصہ بہت بڑا ہے",
        "فالتو قطاریں، کالم اور تصویریں حذف کریں، فائل محفوظ کریں اور دوبارہ اپ لوڈ کریں۔",
    ),
    "FILE_NOT_WORKBOOK": ("یہ عام Excel ورک بک نہیں", _RESAVE),
    "FILE_WORKBOOK_DAMAGED": ("خراب ورک بک", _RESAVE),
    "FILE_MACROS": (
        "فائل میں میکرو ہیں",
        "فائل کو عام Excel ورک بک (.xlsx) کے طور پر محفوظ کریں اور دوبارہ اپ لوڈ کریں۔",
    ),
    "FILE_EXTERNAL_LINKS": (
        "دوسری فائلوں سے روابط",
        f"Excel میں {_l('Data > Edit Links > Break Link')} منتخب کریں، فائل محفوظ کریں اور "
        "دوبارہ اپ لوڈ کریں۔",
    ),
    "FILE_DATA_CONNECTIONS": (
        "ڈیٹا کنکشن موجود ہیں",
        f"انہیں ہٹا دیں ({_l('Data > Queries & Connections')})، فائل محفوظ کریں اور دوبارہ "
        "اپ لوڈ کریں۔",
    ),
    "FILE_EMBEDDED_OBJECTS": (
        "فائل میں شامل اشیا یا کنٹرول",
        "انہیں حذف کریں، فائل محفوظ کریں اور دوبارہ اپ لوڈ کریں۔",
    ),
    "FILE_XML_DOCTYPE": ("فائل میں چھپی ہوئی ہدایات", _FRESH),
    "FILE_XML_MALFORMED": ("فائل کا مواد خراب ہے", _RESAVE),
    "FILE_SHEET_TOO_LARGE": (
        "شیٹ بہت بڑی ہے",
        "فالتو قطاریں اور کالم حذف کریں (یا اپنے اعداد نئے ٹیمپلیٹ میں نقل کریں)، فائل محفوظ "
        "کریں اور دوبارہ اپ لوڈ کریں۔",
    ),
    "FILE_SHARED_STRINGS_TOO_LARGE": (
        "فائل میں متن بہت زیادہ ہے",
        "فالتو شیٹس اور اپنا شامل کیا ہوا متن حذف کریں، یا اپنے اعداد نئے ٹیمپلیٹ میں نقل "
        "کریں، اور دوبارہ اپ لوڈ کریں۔",
    ),
    "FILE_FORMULA": (
        "عدد کے خانے میں فارمولا",
        f"خود عدد ٹائپ کریں (یا خانے کاپی کر کے {_PASTE} استعمال کریں)، فائل محفوظ کریں اور "
        "دوبارہ اپ لوڈ کریں۔",
    ),
    "FILE_NOT_UTF8": (
        "CSV فائل UTF-8 میں محفوظ نہیں",
        f"Excel میں {_l('File > Save As')} کھول کر {_CSV_UTF8} چنیں؛ LibreOffice میں "
        f"{_TEXT_CSV} چنیں اور character set {_UNICODE} رکھیں۔ پھر "
        "دوبارہ اپ لوڈ کریں۔",
    ),
    "FILE_CSV_MALFORMED": (
        "یہ متن والی CSV فائل نہیں",
        f"ڈیٹا کو {_CSV_UTF8} کے طور پر محفوظ کریں اور دوبارہ اپ لوڈ کریں۔",
    ),
    "FILE_CSV_TOO_MANY_LINES": (
        "CSV فائل بہت لمبی ہے",
        "فائل کو چھوٹی فائلوں میں تقسیم کریں (مثلاً ہر سال کی الگ فائل) اور ہر ایک اپ لوڈ کریں۔",
    ),
    "FILE_CSV_LINE_TOO_LONG": (
        "CSV کی ایک سطر بہت لمبی ہے",
        f"ڈیٹا کو Excel یا LibreOffice سے {_CSV_UTF8} کے طور پر محفوظ کریں اور دوبارہ اپ لوڈ کریں۔",
    ),
    # --- the file as a whole ------------------------------------------------------------------
    "WORKBOOK_UNREADABLE": (
        "ورک بک پڑھی نہیں جا سکی",
        f"فائل کو Excel یا LibreOffice میں کھولیں، {_l('Excel Workbook (.xlsx)')} کے طور پر "
        "محفوظ کریں اور دوبارہ اپ لوڈ کریں۔",
    ),
    "TEMPLATE_UNKNOWN": (
        "یہ DBMIS کا ٹیمپلیٹ نہیں",
        "اپنے ادارے کا ٹیمپلیٹ DBMIS سے ڈاؤن لوڈ کریں، اسے پُر کریں اور وہی فائل اپ لوڈ کریں۔",
    ),
    "TEMPLATE_VERSION": ("ٹیمپلیٹ کا پرانا یا نیا نسخہ", _NEW_TEMPLATE),
    "TEMPLATE_OUTDATED": ("ٹیمپلیٹ پرانا ہو چکا ہے", _NEW_TEMPLATE),
    "TEMPLATE_WRONG_INSTITUTION": (
        "کسی دوسرے ادارے کا ٹیمپلیٹ",
        "درست ادارہ منتخب کریں، یا اپنے ادارے کا ٹیمپلیٹ ڈاؤن لوڈ کریں۔",
    ),
    # --- structure ----------------------------------------------------------------------------
    "SHEET_MISSING": ("شیٹ موجود نہیں یا اس کا نام بدلا گیا ہے", _RESTORE),
    "SHEET_HIDDEN_DATA": (
        "Data شیٹ چھپی ہوئی ہے",
        f"Data شیٹ کو ظاہر کریں (کسی شیٹ کے ٹیب پر دایاں کلک کر کے {_l('Unhide')})، اس کے "
        "اعداد جانچیں، فائل محفوظ کریں اور دوبارہ اپ لوڈ کریں۔",
    ),
    "STRUCTURE_ROWS_CHANGED": ("اشاریوں کی قطاریں بدل دی گئی ہیں", _RESTORE),
    "STRUCTURE_MERGED_CELLS": (
        "ملائے گئے خانے (Merged cells)",
        f"ملائے گئے خانے منتخب کریں، {_l('Merge & Center > Unmerge Cells')} سے انہیں الگ "
        "کریں، ہر خانے میں ایک عدد لکھیں اور دوبارہ اپ لوڈ کریں۔",
    ),
    "STRUCTURE_VALUE_OUTSIDE_GRID": (
        "اعداد کے خانوں سے باہر کچھ لکھا ہے",
        "اعداد کو درست اشاریے کی قطار اور مہینے کے کالم میں منتقل کریں، باقی سب کچھ حذف کریں، "
        "فائل محفوظ کریں اور دوبارہ اپ لوڈ کریں۔",
    ),
    "DATA_EMPTY": (
        "کوئی عدد درج نہیں",
        "دیکھ لیں کہ آپ نے پُر کی ہوئی فائل اپ لوڈ کی ہے، خالی ٹیمپلیٹ نہیں۔",
    ),
    # --- district, institution, year ----------------------------------------------------------
    "DISTRICT_MISSING": (
        "ضلع درج نہیں",
        "خانہ C2 میں فہرست سے اپنا ضلع منتخب کریں (CSV میں: ضلع کا کوڈ لکھیں)۔",
    ),
    "DISTRICT_UNKNOWN": (
        "نامعلوم ضلع",
        "خانہ C2 میں فہرست سے ضلع منتخب کریں (CSV میں: DBMIS کی اضلاع کی فہرست سے ضلع کا کوڈ "
        "لکھیں)۔",
    ),
    "DISTRICT_NOT_ALLOWED": (
        "یہ ضلع آپ کے ذمے نہیں",
        "صرف اپنے ضلع (یا اضلاع) کی رپورٹیں اپ لوڈ کریں؛ اگر یہ ضلع آپ کے اکاؤنٹ میں شامل "
        "ہونا چاہیے تو ڈیلیوری یونٹ سے رابطہ کریں۔",
    ),
    "INSTITUTION_NOT_ALLOWED": (
        "یہ ادارہ آپ کے ذمے نہیں",
        "اپنے ادارے کا ٹیمپلیٹ اپ لوڈ کریں؛ اگر یہ ادارہ آپ کے اکاؤنٹ میں شامل ہونا چاہیے تو "
        "ڈیلیوری یونٹ سے رابطہ کریں۔",
    ),
    "DISTRICT_OUTSIDE_TEMPLATE": (
        "ضلع ٹیمپلیٹ سے مختلف ہے",
        "درست ضلع کا ٹیمپلیٹ ڈاؤن لوڈ کریں اور اپنے اعداد اس میں نقل کریں۔",
    ),
    "YEAR_MISSING": ("سال درج نہیں", _YEAR),
    "YEAR_INVALID": ("سال درست نہیں", _YEAR),
    "YEAR_OUTSIDE_TEMPLATE": (
        "سال ٹیمپلیٹ سے مختلف ہے",
        "درست سال کا ٹیمپلیٹ ڈاؤن لوڈ کریں اور اپنے اعداد اس میں نقل کریں۔",
    ),
    "PERIOD_IN_FUTURE": (
        "ایسے مہینے کا عدد جو ابھی ختم نہیں ہوا",
        "جو مہینے ابھی ختم نہیں ہوئے ان کے خانے خالی چھوڑ دیں؛ مہینہ ختم ہونے کے بعد ان کی "
        "رپورٹ دیں۔",
    ),
    # --- values and rules ---------------------------------------------------------------------
    "VALUE_NOT_NUMBER": (
        "یہ عدد نہیں",
        "صرف عدد لکھیں (الفاظ، اکائی یا ہزار کے کاما کے بغیر)۔ اگر عدد رپورٹ نہیں ہوا تو خانہ "
        "خالی چھوڑ دیں۔",
    ),
    "VALUE_NOT_WHOLE": ("پورا عدد نہیں", "اعشاریہ کے بغیر پورا عدد لکھیں۔"),
    "VALUE_BELOW_MIN": ("عدد بہت کم ہے", _CHECK),
    "VALUE_ABOVE_MAX": ("عدد بہت زیادہ ہے", _CHECK),
    "VALUE_FORMULA": (
        "عدد کی جگہ فارمولا",
        f"خود عدد ٹائپ کریں (یا خانے کاپی کر کے {_PASTE} استعمال کریں)۔",
    ),
    "DUPLICATE_VALUE": (
        "ایک ہی عدد دو بار دیا گیا",
        "ہر ضلع، اشاریے اور مہینے کے لیے صرف ایک سطر رکھیں۔",
    ),
    "RULE_ERROR": (
        "اعداد ایک دوسرے سے میل نہیں کھاتے",
        "دونوں اعداد اپنے رجسٹر سے ملائیں اور جو غلط ہو اسے درست کریں۔",
    ),
    "RULE_WARNING": (
        "اعداد کا غیر معمولی امتزاج",
        "دونوں اعداد جانچ لیں؛ اگر درست ہیں تو کچھ کرنے کی ضرورت نہیں۔",
    ),
    "OUTLIER": (
        "غیر معمولی عدد",
        "عدد اپنے رجسٹر سے ملائیں؛ اگر درست ہے تو کچھ کرنے کی ضرورت نہیں۔",
    ),
    # --- CSV files ----------------------------------------------------------------------------
    "CSV_HEADER": (
        "CSV کے کالم غلط ہیں",
        f"پہلی سطر یہ بنائیں: {_l('district,institution,indicator,period,value')} (کسی بھی "
        "ترتیب میں)۔",
    ),
    "CSV_LINE_INVALID": (
        "CSV کی سطر پڑھی نہیں جا سکی",
        f"ہر قدر اپنے الگ کالم میں رکھیں، جن قدروں میں کاما ہو انہیں {_QUOTED} کے اندر "
        "لکھیں، اور فائل دوبارہ محفوظ کریں۔",
    ),
    "CSV_INSTITUTION_UNKNOWN": (
        "نامعلوم ادارہ",
        "DBMIS کیٹلاگ سے ادارے کا کوڈ استعمال کریں، مثلاً PROSECUTION۔",
    ),
    "CSV_INDICATOR_UNKNOWN": ("نامعلوم اشاریہ", "DBMIS کیٹلاگ سے اشاریے کا کوڈ استعمال کریں۔"),
    "CSV_INDICATOR_INSTITUTION": (
        "کسی دوسرے ادارے کا اشاریہ",
        "ادارے یا اشاریے کا کوڈ درست کریں۔",
    ),
    "CSV_PERIOD_INVALID": (
        "مدت درست نہیں",
        "مہینہ YYYY-MM کی صورت میں لکھیں، مثلاً 2026-07۔",
    ),
}
"""Per code: the Urdu title and the Urdu "what to do"."""


def _english() -> dict[str, tuple[str, str]]:
    """Per code: the English title and "what to do", from the two registries."""
    found = {code: (doc.title, doc.action) for code, doc in safety_codes.CODES.items()}
    found |= {code: (info.title, info.fix) for code, info in ingest_codes.CODES.items()}
    return found


def _keyed(texts: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {
        key: text
        for code, (title, fix) in texts.items()
        for key, text in ((f"issue.{code}.title", title), (f"issue.{code}.fix", fix))
    }


_LABELS_EN: dict[str, str] = {
    "issue.col.problem": "Problem",
    "issue.col.fix": "What to do",
    "issue.detail": "Details:",
    "issue.note": "Each problem is explained in Urdu; the details (cell, figure, rule) follow "
    "in English.",
}
_LABELS_UR: dict[str, str] = {
    "issue.col.problem": "مسئلہ",
    "issue.col.fix": "کیا کریں",
    "issue.detail": "تفصیل:",
    "issue.note": "ہر مسئلہ اردو میں بیان کیا گیا ہے؛ اس کی تفصیل (خانہ، عدد، قاعدہ) انگریزی "
    "میں ساتھ دی گئی ہے۔",
}

_EN_CODES = _english()
EN: dict[str, str] = _LABELS_EN | _keyed(_EN_CODES)
UR: dict[str, str] = _LABELS_UR | _keyed({c: UR_CODES.get(c, t) for c, t in _EN_CODES.items()})
"""Codes without Urdu fall back to English here (a test fails for them)."""


class IssueText(NamedTuple):
    title: str
    fix: str


def issue_text(code: str, lang: str) -> IssueText | None:
    """The title and "what to do" of an issue ``code`` in ``lang`` (English unless ``ur``);
    None for a code the registries do not document."""
    messages = UR if lang == "ur" else EN
    title = messages.get(f"issue.{code}.title")
    fix = messages.get(f"issue.{code}.fix")
    return IssueText(title, fix) if title is not None and fix is not None else None
