"""Every interface string of the public website, in English (``EN``) and Urdu (``UR``).

Both dicts have exactly the same keys (a test checks it, and that every key the app uses is
here). ``{name}`` placeholders are filled by :func:`dbmis.app.i18n.t`; numbers arrive already
formatted (Western digits in both languages). Names of KPIs, places and priorities are not
here: they come from the catalog.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # frame
    "skip": "Skip to main content",
    "noscript": "This site needs JavaScript to show its pages. The published figures can also "
    "be downloaded without it: /download/values.csv",
    "nav.label": "Main",
    "nav.home": "Home",
    "nav.kpis": "KPIs",
    "nav.districts": "Districts",
    "nav.data": "Data and downloads",
    "nav.about": "About",
    "lang.label": "Language",
    "lang.switch_to": "Read this page in {language}",
    "demo.title": "Demonstration data.",
    "demo.text": "The figures on this site are synthetic, made up for a demonstration. They are "
    "not official statistics.",
    "footer.release": "Figures of release {number}, published on {date}, with data up to "
    "{through}.",
    "footer.no_release": "No figures have been published yet.",
    "footer.api": "Open data API",
    "footer.owner": "{title}, {province}: published by the Delivery Unit from the approved "
    "monthly returns of the districts.",
    "unavailable.title": "Figures unavailable",
    "unavailable.text": "The published figures cannot be read at the moment. Please try again "
    "in a few minutes.",
    "notfound.title": "Page not found",
    "notfound.text": "There is no page at this address. It may have moved, or the address may "
    "be mistyped. These pages may help:",
    # releases
    "release.title": "What changed in this release",
    "release.published": "Figures published on {date} (release {number}), with data up to "
    "{through}.",
    "release.note": "Note from the Delivery Unit:",
    "release.none": "No figures have been published yet. Figures appear here once the Delivery "
    "Unit publishes its first release.",
    "changes.title": "Changes since the previous release",
    "changes.first": "This is the first release: {values} figures published.",
    "changes.values": "Since release {previous}: {added} new figures, {revised} revised, "
    "{removed} withdrawn.",
    "changes.submissions": "District returns: {new} new, {revised} corrected, {withdrawn} "
    "withdrawn.",
    "changes.revised_title": "Revised province figures include:",
    "changes.revised_item": "{name}, {period}: {old} → {new}",
    # home
    "home.headline": "Headline KPIs",
    "home.headline_intro": "The latest figure for the whole province, compared with the "
    "trajectory planned from the baseline to the target.",
    "home.priorities": "The Roadmap's priorities",
    "card.period": "in {period}",
    "card.no_value": "No figure yet",
    "card.target": "Target",
    "card.baseline": "Baseline",
    "card.planned": "Planned",
    "card.trend_table": "Recent figures as a table",
    "card.trend_caption": "{name}: recent figures, newest first",
    "target.text": "{value} by {period}",
    "target.baseline": "{value} in {period}",
    "target.none": "No target set",
    "value.incomplete": "Incomplete: fewer district returns than expected.",
    # status
    "legend.title": "How to read the status",
    "status.none": "Not judged",
    "status.meaning.target_met": "the figure has reached the target.",
    "status.meaning.on_track": "at or ahead of the planned trajectory, or behind it by no more "
    "than the agreed tolerance.",
    "status.meaning.at_risk": "behind the trajectory by more than the tolerance, but not more "
    "than twice the tolerance.",
    "status.meaning.off_track": "behind the trajectory by more than twice the tolerance.",
    "status.meaning.no_data": "no figure for the period.",
    "direction.up": "Higher is better",
    "direction.down": "Lower is better",
    # KPIs
    "kpis.title": "All KPIs",
    "kpis.caption": "{priority}: latest figures for {province}",
    "kpi.definition": "Definition",
    "kpi.formula": "How it is calculated",
    "kpi.unit": "Unit",
    "kpi.direction": "Direction",
    "kpi.source": "Source",
    "kpi.values": "Published figures",
    "kpi.series_caption": "{name}, {place}: {period_type} figures, newest first",
    "kpi.no_values": "No published figures for this choice.",
    "kpi.districts": "Districts compared",
    "kpi.districts_caption": "{name} by district, {period} (province: {province}), best first",
    "kpi.status_note": "Status is judged against a trajectory: the province's, or a district's "
    "own where it has one. Divisions and districts without their own target are not judged.",
    "choose.period": "Period",
    "choose.place": "Choose a place: province, division or district",
    # districts
    "districts.title": "Districts",
    "districts.intro": "{province} has {districts} districts in {divisions} divisions. Choose a "
    "district to see its latest figures.",
    "district.intro": "The latest published figure of each KPI for this district, next to the "
    "figure for {province} in the same period.",
    "district.caption": "{district}: latest figures",
    "district.status_note": "A district is judged against a trajectory only where it has a "
    "target of its own.",
    # data
    "data.title": "Data and downloads",
    "data.intro": "Every published figure of the latest release, by KPI, place and period. "
    "Filter it, download it as CSV or Excel, or read it from the open data API.",
    "data.release": "Release {number}.",
    "data.filters": "Filters",
    "data.downloads": "Downloads",
    "data.downloads_intro": "The downloads hold the figures chosen by the filters above, with "
    "numerators, denominators and completeness.",
    "data.csv": "Download as CSV",
    "data.xlsx": "Download as Excel (.xlsx)",
    "data.api": "The same figures from the API (JSON)",
    "data.openapi": "API description (OpenAPI)",
    "data.values": "Figures",
    "data.caption": "Published figures ({total} in all)",
    "data.empty": "No published figures match these filters.",
    "filter.all": "All",
    "filter.kpi": "KPI",
    "filter.level": "Level",
    "filter.period": "Period type",
    "filter.place": "Place: {place}.",
    "filter.clear_place": "Show every place",
    "filter.at": "Period: {period}.",
    "filter.clear_at": "Show every period",
    "pager.label": "Pages",
    "pager.previous": "Previous page",
    "pager.next": "Next page",
    "pager.status": "Page {page} of {pages} ({total} figures)",
    "level.province": "Province",
    "level.division": "Divisions",
    "level.district": "Districts",
    # table columns
    "col.kpi": "KPI",
    "col.period": "Period",
    "col.value": "Figure",
    "col.planned": "Planned",
    "col.status": "Status",
    "col.completeness": "Returns received",
    "col.district": "District",
    "col.rank": "Rank",
    "col.place": "Place",
    "col.district_value": "District",
    "col.province_value": "Province",
    "col.release": "Release",
    "col.published": "Published",
    "col.through": "Data up to",
    "col.values": "Figures",
    "col.note": "Note",
    # about
    "about.title": "About these figures",
    "about.publishing": "How figures are published",
    "about.publishing_text": "District focal points of each institution send monthly returns. "
    "The Delivery Unit checks and approves them, computes the KPIs (for a rate: the sum of "
    "numerators over the sum of denominators, across districts and months) and publishes them "
    "in numbered, dated releases. Published figures change only when a new release is "
    "published; an earlier release is never altered.",
    "about.numbers_text": "Numbers are written with Western digits in both English and Urdu, "
    "with a comma between thousands and a point before decimals. Fiscal years run from July "
    "to June.",
    "about.status": "Status against the trajectory",
    "about.status_intro": "Each KPI has a baseline, a target and a trajectory: the planned "
    "figure for every period in between. A figure is judged as follows, in this order:",
    "about.status_rule1": "No data: there is no figure for the period.",
    "about.status_rule2": "Target met: the figure has reached the target.",
    "about.status_rule3": "On track: the figure is at or ahead of the trajectory, or behind it "
    "by no more than the tolerance set with the target.",
    "about.status_rule4": "At risk: behind the trajectory by more than the tolerance but not "
    "more than twice the tolerance.",
    "about.status_rule5": "Off track: behind the trajectory by more than twice the tolerance.",
    "about.kpis": "KPI definitions and sources",
    "about.kpis_caption": "Every KPI with its definition, baseline, target and source",
    "about.releases": "Releases",
    "about.releases_caption": "Every release, newest first",
    "about.reuse": "Reusing the data",
    "about.reuse_text": "The published figures may be downloaded and reused. Machines can read "
    "them from the open data API, described in OpenAPI format.",
    "about.outlines": "District outlines: {source}.",
    # periods and units
    "period.quarter": "{first}–{last} {year}",
    "period.fiscal_year": "FY {years}",
    "period_type.month": "Monthly",
    "period_type.quarter": "Quarterly",
    "period_type.year": "Yearly",
    "period_type.fiscal_year": "Fiscal years",
    "unit.count": "{value}",
    "unit.pkr": "PKR {value}",
    "unit.hours": "{value} hours",
    "unit.days": "{value} days",
    "unit.score": "{value} points",
    "unit_name.count": "A count",
    "unit_name.pkr": "Pakistani rupees",
    "unit_name.hours": "Hours",
    "unit_name.days": "Days",
    "unit_name.percent": "Per cent",
    "unit_name.score": "Points (score)",
}

UR: dict[str, str] = {
    # frame
    "skip": "مرکزی مواد پر جائیں",
    "noscript": "یہ ویب سائٹ اپنے صفحات دکھانے کے لیے جاوا اسکرپٹ استعمال کرتی ہے۔ شائع شدہ اعداد "
    "و شمار اس کے بغیر بھی ڈاؤن لوڈ کیے جا سکتے ہیں: /download/values.csv",
    "nav.label": "مرکزی",
    "nav.home": "سرورق",
    "nav.kpis": "کلیدی اشاریے",
    "nav.districts": "اضلاع",
    "nav.data": "اعداد و شمار اور ڈاؤن لوڈ",
    "nav.about": "تعارف",
    "lang.label": "زبان",
    "lang.switch_to": "یہ صفحہ {language} میں پڑھیں",
    "demo.title": "نمائشی اعداد و شمار۔",
    "demo.text": "اس ویب سائٹ پر دیے گئے اعداد و شمار فرضی ہیں اور صرف نمائش کے لیے بنائے گئے "
    "ہیں۔ یہ سرکاری اعداد و شمار نہیں ہیں۔",
    "footer.release": "اجرا نمبر {number} کے اعداد و شمار، جو {date} کو شائع ہوئے، {through} "
    "تک کے ڈیٹا پر مبنی۔",
    "footer.no_release": "ابھی تک کوئی اعداد و شمار شائع نہیں ہوئے۔",
    "footer.api": "اوپن ڈیٹا API",
    "footer.owner": "{title}، {province}: ڈیلیوری یونٹ کی جانب سے اضلاع کی منظور شدہ ماہانہ "
    "رپورٹوں سے شائع کردہ۔",
    "unavailable.title": "اعداد و شمار دستیاب نہیں",
    "unavailable.text": "شائع شدہ اعداد و شمار اس وقت پڑھے نہیں جا سکتے۔ براہ کرم چند منٹ بعد "
    "دوبارہ کوشش کریں۔",
    "notfound.title": "صفحہ نہیں ملا",
    "notfound.text": "اس پتے پر کوئی صفحہ موجود نہیں۔ ہو سکتا ہے صفحہ منتقل ہو گیا ہو یا پتا "
    "غلط لکھا گیا ہو۔ یہ صفحات مددگار ہو سکتے ہیں:",
    # releases
    "release.title": "اس اجرا میں کیا بدلا",
    "release.published": "اعداد و شمار {date} کو شائع ہوئے (اجرا نمبر {number})، {through} تک "
    "کے ڈیٹا کے ساتھ۔",
    "release.note": "ڈیلیوری یونٹ کا نوٹ:",
    "release.none": "ابھی تک کوئی اعداد و شمار شائع نہیں ہوئے۔ ڈیلیوری یونٹ کے پہلے اجرا کے "
    "بعد اعداد و شمار یہاں نظر آئیں گے۔",
    "changes.title": "پچھلے اجرا کے بعد تبدیلیاں",
    "changes.first": "یہ پہلا اجرا ہے: {values} اعداد شائع ہوئے۔",
    "changes.values": "اجرا نمبر {previous} کے بعد: {added} نئے اعداد، {revised} نظر ثانی "
    "شدہ، {removed} واپس لیے گئے۔",
    "changes.submissions": "ضلعی رپورٹیں: {new} نئی، {revised} درست شدہ، {withdrawn} واپس لی گئیں۔",
    "changes.revised_title": "صوبے کے نظر ثانی شدہ اعداد میں شامل ہیں:",
    "changes.revised_item": "{name}، {period}: {old} ← {new}",
    # home
    "home.headline": "اہم کلیدی اشاریے",
    "home.headline_intro": "پورے صوبے کا تازہ ترین عدد، بنیادی سطح سے ہدف تک طے شدہ راستے کے "
    "مقابلے میں۔",
    "home.priorities": "روڈ میپ کی ترجیحات",
    "card.period": "{period} میں",
    "card.no_value": "ابھی کوئی عدد نہیں",
    "card.target": "ہدف",
    "card.baseline": "بنیادی سطح",
    "card.planned": "منصوبہ",
    "card.trend_table": "حالیہ اعداد جدول کی صورت میں",
    "card.trend_caption": "{name}: حالیہ اعداد، تازہ ترین پہلے",
    "target.text": "{period} تک {value}",
    "target.baseline": "{period} میں {value}",
    "target.none": "کوئی ہدف مقرر نہیں",
    "value.incomplete": "نامکمل: توقع سے کم ضلعی رپورٹیں موصول ہوئیں۔",
    # status
    "legend.title": "کیفیت کیسے پڑھیں",
    "status.none": "جانچا نہیں گیا",
    "status.meaning.target_met": "عدد ہدف تک پہنچ گیا ہے۔",
    "status.meaning.on_track": "طے شدہ راستے کے برابر یا اس سے آگے، یا طے شدہ گنجائش سے زیادہ "
    "پیچھے نہیں۔",
    "status.meaning.at_risk": "طے شدہ راستے سے گنجائش سے زیادہ پیچھے، مگر دگنی گنجائش سے زیادہ "
    "نہیں۔",
    "status.meaning.off_track": "طے شدہ راستے سے دگنی گنجائش سے بھی زیادہ پیچھے۔",
    "status.meaning.no_data": "اس مدت کا کوئی عدد نہیں۔",
    "direction.up": "زیادہ بہتر ہے",
    "direction.down": "کم بہتر ہے",
    # KPIs
    "kpis.title": "تمام کلیدی اشاریے",
    "kpis.caption": "{priority}: {province} کے تازہ ترین اعداد",
    "kpi.definition": "تعریف",
    "kpi.formula": "حساب کا طریقہ",
    "kpi.unit": "اکائی",
    "kpi.direction": "سمت",
    "kpi.source": "ماخذ",
    "kpi.values": "شائع شدہ اعداد",
    "kpi.series_caption": "{name}، {place}: {period_type} اعداد، تازہ ترین پہلے",
    "kpi.no_values": "اس انتخاب کے لیے کوئی شائع شدہ عدد نہیں۔",
    "kpi.districts": "اضلاع کا موازنہ",
    "kpi.districts_caption": "{name} بلحاظ ضلع، {period} (صوبہ: {province})، بہترین پہلے",
    "kpi.status_note": "کیفیت طے شدہ راستے کے مقابلے میں جانچی جاتی ہے: صوبے کا راستہ، یا جہاں "
    "ضلع کا اپنا ہدف ہو وہاں ضلع کا راستہ۔ ڈویژنوں اور بغیر اپنے ہدف کے اضلاع کو نہیں جانچا جاتا۔",
    "choose.period": "مدت",
    "choose.place": "جگہ منتخب کریں: صوبہ، ڈویژن یا ضلع",
    # districts
    "districts.title": "اضلاع",
    "districts.intro": "{province} میں {divisions} ڈویژنوں میں {districts} اضلاع ہیں۔ کسی ضلع "
    "کے تازہ ترین اعداد دیکھنے کے لیے اسے منتخب کریں۔",
    "district.intro": "اس ضلع کے ہر کلیدی اشاریے کا تازہ ترین شائع شدہ عدد، اسی مدت میں "
    "{province} کے عدد کے ساتھ۔",
    "district.caption": "{district}: تازہ ترین اعداد",
    "district.status_note": "کسی ضلع کو طے شدہ راستے کے مقابلے میں صرف وہیں جانچا جاتا ہے جہاں "
    "اس کا اپنا ہدف ہو۔",
    # data
    "data.title": "اعداد و شمار اور ڈاؤن لوڈ",
    "data.intro": "تازہ ترین اجرا کا ہر شائع شدہ عدد، بلحاظ اشاریہ، جگہ اور مدت۔ اسے چھانٹیں، "
    "CSV یا ایکسل میں ڈاؤن لوڈ کریں، یا اوپن ڈیٹا API سے پڑھیں۔",
    "data.release": "اجرا نمبر {number}۔",
    "data.filters": "چھانٹی",
    "data.downloads": "ڈاؤن لوڈ",
    "data.downloads_intro": "ڈاؤن لوڈ میں اوپر کی چھانٹی کے مطابق اعداد ہیں، شمار کنندہ، نسب "
    "نما اور رپورٹوں کی تکمیل سمیت۔",
    "data.csv": "CSV میں ڈاؤن لوڈ کریں",
    "data.xlsx": "ایکسل (.xlsx) میں ڈاؤن لوڈ کریں",
    "data.api": "یہی اعداد API سے (JSON)",
    "data.openapi": "API کی وضاحت (OpenAPI)",
    "data.values": "اعداد",
    "data.caption": "شائع شدہ اعداد (کل {total})",
    "data.empty": "ان شرائط کے مطابق کوئی شائع شدہ عدد نہیں۔",
    "filter.all": "سب",
    "filter.kpi": "کلیدی اشاریہ",
    "filter.level": "سطح",
    "filter.period": "مدت کی قسم",
    "filter.place": "جگہ: {place}۔",
    "filter.clear_place": "تمام جگہیں دکھائیں",
    "filter.at": "مدت: {period}۔",
    "filter.clear_at": "تمام مدتیں دکھائیں",
    "pager.label": "صفحات",
    "pager.previous": "پچھلا صفحہ",
    "pager.next": "اگلا صفحہ",
    "pager.status": "صفحہ {page} از {pages} (کل {total} اعداد)",
    "level.province": "صوبہ",
    "level.division": "ڈویژن",
    "level.district": "اضلاع",
    # table columns
    "col.kpi": "کلیدی اشاریہ",
    "col.period": "مدت",
    "col.value": "عدد",
    "col.planned": "منصوبہ",
    "col.status": "کیفیت",
    "col.completeness": "موصول رپورٹیں",
    "col.district": "ضلع",
    "col.rank": "درجہ",
    "col.place": "جگہ",
    "col.district_value": "ضلع",
    "col.province_value": "صوبہ",
    "col.release": "اجرا",
    "col.published": "تاریخ اشاعت",
    "col.through": "ڈیٹا بمطابق",
    "col.values": "اعداد",
    "col.note": "نوٹ",
    # about
    "about.title": "ان اعداد و شمار کے بارے میں",
    "about.publishing": "اعداد و شمار کیسے شائع ہوتے ہیں",
    "about.publishing_text": "ہر ادارے کے ضلعی فوکل پرسن ماہانہ رپورٹیں بھیجتے ہیں۔ ڈیلیوری "
    "یونٹ ان کی جانچ اور منظوری دیتا ہے، کلیدی اشاریوں کا حساب لگاتا ہے (شرح کے لیے: اضلاع اور "
    "مہینوں میں شمار کنندہ کا مجموعہ تقسیم نسب نما کا مجموعہ) اور انہیں نمبر اور تاریخ والے "
    "اجرا میں شائع کرتا ہے۔ شائع شدہ اعداد صرف نئے اجرا پر بدلتے ہیں؛ کسی پچھلے اجرا میں کبھی "
    "تبدیلی نہیں کی جاتی۔",
    "about.numbers_text": "اردو اور انگریزی دونوں میں اعداد مغربی ہندسوں (0-9) میں لکھے جاتے "
    "ہیں، ہزاروں کے درمیان کاما اور اعشاریہ کے لیے نقطہ کے ساتھ، جیسا کہ سرکاری دستاویزات "
    "میں رائج ہے۔ مالی سال جولائی سے جون تک ہوتا ہے۔",
    "about.status": "طے شدہ راستے کے مقابلے میں کیفیت",
    "about.status_intro": "ہر کلیدی اشاریے کی ایک بنیادی سطح، ایک ہدف اور ایک طے شدہ راستہ ہوتا "
    "ہے، یعنی درمیان کی ہر مدت کے لیے منصوبہ بند عدد۔ کسی عدد کو اس ترتیب سے جانچا جاتا ہے:",
    "about.status_rule1": "اعداد و شمار دستیاب نہیں: اس مدت کا کوئی عدد نہیں۔",
    "about.status_rule2": "ہدف حاصل: عدد ہدف تک پہنچ گیا ہے۔",
    "about.status_rule3": "ہدف کے راستے پر: عدد طے شدہ راستے کے برابر یا آگے ہے، یا ہدف کے "
    "ساتھ مقرر گنجائش سے زیادہ پیچھے نہیں۔",
    "about.status_rule4": "خطرے میں: طے شدہ راستے سے گنجائش سے زیادہ مگر دگنی گنجائش سے کم پیچھے۔",
    "about.status_rule5": "ہدف کے راستے سے ہٹا ہوا: طے شدہ راستے سے دگنی گنجائش سے بھی زیادہ "
    "پیچھے۔",
    "about.kpis": "کلیدی اشاریوں کی تعریفیں اور ماخذ",
    "about.kpis_caption": "ہر کلیدی اشاریہ، اس کی تعریف، بنیادی سطح، ہدف اور ماخذ کے ساتھ",
    "about.releases": "اجرا",
    "about.releases_caption": "تمام اجرا، تازہ ترین پہلے",
    "about.reuse": "ڈیٹا کا دوبارہ استعمال",
    "about.reuse_text": "شائع شدہ اعداد و شمار ڈاؤن لوڈ اور دوبارہ استعمال کیے جا سکتے ہیں۔ "
    "کمپیوٹر پروگرام انہیں اوپن ڈیٹا API سے پڑھ سکتے ہیں، جس کی وضاحت OpenAPI میں دی گئی ہے۔",
    "about.outlines": "اضلاع کے نقشے: {source}۔",
    # periods and units
    "period.quarter": "{first} تا {last} {year}",
    "period.fiscal_year": "مالی سال {years}",
    "period_type.month": "ماہانہ",
    "period_type.quarter": "سہ ماہی",
    "period_type.year": "سالانہ",
    "period_type.fiscal_year": "مالی سال",
    "unit.count": "{value}",
    "unit.pkr": "{value} روپے",
    "unit.hours": "{value} گھنٹے",
    "unit.days": "{value} دن",
    "unit.score": "{value} پوائنٹس",
    "unit_name.count": "تعداد",
    "unit_name.pkr": "پاکستانی روپے",
    "unit_name.hours": "گھنٹے",
    "unit_name.days": "دن",
    "unit_name.percent": "فیصد",
    "unit_name.score": "پوائنٹس (اسکور)",
}
