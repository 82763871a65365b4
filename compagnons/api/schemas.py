"""What the API answers, as pydantic schemas: the OpenAPI 3.1 document is generated from them."""

from datetime import date, datetime

from ninja import Schema
from pydantic import Field


class CompetenceRef(Schema):
    id: int
    code: str
    label: str


class CompetenceOut(CompetenceRef):
    description: str
    kind: str
    block_id: int | None
    certification_id: int


class BlockOut(Schema):
    id: int
    code: str
    label: str
    evaluation_methods: str
    competences: list[CompetenceRef]


class VersionOut(Schema):
    id: int
    slug: str
    version: int
    name: str
    kind: str
    code: str
    level: int | None
    status: str
    activated_at: datetime | None


class VersionDetail(VersionOut):
    blocks: list[BlockOut]
    competences_without_block: list[CompetenceRef]


class MissionOut(Schema):
    id: int
    title: str
    context: str
    deliverables: str
    trade: str | None
    competences: list[CompetenceRef]
    place: str
    location: str
    region: str
    languages: str
    starts_on: date
    deadline: date
    pricing: str
    budget_cents: int
    estimated_hours: int
    daily_rate_cents: int | None
    days: int | None
    published_at: datetime | None
    url: str


class ServiceOut(Schema):
    title: str
    description: str
    price_cents: int
    unit: str


class PortfolioOut(Schema):
    title: str
    description: str
    link: str


class SiteOut(Schema):
    slug: str
    name: str
    headline: str
    audience: str
    regions: str
    published_at: datetime | None
    services: list[ServiceOut]
    url: str


class Attested(Schema):
    label: str
    n: int
    period: str


class TitleOut(Schema):
    name: str
    status: str
    verification_url: str


class SiteDetail(SiteOut):
    how_i_work: str
    availability_note: str
    portfolio: list[PortfolioOut]
    titles: list[TitleOut]
    attested: list[Attested]


class DirectoryCard(Schema):
    slug: str
    name: str
    headline: str
    region: str
    titles: list[str]
    attested: list[Attested]
    url: str


class Figure(Schema):
    pct: float | None
    num: int | None
    base: int | None
    hidden: bool


class ResultYear(Schema):
    year: int
    satisfaction: Figure
    completion: Figure
    dropout: Figure
    certification: Figure
    insertion_6: Figure
    trade_6: Figure
    trade_24: Figure
    response_6: Figure
    response_24: Figure


class ResultsOut(Schema):
    threshold: int
    years: list[ResultYear]


class VerifyIn(Schema):
    credential: dict = Field(description="Le titre (Open Badges 3.0, JSON-LD) tel qu'il a été remis.")


class VerifyOut(Schema):
    ok: bool
    status: str
    signature_ok: bool
    signature_reason: str
    issuer_bound: bool
    schema_errors: list[str]
    dates_ok: bool
    dates_reason: str
    refusal: str
    issued_here: bool
    house: str | None


class ProfileOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    roles: list[str]
    trade: str
    region: str
    languages: str
    availability: str
    date_joined: datetime


class ApplicationOut(Schema):
    id: int
    mission_id: int
    mission_title: str
    status: str
    review_requested: bool
    created_at: datetime
    sent_at: datetime | None


class ApplyIn(Schema):
    message: str = Field(min_length=1, max_length=5000)
    review: bool = Field(False, description="Demander la relecture de votre compagnon avant l'envoi.")
    partner_id: int | None = Field(None, description="L'apprenti que vous accompagnez, pour candidater en binôme.")


class MovementOut(Schema):
    created_at: datetime
    minutes: int
    kind: str
    state: str
    note: str


class LedgerOut(Schema):
    balance_minutes: int
    floor_minutes: int
    below_floor: bool
    exempt: bool
    movements: list[MovementOut]
    next_cursor: str | None


class SessionOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    mode: str
    coach: str
    status: str


class TableOut(Schema):
    columns: list[str]
    rows: list[list[str | int | float | None]]


def page_of(item):
    """A page schema for `item`: the items and the cursor of the next page (null on the last)."""
    return type(
        f"{item.__name__}Page", (Schema,), {"__annotations__": {"items": list[item], "next_cursor": str | None}}
    )
