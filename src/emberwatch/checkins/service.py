"""Daily check-ins: one per calendar day in the person's time zone, each answered at once with a risk estimate."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.analytics import service as analytics
from emberwatch.checkins import repository
from emberwatch.checkins.exceptions import (
    AlreadySubmitted,
    DateInFuture,
    DateTooOld,
    IdempotencyKeyReused,
    InvalidRange,
)
from emberwatch.checkins.models import CheckIn, Prediction
from emberwatch.checkins.schemas import (
    CheckInCreate,
    CheckInOut,
    Contribution,
    Dashboard,
    HistoryDay,
    PredictionOut,
    PredictionRecordOut,
    Probabilities,
    RollingWindow,
    Trend,
    WindowOut,
)
from emberwatch.core.pagination import PageParams
from emberwatch.ml import kalimo
from emberwatch.ml.features import LOW_CONFIDENCE_BELOW, WINDOW_DAYS, Items, WindowFeatures, window_features
from emberwatch.ml.predictor import Prediction as Estimate
from emberwatch.ml.predictor import RiskModel
from emberwatch.users.models import User
from emberwatch.workload import service as workload

# How far back a forgotten day may still be filled in.
BACKFILL_DAYS = 14
HISTORY_DAYS = 30
TREND_THRESHOLD = 0.25  # composite points: smaller weekly changes are reported as stable


def local_today(user: User, now: datetime) -> date:
    return now.astimezone(ZoneInfo(user.timezone)).date()


@dataclass(frozen=True)
class Submitted:
    checkin: CheckInOut
    replayed: bool


async def submit(
    session: AsyncSession,
    user: User,
    data: CheckInCreate,
    model: RiskModel,
    now: datetime,
    idempotency_key: str | None = None,
) -> Submitted:
    """Store the check-in and the estimate for the 7-day window ending on its date, in one transaction."""
    if idempotency_key is not None:
        earlier = await repository.by_idempotency_key(session, user.id, idempotency_key)
        if earlier is not None:
            checkin, prediction = earlier
            if (checkin.exhaustion, checkin.capability, checkin.meaningfulness) != (
                data.exhaustion,
                data.capability,
                data.meaningfulness,
            ):
                raise IdempotencyKeyReused("This Idempotency-Key was used for a different check-in.")
            return Submitted(_checkin_out(checkin, prediction), replayed=True)

    today = local_today(user, now)
    day = data.date or today
    if day > today:
        raise DateInFuture(f"{day} is in the future in your time zone ({user.timezone}); today is {today}.")
    if day < today - timedelta(days=BACKFILL_DAYS):
        raise DateTooOld(f"Check-ins can be filled in for the last {BACKFILL_DAYS} days only.")
    if await repository.exists_on(session, user.id, day):
        raise AlreadySubmitted(f"You have already checked in for {day}.")

    window = await repository.between(session, user.id, day - timedelta(days=WINDOW_DAYS - 1), day)
    days = {c.date: Items(c.exhaustion, c.capability, c.meaningfulness) for c in window}
    days[day] = Items(data.exhaustion, data.capability, data.meaningfulness)
    features = window_features(days, day)
    assert features is not None  # the new check-in is in its own window
    estimate = model.predict(features)

    checkin = CheckIn(
        user_id=user.id,
        department_id=user.department_id,
        date=day,
        exhaustion=data.exhaustion,
        capability=data.capability,
        meaningfulness=data.meaningfulness,
        note=data.note,
        idempotency_key=idempotency_key,
        created_at=now,
    )
    session.add(checkin)
    try:
        await session.flush()
    except IntegrityError as exc:
        # Another submission for the same day won the race; the unique constraint decided.
        raise AlreadySubmitted(f"You have already checked in for {day}.") from exc
    prediction = _prediction_row(checkin, user, estimate, features, created_at=now)
    session.add(prediction)
    await session.flush()
    await analytics.refresh(session, checkin.department_id, day)
    return Submitted(_checkin_out(checkin, prediction), replayed=False)


def _prediction_row(
    checkin: CheckIn,
    user: User,
    estimate: Estimate,
    features: WindowFeatures,
    created_at: datetime | None = None,
) -> Prediction:
    return Prediction(
        checkin_id=checkin.id,
        user_id=user.id,
        date=checkin.date,
        model_version=estimate.model_version,
        risk_level=estimate.risk_level,
        p_low=estimate.probabilities["low"],
        p_moderate=estimate.probabilities["moderate"],
        p_high=estimate.probabilities["high"],
        at_risk=estimate.at_risk,
        days_in_window=features.days_in_window,
        ee_7d=round(features.ee_7d, 4),
        pa_7d=round(features.pa_7d, 4),
        dp_7d=round(features.dp_7d, 4),
        explanation=[{"feature": f, "contribution": c} for f, c in estimate.explanation],
        created_at=created_at or checkin.created_at,
    )


def _check_range(first: date | None, last: date | None) -> None:
    if first is not None and last is not None and first > last:
        raise InvalidRange("`from` must not be after `to`.")


async def history(
    session: AsyncSession, user: User, page: PageParams, first: date | None, last: date | None
) -> tuple[list[CheckInOut], int]:
    _check_range(first, last)
    rows, total = await repository.history(session, user.id, page, first, last)
    return [_checkin_out(c, p) for c, p in rows], total


async def predictions(
    session: AsyncSession, user: User, page: PageParams, first: date | None, last: date | None
) -> tuple[list[PredictionRecordOut], int]:
    _check_range(first, last)
    rows, total = await repository.predictions(session, user.id, page, first, last)
    return [_prediction_record(p) for p in rows], total


async def dashboard(session: AsyncSession, user: User, now: datetime) -> Dashboard:
    """Everything the personal dashboard shows, from two indexed queries over the last 30 days."""
    today = local_today(user, now)
    first = today - timedelta(days=HISTORY_DAYS - 1)
    rows = await repository.with_predictions_between(session, user.id, first, today)
    by_date = {c.date: (c, p) for c, p in rows}

    week = [by_date[d][0] for d in (today - timedelta(days=i) for i in range(WINDOW_DAYS)) if d in by_date]
    latest = next((p for _, p in reversed(rows) if p is not None), None)
    if latest is None:
        latest = await repository.latest_prediction(session, user.id)
    return Dashboard(
        today=today,
        today_submitted=today in by_date,
        streak_days=await _streak(session, user, today),
        rolling_7d=_rolling(week),
        latest_prediction=_prediction_record(latest) if latest else None,
        history=[
            HistoryDay(
                date=c.date,
                exhaustion=c.exhaustion,
                capability=c.capability,
                meaningfulness=c.meaningfulness,
                risk_level=p.risk_level if p else None,
                p_high=p.p_high if p else None,
            )
            for c, p in rows
        ],
        trend=_trend([c for c, _ in rows], today),
        workload=await workload.own_latest(session, user),
    )


async def _streak(session: AsyncSession, user: User, today: date) -> int:
    """Consecutive days with a check-in, ending today (or yesterday, when today is still open)."""
    dates = set(await repository.dates_since(session, user.id, today - timedelta(days=366)))
    day = today if today in dates else today - timedelta(days=1)
    streak = 0
    while day in dates:
        streak += 1
        day -= timedelta(days=1)
    return streak


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def _rolling(week: list[CheckIn]) -> RollingWindow:
    return RollingWindow(
        exhaustion=_mean([c.exhaustion for c in week]),
        capability=_mean([c.capability for c in week]),
        meaningfulness=_mean([c.meaningfulness for c in week]),
        ee=_mean([c.exhaustion for c in week]),
        pa=_mean([c.capability for c in week]),
        dp=_mean([6 - c.meaningfulness for c in week]),
        days=len(week),
    )


def _composite(checkins: list[CheckIn]) -> float | None:
    if len(checkins) < 2:
        return None
    return kalimo.composite(
        statistics.fmean(c.exhaustion for c in checkins),
        statistics.fmean(c.capability for c in checkins),
        statistics.fmean(6 - c.meaningfulness for c in checkins),
    )


def _trend(checkins: list[CheckIn], today: date) -> Trend:
    """The last 7 days against the 7 before them, on the Kalimo composite (higher is closer to burnout)."""
    recent_start = today - timedelta(days=WINDOW_DAYS - 1)
    previous_start = recent_start - timedelta(days=WINDOW_DAYS)
    current = _composite([c for c in checkins if c.date >= recent_start])
    previous = _composite([c for c in checkins if previous_start <= c.date < recent_start])
    if current is None or previous is None:
        return Trend(direction="insufficient_data", change=None, current=current, previous=previous)
    change = round(current - previous, 3)
    direction = "worsening" if change >= TREND_THRESHOLD else "improving" if change <= -TREND_THRESHOLD else "stable"
    return Trend(direction=direction, change=change, current=round(current, 3), previous=round(previous, 3))


def _prediction_out(p: Prediction) -> PredictionOut:
    return PredictionOut(
        risk_level=p.risk_level,
        probabilities=Probabilities(low=p.p_low, moderate=p.p_moderate, high=p.p_high),
        at_risk=p.at_risk,
        model_version=p.model_version,
        days_in_window=p.days_in_window,
        features=WindowOut(ee_7d=p.ee_7d, pa_7d=p.pa_7d, dp_7d=p.dp_7d),
        explanation=[Contribution.model_validate(e) for e in p.explanation],
        low_confidence=p.days_in_window < LOW_CONFIDENCE_BELOW,
    )


def _prediction_record(p: Prediction) -> PredictionRecordOut:
    return PredictionRecordOut(id=p.id, date=p.date, created_at=p.created_at, **_prediction_out(p).model_dump())


def _checkin_out(c: CheckIn, p: Prediction | None) -> CheckInOut:
    return CheckInOut(
        id=c.id,
        date=c.date,
        exhaustion=c.exhaustion,
        capability=c.capability,
        meaningfulness=c.meaningfulness,
        note=c.note,
        created_at=c.created_at,
        prediction=_prediction_out(p) if p else None,
    )


async def import_history(session: AsyncSession, user: User, days: dict[date, Items], model: RiskModel) -> int:
    """Store a run of past check-ins with the estimate each would have had on its day (demo data, imports)."""
    for day in sorted(days):
        features = window_features(days, day)
        assert features is not None
        estimate = model.predict(features)
        checkin = CheckIn(
            user_id=user.id,
            department_id=user.department_id,
            date=day,
            exhaustion=days[day].exhaustion,
            capability=days[day].capability,
            meaningfulness=days[day].meaningfulness,
        )
        session.add(checkin)
        await session.flush()
        session.add(_prediction_row(checkin, user, estimate, features))
    await session.flush()
    for monday in {analytics.week_of(day) for day in days}:
        await analytics.refresh(session, user.department_id, monday)
    return len(days)


async def weekly_risk(session: AsyncSession, user: User, today: date, weeks: int) -> list[dict[str, object]]:
    """The last estimate of each of the last `weeks` ISO weeks (None for weeks without a check-in)."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    rows = await repository.with_predictions_between(session, user.id, first, today)
    last: dict[date, Prediction] = {}
    for _, p in rows:
        if p is not None:
            last[p.date - timedelta(days=p.date.weekday())] = p
    return [
        {
            "week_start": (first + timedelta(weeks=i)).isoformat(),
            "risk_level": last[w].risk_level if (w := first + timedelta(weeks=i)) in last else None,
            "p_high": last[w].p_high if w in last else None,
        }
        for i in range(weeks)
    ]
