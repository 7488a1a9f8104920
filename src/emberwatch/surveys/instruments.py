"""Validated questionnaires with their published items, answer scales, reverse-scored items and bands (SPEC §2.3).

- Copenhagen Burnout Inventory (Kristensen et al. 2005, public domain): personal (6 items) and work-related (7)
  scales; answers 100/75/50/25/0; a scale is the mean of its items; ≥ 50 is the usual "high" threshold. The
  work-related item about energy for family and friends is positively worded and reverse-scored.
- WHO-5 Well-Being Index (free to use): five items 0–5 over the last two weeks; raw 0–25 × 4 = 0–100; ≤ 50 (or any
  item at 0–1) suggests screening for depression, ≤ 28 suggests likely depression.
- Perceived Stress Scale, PSS-10 (Cohen et al. 1983): items 0–4, items 4, 5, 7 and 8 reversed; total 0–40;
  0–13 low, 14–26 moderate, 27–40 high (common bands, not official).

These are screening and research instruments, not diagnoses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

InstrumentName = Literal["cbi_personal", "cbi_work", "who5", "pss10"]

FREQUENCY_100 = {100: "Always", 75: "Often", 50: "Sometimes", 25: "Seldom", 0: "Never / almost never"}
DEGREE_100 = {
    100: "To a very high degree",
    75: "To a high degree",
    50: "Somewhat",
    25: "To a low degree",
    0: "To a very low degree",
}
WHO5_SCALE = {
    5: "All of the time",
    4: "Most of the time",
    3: "More than half of the time",
    2: "Less than half of the time",
    1: "Some of the time",
    0: "At no time",
}
PSS_SCALE = {0: "Never", 1: "Almost never", 2: "Sometimes", 3: "Fairly often", 4: "Very often"}


@dataclass(frozen=True)
class Item:
    text: str
    scale: dict[int, str]
    reversed: bool = False


@dataclass(frozen=True)
class Result:
    score: float
    band: str
    detail: dict[str, float | bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Instrument:
    name: InstrumentName
    title: str
    instructions: str
    items: tuple[Item, ...]
    score_range: tuple[float, float]
    higher_is_worse: bool
    burnout: bool  # a burnout measure: enters the burnout trend (and can later label the check-in model)
    source: str

    def score(self, answers: list[int]) -> Result:
        return SCORERS[self.name](self, answers)


def _cbi(instrument: Instrument, answers: list[int]) -> Result:
    values = [100 - a if item.reversed else a for item, a in zip(instrument.items, answers, strict=True)]
    score = round(sum(values) / len(values), 2)
    return Result(score, "high" if score >= 50 else "not_high")


def _who5(_: Instrument, answers: list[int]) -> Result:
    raw = sum(answers)
    percentage = raw * 4
    if percentage <= 28:
        band = "likely_depression"
    elif percentage <= 50 or any(a <= 1 for a in answers):
        band = "screening_suggested"
    else:
        band = "good_wellbeing"
    return Result(float(percentage), band, {"raw": float(raw), "any_item_0_or_1": any(a <= 1 for a in answers)})


def _pss10(instrument: Instrument, answers: list[int]) -> Result:
    total = sum(4 - a if item.reversed else a for item, a in zip(instrument.items, answers, strict=True))
    band = "low" if total <= 13 else "moderate" if total <= 26 else "high"
    return Result(float(total), band)


SCORERS = {"cbi_personal": _cbi, "cbi_work": _cbi, "who5": _who5, "pss10": _pss10}

KRISTENSEN = "Kristensen TS, Borritz M, Villadsen E, Christensen KB. Work & Stress 2005;19(3):192–207"

INSTRUMENTS: dict[str, Instrument] = {
    i.name: i
    for i in (
        Instrument(
            name="cbi_personal",
            title="Copenhagen Burnout Inventory — personal burnout",
            instructions="How often do the following apply to you?",
            items=(
                Item("How often do you feel tired?", FREQUENCY_100),
                Item("How often are you physically exhausted?", FREQUENCY_100),
                Item("How often are you emotionally exhausted?", FREQUENCY_100),
                Item('How often do you think: "I can\'t take it anymore"?', FREQUENCY_100),
                Item("How often do you feel worn out?", FREQUENCY_100),
                Item("How often do you feel weak and susceptible to illness?", FREQUENCY_100),
            ),
            score_range=(0, 100),
            higher_is_worse=True,
            burnout=True,
            source=KRISTENSEN,
        ),
        Instrument(
            name="cbi_work",
            title="Copenhagen Burnout Inventory — work-related burnout",
            instructions="Answer each question about your work.",
            items=(
                Item("Is your work emotionally exhausting?", DEGREE_100),
                Item("Do you feel burnt out because of your work?", DEGREE_100),
                Item("Does your work frustrate you?", DEGREE_100),
                Item("Do you feel worn out at the end of the working day?", FREQUENCY_100),
                Item("Are you exhausted in the morning at the thought of another day at work?", FREQUENCY_100),
                Item("Do you feel that every working hour is tiring for you?", FREQUENCY_100),
                Item("Do you have enough energy for family and friends during leisure time?", FREQUENCY_100, True),
            ),
            score_range=(0, 100),
            higher_is_worse=True,
            burnout=True,
            source=KRISTENSEN,
        ),
        Instrument(
            name="who5",
            title="WHO-5 Well-Being Index",
            instructions="Over the last two weeks…",
            items=(
                Item("I have felt cheerful and in good spirits", WHO5_SCALE),
                Item("I have felt calm and relaxed", WHO5_SCALE),
                Item("I have felt active and vigorous", WHO5_SCALE),
                Item("I woke up feeling fresh and rested", WHO5_SCALE),
                Item("My daily life has been filled with things that interest me", WHO5_SCALE),
            ),
            score_range=(0, 100),
            higher_is_worse=False,
            burnout=False,
            source="World Health Organization, Regional Office for Europe, 1998 (Topp et al. 2015 review)",
        ),
        Instrument(
            name="pss10",
            title="Perceived Stress Scale (PSS-10)",
            instructions="In the last month, how often have you…",
            items=(
                Item("been upset because of something that happened unexpectedly?", PSS_SCALE),
                Item("felt that you were unable to control the important things in your life?", PSS_SCALE),
                Item('felt nervous and "stressed"?', PSS_SCALE),
                Item("felt confident about your ability to handle your personal problems?", PSS_SCALE, True),
                Item("felt that things were going your way?", PSS_SCALE, True),
                Item("found that you could not cope with all the things that you had to do?", PSS_SCALE),
                Item("been able to control irritations in your life?", PSS_SCALE, True),
                Item("felt that you were on top of things?", PSS_SCALE, True),
                Item("been angered because of things that happened that were outside of your control?", PSS_SCALE),
                Item("felt difficulties were piling up so high that you could not overcome them?", PSS_SCALE),
            ),
            score_range=(0, 40),
            higher_is_worse=True,
            burnout=False,
            source="Cohen S, Kamarck T, Mermelstein R. J Health Soc Behav 1983;24:385–396",
        ),
    )
}
