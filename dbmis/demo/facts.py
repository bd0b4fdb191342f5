"""What the demo data is anchored to: district sizes, jails, and the demo's story per KPI.

ALL OF THIS IS ILLUSTRATIVE. The figures are rounded, approximate and chosen to make a
believable demo, not to describe Balochistan: populations roughly follow the 2023 census
orders of magnitude, the list of jails and their capacities is invented, and the "story" (which
KPIs run ahead of their trajectory and which lag) is a choice made so that the dashboards and
stocktake packs have something to show. Nothing here may be published as a fact.

Districts that are not listed here (another province's catalog) get a seeded random size.
"""

from __future__ import annotations

# Approximate population, in thousands (illustrative; used only as a size weight).
POPULATION_K: dict[str, float] = {
    "QUETTA": 2600,
    "PISHIN": 850,
    "QILLA_ABDULLAH": 380,
    "CHAMAN": 470,
    "ZHOB": 360,
    "QILLA_SAIFULLAH": 380,
    "SHERANI": 170,
    "LORALAI": 290,
    "BARKHAN": 190,
    "MUSAKHEL": 180,
    "DUKI": 200,
    "SIBI": 180,
    "ZIARAT": 170,
    "KOHLU": 240,
    "DERA_BUGTI": 360,
    "HARNAI": 130,
    "LEHRI": 140,
    "NASIRABAD": 560,
    "JAFARABAD": 330,
    "JHAL_MAGSI": 170,
    "KACHHI": 400,
    "SOHBATPUR": 240,
    "USTA_MUHAMMAD": 300,
    "KALAT": 270,
    "MASTUNG": 310,
    "KHUZDAR": 1000,
    "AWARAN": 180,
    "LASBELA": 340,
    "HUB": 360,
    "SURAB": 230,
    "KHARAN": 200,
    "NUSHKI": 200,
    "CHAGAI": 260,
    "WASHUK": 300,
    "KECH": 1060,
    "GWADAR": 300,
    "PANJGUR": 500,
}

# Reported crime per head relative to the province (1 = average); unlisted districts are drawn.
CRIME_FACTOR: dict[str, float] = {"QUETTA": 1.5, "HUB": 1.3, "CHAMAN": 1.2}

# Share of a district's crime handled by the police ("A" areas); the rest by the Levies.
POLICE_SHARE: dict[str, float] = {"QUETTA": 0.95, "HUB": 0.8, "GWADAR": 0.75}

# Districts with a jail and its authorised capacity at the start (illustrative). A district
# without a jail reports zeros on the prisons template.
JAIL_CAPACITY: dict[str, int] = {
    "QUETTA": 700,
    "KACHHI": 600,  # a central jail
    "HUB": 450,  # a central jail
    "KHUZDAR": 350,
    "KECH": 250,
    "SIBI": 200,
    "LORALAI": 150,
    "ZHOB": 150,
    "NASIRABAD": 150,
    "GWADAR": 100,
    "NUSHKI": 100,
}
# Jails that open new barracks during the Roadmap: (district, YYYYMM, extra places).
CAPACITY_STEPS: tuple[tuple[str, int, int], ...] = (
    ("QUETTA", 202507, 150),
    ("KACHHI", 202601, 100),
    ("KHUZDAR", 202407, 60),
)

# Districts whose returns are chronically late or missing.
CHRONIC_LATE: tuple[str, ...] = ("AWARAN", "DERA_BUGTI", "SHERANI")
# The 2022 monsoon floods: no returns at all from these districts in these months.
FLOOD_DISTRICTS: tuple[str, ...] = (
    "NASIRABAD",
    "JAFARABAD",
    "JHAL_MAGSI",
    "SOHBATPUR",
    "USTA_MUHAMMAD",
    "LASBELA",
)
FLOOD_MONTHS: tuple[int, ...] = (202208, 202209)

# Courts in the cold zone take their vacation in winter, the others in summer.
COLD_ZONE: frozenset[str] = frozenset(
    {
        "QUETTA",
        "PISHIN",
        "QILLA_ABDULLAH",
        "CHAMAN",
        "ZHOB",
        "QILLA_SAIFULLAH",
        "SHERANI",
        "LORALAI",
        "MUSAKHEL",
        "DUKI",
        "ZIARAT",
        "HARNAI",
        "KALAT",
        "MASTUNG",
        "SURAB",
        "KHARAN",
        "NUSHKI",
        "CHAGAI",
    }
)

# The demo's story: the share of the planned progress (baseline -> target) the province actually
# makes, KPI by KPI. 1 = on its trajectory; below 1 lags; above 1 runs ahead. Districts are
# spread around these values (some beat the trajectory, others lag it).
STORY: dict[str, float] = {
    "CONVICTION_RATE": 0.9,
    "TIMELY_CHALLAN_RATE": 1.05,
    "CASE_CLEARANCE_RATE": 0.55,
    "FORENSIC_EVIDENCE_USE": 1.25,
    "CRIME_SCENE_ATTENDANCE": 0.85,
    "UNDERTRIAL_SHARE": 0.6,
    "PRISON_OCCUPANCY": 0.45,
    "LEGAL_AID_FUND_USE": 0.95,
    "GBV_RESOLUTION_RATE": 1.0,
    "PERSONNEL_TRAINED": 1.1,
    "ELEARNING_HOURS": 0.8,
    "KNOWLEDGE_GAIN": 1.0,
}

# Used when a catalog has no province target for one of these KPIs: (baseline, target).
DEFAULT_LEVELS: dict[str, tuple[float, float]] = {
    "CONVICTION_RATE": (7.5, 20.0),
    "TIMELY_CHALLAN_RATE": (35.0, 75.0),
    "CASE_CLEARANCE_RATE": (88.0, 105.0),
    "FORENSIC_EVIDENCE_USE": (8.0, 30.0),
    "CRIME_SCENE_ATTENDANCE": (20.0, 70.0),
    "UNDERTRIAL_SHARE": (74.0, 55.0),
    "PRISON_OCCUPANCY": (110.0, 95.0),
    "LEGAL_AID_FUND_USE": (5.0, 60.0),
    "GBV_RESOLUTION_RATE": (40.0, 75.0),
    "PERSONNEL_TRAINED": (1200.0, 3000.0),
    "ELEARNING_HOURS": (2500.0, 15000.0),
    "KNOWLEDGE_GAIN": (12.0, 20.0),
}
