"""The words on a template's Instructions sheet, in English and Urdu."""

from __future__ import annotations

INSTRUCTIONS_EN = (
    "How to fill this return",
    [
        "1. Open the Data sheet. Choose your district in cell C2 (if it is not already filled) and "
        "check the reporting year in cell C3.",
        "2. Write your name and a phone number or e-mail in C4 and C5, so the Delivery Unit can "
        "reach you about this return.",
        "3. Fill one number per indicator and month, in the white cells. Hover over a cell to see "
        "what the indicator means.",
        "4. Leave a cell BLANK if the figure has not been reported. Write 0 (zero) only when the "
        "true figure is zero. Blank and zero mean different things.",
        "5. Type numbers only: no formulas, no text such as 'n/a', no thousands separators typed "
        "by hand. Money is in Pakistani rupees (PKR).",
        "6. Do not add, remove, rename or move rows, columns or sheets. Save as .xlsx (Excel or "
        "LibreOffice) and upload the file in DBMIS.",
        "7. DBMIS checks every cell at once and lists every problem with its cell, e.g. Data!F12. "
        "Fix them and upload again. Nothing is saved until the whole file passes.",
        "8. To correct a return that was already accepted, upload the corrected file: it becomes "
        "a new revision and needs the Delivery Unit's approval again.",
    ],
)

INSTRUCTIONS_UR = (
    "یہ گوشوارہ کیسے پُر کریں",
    [
        "1۔ ڈیٹا شیٹ کھولیں۔ خانہ C2 میں اپنا ضلع منتخب کریں (اگر پہلے سے درج نہ ہو) اور خانہ C3 میں "
        "رپورٹنگ کا سال دیکھ لیں۔",
        "2۔ خانہ C4 اور C5 میں اپنا نام اور فون نمبر یا ای میل لکھیں تاکہ ڈیلیوری یونٹ آپ سے رابطہ کر سکے۔",
        "3۔ ہر اشاریے اور مہینے کے لیے سفید خانوں میں ایک عدد لکھیں۔ اشاریے کا مطلب دیکھنے کے لیے خانے پر کرسر رکھیں۔",
        "4۔ اگر عدد رپورٹ نہیں ہوا تو خانہ خالی چھوڑیں۔ صفر (0) صرف اس وقت لکھیں جب اصل عدد صفر ہو۔ "
        "خالی اور صفر کا مطلب مختلف ہے۔",
        "5۔ صرف اعداد لکھیں: کوئی فارمولا نہیں، 'n/a' جیسا کوئی متن نہیں۔ رقم پاکستانی روپے میں ہے۔",
        "6۔ قطاریں، کالم یا شیٹس شامل، حذف، یا منتقل نہ کریں۔ فائل کو .xlsx کے طور پر محفوظ کریں اور DBMIS میں اپ لوڈ کریں۔",
        "7۔ DBMIS ہر خانے کی جانچ کرتا ہے اور ہر غلطی اس کے خانے کے ساتھ بتاتا ہے، مثلاً Data!F12۔ "
        "انہیں درست کر کے دوبارہ اپ لوڈ کریں۔ پوری فائل درست ہونے تک کچھ محفوظ نہیں ہوتا۔",
        "8۔ پہلے سے قبول شدہ گوشوارے کی درستگی کے لیے درست فائل اپ لوڈ کریں: یہ نیا ورژن بنے گی اور "
        "ڈیلیوری یونٹ کی دوبارہ منظوری درکار ہوگی۔",
    ],
)

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
UNIT_LABELS = {
    "count": "number",
    "pkr": "PKR",
    "hours": "hours",
    "days": "days",
    "percent": "%",
    "score": "score",
}
