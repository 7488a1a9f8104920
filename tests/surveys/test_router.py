"""Questionnaires through the API: validated answers, scores and bands, and a trend only its owner can read."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from emberwatch.users.models import Role
from tests.conftest import Clock, account, relogin

SURVEYS = "/api/v1/surveys"


async def test_instruments_are_listed_with_items_and_scales(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    listed = (await client.get(f"{SURVEYS}/instruments", headers=member.headers)).json()
    by_name = {i["name"]: i for i in listed}
    assert set(by_name) == {"cbi_personal", "cbi_work", "who5", "pss10"}
    fourth = by_name["pss10"]["items"][3]
    assert fourth["number"] == 4 and fourth["reversed"] is True
    assert [o["value"] for o in fourth["scale"]] == [0, 1, 2, 3, 4]


async def test_submit_and_list(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    response = await client.post(
        f"{SURVEYS}/responses", headers=member.headers, json={"instrument": "cbi_work", "answers": [50] * 6 + [0]}
    )
    assert response.status_code == 201, response.text
    assert (response.json()["score"], response.json()["band"]) == (57.14, "high")
    listed = await client.get(f"{SURVEYS}/responses", headers=member.headers)
    assert listed.json()["total"] == 1 and listed.json()["items"][0]["id"] == response.json()["id"]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"instrument": "pss10", "answers": [2] * 9}, "has 10 items; got 9"),
        ({"instrument": "pss10", "answers": [2, 2, 2, 5, 2, 2, 2, 2, 2, 2]}, "item 4"),
        ({"instrument": "cbi_personal", "answers": [50, 50, 60, 50, 50, 50]}, "item 3"),
        ({"instrument": "who5", "answers": [1, 2, 3, "x", 4]}, "answers"),
        ({"instrument": "mbi", "answers": [1]}, "instrument"),
    ],
)
async def test_wrong_answers_name_the_item(client: httpx.AsyncClient, app: FastAPI, body: dict, named: str) -> None:
    member = await account(app, client)
    response = await client.post(f"{SURVEYS}/responses", headers=member.headers, json=body)
    assert response.status_code == 422
    text = response.json()["detail"] + " ".join(f["message"] + str(f["loc"]) for f in response.json()["fields"])
    assert named in text


async def test_burnout_trend_is_self_only(client: httpx.AsyncClient, app: FastAPI, clock: Clock) -> None:
    member = await account(app, client)
    for answers in ([25] * 6, [50] * 6, [75] * 6):
        await client.post(
            f"{SURVEYS}/responses", headers=member.headers, json={"instrument": "cbi_personal", "answers": answers}
        )
        clock.advance(days=7)
        await relogin(client, member)
    await client.post(f"{SURVEYS}/responses", headers=member.headers, json={"instrument": "who5", "answers": [3] * 5})
    trend = (await client.get(f"{SURVEYS}/responses/user/{member.id}/burnout-trend", headers=member.headers)).json()
    assert [p["score"] for p in trend["points"]] == [25.0, 50.0, 75.0]
    assert trend["latest"]["cbi_personal"]["band"] == "high"
    assert trend["change"] == {"cbi_personal": 50.0}
    for role in (Role.member, Role.manager, Role.admin):
        other = await account(app, client, role)
        denied = await client.get(f"{SURVEYS}/responses/user/{member.id}/burnout-trend", headers=other.headers)
        assert denied.status_code == 404
        assert (await client.get(f"{SURVEYS}/responses", headers=other.headers)).json()["total"] == 0
