"""Each role has its home page, in English and in Simplified Chinese."""

from __future__ import annotations

import pytest

# role user -> (an English text of its panel, the same text in Chinese)
HOMES = {
    "coord_a": ("Register a participant", "登记受试者"),
    "inv_a": ("Recently registered", "最近登记"),
    "monitor_a": ("Latest changes", "最近的更改"),
    "dm": ("Open the audit trail", "打开稽查轨迹"),
    "stat": ("planned participants registered", "名计划受试者"),
    "biobank": (
        "Specimens the protocol expects for each participant",
        "方案要求每位受试者采集的标本",
    ),
    "admin": ("Manage accounts", "管理账户"),
}


@pytest.mark.parametrize("username", sorted(HOMES))
def test_home_page_per_role_in_both_languages(world, as_user, username) -> None:
    english, chinese = HOMES[username]
    client = as_user(username)
    body = client.get("/").content.decode()
    assert english in body
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    body = client.get("/").content.decode()
    assert chinese in body and english not in body
    assert '<html lang="zh-hans">' in body


def test_navigation_follows_capabilities(world, as_user) -> None:
    coordinator = as_user("coord_a").get("/").content.decode()
    assert 'href="/participants/"' in coordinator and 'href="/accounts/users/"' not in coordinator
    admin = as_user("admin").get("/").content.decode()
    assert 'href="/accounts/users/"' in admin and 'href="/participants/"' not in admin


def test_protocol_page_shows_criteria_in_the_page_language(world, as_user) -> None:
    client = as_user("coord_a")
    assert "Expected survival of more than 12 weeks." in client.get("/protocol/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "预计生存期超过12周。" in client.get("/protocol/").content.decode()
