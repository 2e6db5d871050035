"""The API gives the competent unit and where each step is done, by agency identifier."""

import pytest

from egov.demo.seed import seed_catalogue


@pytest.fixture
def catalogue(db) -> int:
    return seed_catalogue()


def test_detail_has_the_competent_unit_and_step_places(client, catalogue):
    body = client.get("/api/v1/procedures/1.012811").json()

    assert body["competent_unit"] == "H51.06"
    assert [(step["performer"], step["unit"]) for step in body["steps"]] == [
        ("receiving", None),
        ("competent", None),
        ("unit", "H51.04"),
        ("competent", None),
        ("competent", None),
        ("competent", None),
        ("receiving", None),
    ]


def test_a_commune_procedure_has_no_competent_unit(client, catalogue):
    body = client.get("/api/v1/procedures/1.001193").json()

    assert body["competent_unit"] is None
    assert {step["performer"] for step in body["steps"]} == {"receiving", "competent"}
    assert all(step["unit"] is None for step in body["steps"])


def test_versions_carry_their_competent_unit(client, catalogue):
    body = client.get("/api/v1/procedures/2.000488/versions").json()

    assert [version["competent_unit"] for version in body] == ["H51.03", "H51.03"]
