"""Messages of the portal area, in English and Urdu (same keys in both)."""

from __future__ import annotations

EN: dict[str, str] = {
    "portal.title": "My returns",
    "portal.intro": "Download your institution's monthly return template, fill it in Excel or "
    "LibreOffice, and upload it here. DBMIS checks every cell at once and tells you exactly "
    "what to fix.",
    "portal.scope.focal": "You report for: {places}.",
    "portal.scope.analyst": "As a Delivery Unit analyst you may download templates and upload "
    "returns for any district and institution.",
    "portal.scope.none": "Your account does not cover any district and institution yet. Ask "
    "the Delivery Unit to add them.",
    # 1. template
    "portal.template.title": "1. Download your template",
    "portal.template.text": "The template is pre-filled and locked for your district and the "
    "year you choose. Leave a cell blank if the figure was not reported; write 0 for a "
    "reported zero.",
    "portal.template.district": "District",
    "portal.template.institution": "Institution",
    "portal.template.year": "Reporting year",
    "portal.template.download": "Download the template (.xlsx)",
    # 2. upload
    "portal.upload.title": "2. Upload your filled file",
    "portal.upload.drop": "Drag and drop your file here, or",
    "portal.upload.choose": "choose a file",
    "portal.upload.help": "Accepted: the DBMIS template (.xlsx) or a long-format CSV file "
    "(.csv). Largest file: {size}.",
    "portal.upload.too_big": "“{name}” is larger than {size}, the largest file the site "
    "accepts, and was not sent. A filled template is far smaller: save it again from the "
    "template without extra sheets or pictures.",
    "portal.upload.checking": "Checking your file…",
    "portal.upload.waiting": "The result of the check will appear here.",
    # the result
    "portal.result.title": "Result of the check",
    "portal.result.accepted": "Accepted: your return was submitted to the Delivery Unit for "
    "review.",
    "portal.result.duplicate": "This exact file was submitted before: nothing new was saved.",
    "portal.result.rejected": "Not accepted: nothing of this file was saved.",
    "portal.result.fix": "Fix the cells listed below and upload the file again.",
    "portal.result.file": "File: {name}",
    "portal.result.submission": "Submission {id}, revision {revision}: {place}, {year}.",
    "portal.result.figures": "Figures",
    "portal.result.not_reported": "Cells not reported",
    "portal.result.not_due": "Cells of months not over yet",
    "portal.result.errors": "Errors",
    "portal.result.warnings": "Warnings",
    "portal.result.annotated": "Download your file with the problems marked (.xlsx)",
    "portal.result.open": "View submission {id}",
    "portal.result.issues": "Problems found: {count}",
    "portal.result.no_issues": "No problems found.",
    "portal.issue.severity": "Type",
    "portal.issue.cell": "Cell",
    "portal.issue.indicator": "Indicator",
    "portal.issue.period": "Month",
    "portal.issue.value": "Value in the file",
    "portal.issue.message": "What is wrong and how to fix it",
    "portal.severity.error": "Error",
    "portal.severity.warning": "Warning",
    "portal.error.too_large": "The file is larger than {size}, so it was not checked. Keep "
    "only the return in the file, or split it, and upload it again.",
    "portal.error.unreadable": "The file could not be received. Please choose it again.",
    "portal.error.no_account": "Your account may not upload returns. Ask the Delivery Unit's "
    "administrator.",
    "portal.error.unavailable": "The file could not be checked just now. Please try again in "
    "a few minutes.",
    # 3. submissions
    "portal.mine.title": "3. My submissions",
    "portal.recent.title": "3. Recent submissions",
    "portal.mine.text": "Each upload for the same district, institution and year is a new "
    "revision. The Delivery Unit reviews the newest one: it approves it, or returns it to you "
    "with a reason.",
    "portal.mine.none": "No submissions yet.",
    "portal.filter.title": "Show",
    "portal.filter.district": "District",
    "portal.filter.institution": "Institution",
    "portal.filter.status": "Status",
    "portal.filter.year": "Year",
    "portal.filter.any": "All",
    "portal.key.title": "{district} · {institution} · {year}",
    "portal.history.caption": "Revisions of {district}, {institution}, {year}",
    "portal.col.revision": "Revision",
    "portal.col.status": "Status",
    "portal.col.months": "Months",
    "portal.col.uploaded": "Uploaded",
    "portal.col.by": "By",
    "portal.col.reviewed": "Reviewed",
    "portal.col.note": "Delivery Unit's reason",
    "portal.col.details": "Details",
    "portal.open": "Submission {id}",
    "portal.returned.title": "Returned by the Delivery Unit on {date}",
    "portal.returned.reason": "Reason:",
    "portal.returned.next": "Correct your file and upload it again: it becomes a new revision.",
    "portal.status.submitted": "Waiting for review",
    "portal.status.approved": "Approved",
    "portal.status.returned": "Returned",
    "portal.status.superseded": "Replaced",
    "portal.status.rejected": "Not accepted",
    "portal.months.none": "no figures",
    "portal.time": "{date}, {time} UTC",
    "portal.rejected.title": "Files not accepted",
    "portal.rejected.text": "Nothing of these files was saved. Download a copy with the "
    "problems marked, fix them and upload the file again.",
    "portal.col.when": "When",
    "portal.col.file": "File",
    "portal.col.problems": "Problems",
    "portal.col.copy": "Marked copy",
    "portal.rejected.copy": "Download",
}

UR: dict[str, str] = {
    "portal.title": "میری رپورٹیں",
    "portal.intro": "اپنے ادارے کا ماہانہ رپورٹ کا سانچہ ڈاؤن لوڈ کریں، اسے ایکسل یا لبرے آفس "
    "میں بھریں اور یہاں اپ لوڈ کریں۔ ڈی بی ایم آئی ایس ہر خانہ فوراً جانچتا ہے اور بتاتا ہے کہ "
    "بالکل کیا درست کرنا ہے۔",
    "portal.scope.focal": "آپ ان کے لیے رپورٹ کرتے ہیں: {places}۔",
    "portal.scope.analyst": "ڈیلیوری یونٹ کے تجزیہ کار کے طور پر آپ کسی بھی ضلع اور ادارے کے "
    "سانچے ڈاؤن لوڈ اور رپورٹیں اپ لوڈ کر سکتے ہیں۔",
    "portal.scope.none": "آپ کے اکاؤنٹ میں ابھی کوئی ضلع اور ادارہ شامل نہیں۔ ڈیلیوری یونٹ سے "
    "انہیں شامل کرنے کو کہیں۔",
    "portal.template.title": "1۔ اپنا سانچہ ڈاؤن لوڈ کریں",
    "portal.template.text": "سانچے میں آپ کا ضلع اور آپ کا چنا ہوا سال پہلے سے درج اور مقفل "
    "ہے۔ جو عدد رپورٹ نہ ہوا ہو اس کا خانہ خالی چھوڑیں؛ صفر رپورٹ کرنے کے لیے 0 لکھیں۔",
    "portal.template.district": "ضلع",
    "portal.template.institution": "ادارہ",
    "portal.template.year": "رپورٹ کا سال",
    "portal.template.download": "سانچہ ڈاؤن لوڈ کریں (.xlsx)",
    "portal.upload.title": "2۔ اپنی بھری ہوئی فائل اپ لوڈ کریں",
    "portal.upload.drop": "اپنی فائل یہاں کھینچ کر چھوڑیں، یا",
    "portal.upload.choose": "فائل منتخب کریں",
    "portal.upload.help": "قابل قبول: ڈی بی ایم آئی ایس کا سانچہ (.xlsx) یا لمبی شکل کی سی ایس "
    "وی فائل (.csv)۔ زیادہ سے زیادہ سائز: {size}۔",
    "portal.upload.too_big": "“{name}” کا حجم {size} سے زیادہ ہے، جو سائٹ پر قبول ہونے والی سب "
    "سے بڑی فائل ہے، اس لیے یہ نہیں بھیجی گئی۔ بھرا ہوا سانچہ اس سے بہت چھوٹا ہوتا ہے: اسے اضافی "
    "شیٹوں یا تصویروں کے بغیر سانچے سے دوبارہ محفوظ کریں۔",
    "portal.upload.checking": "آپ کی فائل جانچی جا رہی ہے…",
    "portal.upload.waiting": "جانچ کا نتیجہ یہاں ظاہر ہوگا۔",
    "portal.result.title": "جانچ کا نتیجہ",
    "portal.result.accepted": "قبول: آپ کی رپورٹ جائزے کے لیے ڈیلیوری یونٹ کو جمع ہو گئی۔",
    "portal.result.duplicate": "یہی فائل پہلے جمع ہو چکی ہے: کچھ نیا محفوظ نہیں ہوا۔",
    "portal.result.rejected": "قبول نہیں: اس فائل میں سے کچھ بھی محفوظ نہیں ہوا۔",
    "portal.result.fix": "نیچے درج خانے درست کریں اور فائل دوبارہ اپ لوڈ کریں۔",
    "portal.result.file": "فائل: {name}",
    "portal.result.submission": "جمع شدہ رپورٹ {id}، نظرثانی {revision}: {place}، {year}۔",
    "portal.result.figures": "اعداد",
    "portal.result.not_reported": "خانے جو رپورٹ نہیں ہوئے",
    "portal.result.not_due": "ان مہینوں کے خانے جو ابھی ختم نہیں ہوئے",
    "portal.result.errors": "غلطیاں",
    "portal.result.warnings": "انتباہات",
    "portal.result.annotated": "اپنی فائل ڈاؤن لوڈ کریں جس میں مسائل نشان زد ہیں (.xlsx)",
    "portal.result.open": "جمع شدہ رپورٹ {id} دیکھیں",
    "portal.result.issues": "ملنے والے مسائل: {count}",
    "portal.result.no_issues": "کوئی مسئلہ نہیں ملا۔",
    "portal.issue.severity": "قسم",
    "portal.issue.cell": "خانہ",
    "portal.issue.indicator": "اشاریہ",
    "portal.issue.period": "مہینہ",
    "portal.issue.value": "فائل میں درج قدر",
    "portal.issue.message": "کیا غلط ہے اور کیسے درست کریں",
    "portal.severity.error": "غلطی",
    "portal.severity.warning": "انتباہ",
    "portal.error.too_large": "فائل {size} سے بڑی ہے، اس لیے جانچی نہیں گئی۔ فائل میں صرف رپورٹ "
    "رکھیں، یا اسے تقسیم کریں، اور دوبارہ اپ لوڈ کریں۔",
    "portal.error.unreadable": "فائل موصول نہیں ہو سکی۔ براہ کرم اسے دوبارہ منتخب کریں۔",
    "portal.error.no_account": "آپ کا اکاؤنٹ رپورٹیں اپ لوڈ نہیں کر سکتا۔ ڈیلیوری یونٹ کے منتظم "
    "سے رابطہ کریں۔",
    "portal.error.unavailable": "فائل اس وقت جانچی نہیں جا سکی۔ براہ کرم چند منٹ بعد دوبارہ "
    "کوشش کریں۔",
    "portal.mine.title": "3۔ میری جمع شدہ رپورٹیں",
    "portal.recent.title": "3۔ حالیہ جمع شدہ رپورٹیں",
    "portal.mine.text": "ایک ہی ضلع، ادارے اور سال کا ہر اپ لوڈ ایک نئی نظرثانی ہے۔ ڈیلیوری یونٹ "
    "سب سے نئی نظرثانی کا جائزہ لیتا ہے: اسے منظور کرتا ہے، یا وجہ بتا کر آپ کو واپس کرتا ہے۔",
    "portal.mine.none": "ابھی کوئی رپورٹ جمع نہیں ہوئی۔",
    "portal.filter.title": "دکھائیں",
    "portal.filter.district": "ضلع",
    "portal.filter.institution": "ادارہ",
    "portal.filter.status": "کیفیت",
    "portal.filter.year": "سال",
    "portal.filter.any": "سب",
    "portal.key.title": "{district} · {institution} · سال {year}",
    "portal.history.caption": "{district}، {institution}، {year} کی نظرثانیاں",
    "portal.col.revision": "نظرثانی",
    "portal.col.status": "کیفیت",
    "portal.col.months": "مہینے",
    "portal.col.uploaded": "اپ لوڈ",
    "portal.col.by": "از",
    "portal.col.reviewed": "جائزہ",
    "portal.col.note": "ڈیلیوری یونٹ کی وجہ",
    "portal.col.details": "تفصیل",
    "portal.open": "جمع شدہ رپورٹ {id}",
    "portal.returned.title": "ڈیلیوری یونٹ نے {date} کو واپس کی",
    "portal.returned.reason": "وجہ:",
    "portal.returned.next": "اپنی فائل درست کریں اور دوبارہ اپ لوڈ کریں: یہ ایک نئی نظرثانی بن "
    "جائے گی۔",
    "portal.status.submitted": "جائزے کی منتظر",
    "portal.status.approved": "منظور شدہ",
    "portal.status.returned": "واپس کی گئی",
    "portal.status.superseded": "تبدیل شدہ",
    "portal.status.rejected": "قبول نہیں",
    "portal.months.none": "کوئی عدد نہیں",
    "portal.time": "{date}، {time} یو ٹی سی",
    "portal.rejected.title": "فائلیں جو قبول نہیں ہوئیں",
    "portal.rejected.text": "ان فائلوں میں سے کچھ بھی محفوظ نہیں ہوا۔ مسائل کی نشان دہی والی "
    "نقل ڈاؤن لوڈ کریں، انہیں درست کریں اور فائل دوبارہ اپ لوڈ کریں۔",
    "portal.col.when": "کب",
    "portal.col.file": "فائل",
    "portal.col.problems": "مسائل",
    "portal.col.copy": "نشان زد نقل",
    "portal.rejected.copy": "ڈاؤن لوڈ",
}
