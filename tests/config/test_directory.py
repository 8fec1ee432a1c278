"""The agency directory: one canonical name for every way minutes and users write an agency."""

from __future__ import annotations

import pytest

from config.directory import Agency, AgencyDirectory

LOCAL_GOVERNMENTS = [
    "臺北市政府", "新北市政府", "桃園市政府", "臺中市政府", "臺南市政府", "高雄市政府", "基隆市政府", "新竹市政府",
    "嘉義市政府", "新竹縣政府", "苗栗縣政府", "彰化縣政府", "南投縣政府", "雲林縣政府", "嘉義縣政府", "屏東縣政府",
    "宜蘭縣政府", "花蓮縣政府", "臺東縣政府", "澎湖縣政府", "金門縣政府", "連江縣政府",
]
MUNICIPALITIES = LOCAL_GOVERNMENTS[:6]


@pytest.fixture(scope="module")
def directory() -> AgencyDirectory:
    return AgencyDirectory.load_default()


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("衛福部", "衛生福利部"), ("保護司", "衛生福利部保護服務司"), ("社家署", "衛生福利部社會及家庭署"),
        ("社工司", "衛生福利部社會救助及社工司"), ("心口司", "衛生福利部心理及口腔健康司"),
        ("衛生福利部保護服務司", "衛生福利部保護服務司"), ("教育部", "教育部"), ("勞動部", "勞動部"),
        ("法務部", "法務部"), ("內政部", "內政部"), ("司法院", "司法院"), ("國發會", "國家發展委員會"),
        ("台北市", "臺北市政府"), ("北市府", "臺北市政府"), ("臺北市社會局", "臺北市政府社會局"),
        ("台南市政府衛生局", "臺南市政府衛生局"), ("臺北市家庭暴力暨性侵害防治中心", "臺北市政府家庭暴力暨性侵害防治中心"),
        ("各公所", "各區公所"), ("各縣市政府", "各地方政府"),
    ],
)
def test_what_minutes_write_resolves_to_the_canonical_name(
    directory: AgencyDirectory, written: str, canonical: str
) -> None:
    assert directory.resolve(written) == canonical


@pytest.mark.parametrize("written", ["衛 福 部", " 衛福部\n", "衛福部　", "ＮＣＣ"])
def test_whitespace_and_full_width_do_not_matter(directory: AgencyDirectory, written: str) -> None:
    assert directory.resolve(written) is not None


@pytest.mark.parametrize(
    ("written", "government", "canonical"),
    [
        ("社會局", "桃園市政府", "桃園市政府社會局"), ("家防中心", "桃園市", "桃園市政府家庭暴力暨性侵害防治中心"),
        ("人團科", "桃園市政府", "桃園市政府社會局人民團體科"), ("社會局人團科", "桃園市政府", "桃園市政府社會局人民團體科"),
        ("本府", "桃園市政府", "桃園市政府"), ("本府社會局", "桃園市政府", "桃園市政府社會局"),
        ("本部", "衛生福利部", "衛生福利部"), ("本部保護服務司", "衛生福利部", "衛生福利部保護服務司"),
        ("本局", "桃園市政府社會局", "桃園市政府社會局"), ("本府", "桃園市政府社會局", "桃園市政府"),
        ("衛生局", "臺北市政府社會局", "臺北市政府衛生局"), ("保護司", "法務部", "法務部保護司"),
        ("教育部", "桃園市政府", "教育部"),
    ],
)
def test_the_body_s_own_government_gives_the_context(
    directory: AgencyDirectory, written: str, government: str, canonical: str
) -> None:
    assert directory.resolve(written, government=government) == canonical


def test_a_bare_unit_name_without_context_is_unknown(directory: AgencyDirectory) -> None:
    assert directory.resolve("社會局") is None
    assert directory.resolve("本府") is None


def test_the_secretariat_is_a_role_not_an_agency(directory: AgencyDirectory) -> None:
    assert directory.resolve("秘書處") is None
    assert not [a for a in directory.all() if "秘書處" in a.name or "秘書處" in a.short]


def test_all_twenty_two_local_governments_are_there(directory: AgencyDirectory) -> None:
    locals_ = [a.name for a in directory.all() if a.kind == "local"]
    assert sorted(locals_) == sorted(LOCAL_GOVERNMENTS)


@pytest.mark.parametrize("city", MUNICIPALITIES)
def test_every_municipality_has_the_common_bureaus(directory: AgencyDirectory, city: str) -> None:
    names = {a.name for a in directory.children(city)}
    assert {f"{city}{unit}" for unit in ("社會局", "衛生局", "教育局", "警察局", "民政局")} <= names
    assert f"{city}家庭暴力暨性侵害防治中心" in names


def test_find_all_lists_agencies_in_order_of_first_mention_longest_match_first(directory: AgencyDirectory) -> None:
    text = "請衛生福利部保護服務司會同教育部、台北市及衛福部辦理，並請本府社會局及各公所協助"

    assert directory.find_all(text, government="桃園市政府") == [
        "衛生福利部保護服務司", "教育部", "臺北市政府", "衛生福利部", "桃園市政府社會局", "各區公所",
    ]


def test_find_all_ignores_words_that_only_contain_a_name(directory: AgencyDirectory) -> None:
    assert directory.find_all("教育部門與衛生部門的基本部分", government="衛生福利部") == []


def test_scan_gives_positions_in_the_original_text(directory: AgencyDirectory) -> None:
    text = "請 衛 福部與法務部辦理"

    (first, second) = directory.scan(text)
    assert (text[first.start : first.end], first.name) == ("衛 福部", "衛生福利部")
    assert (second.written, second.name) == ("法務部", "法務部")


@pytest.mark.parametrize(
    ("collective", "kind", "example"),
    [("各部會", "ministry", "教育部"), ("各地方政府", "local", "連江縣政府"),
     ("各司署", "unit", "衛生福利部社會及家庭署"), ("各局處", "unit", "桃園市政府社會局"),
     ("各區公所", "unit", "桃園市中壢區公所"), ("各公所", "unit", "桃園市桃園區公所")],
)
def test_collectives_know_their_members(directory: AgencyDirectory, collective: str, kind: str, example: str) -> None:
    members = directory.members(collective)
    assert example in [m.name for m in members]
    assert {m.kind for m in members} == {kind}


def test_members_of_a_ministry_collective_have_a_ministry_parent(directory: AgencyDirectory) -> None:
    parents = [directory.get(m.parent or "") for m in directory.members("各司署")]
    assert {p.kind if p else None for p in parents} == {"ministry"}


def test_a_unit_knows_its_parent(directory: AgencyDirectory) -> None:
    agency = directory.get("衛生福利部保護服務司")
    assert agency == Agency("衛生福利部保護服務司", ("保護服務司", "保護司"), "衛生福利部", "unit")


def test_secretariat_additions_add_agencies_and_merge_aliases(directory: AgencyDirectory) -> None:
    extended = directory.with_extra([
        Agency("桃園市政府青年事務局", ("青年局",), "桃園市政府", "unit"),
        Agency("衛生福利部", ("衛生署", "衛福部"), None, "ministry"),
    ])

    assert extended.resolve("衛生署") == "衛生福利部"
    assert extended.get("衛生福利部") == Agency("衛生福利部", ("衛福部", "衛生署"), None, "ministry")
    assert extended.resolve("青年局", government="桃園市政府") == "桃園市政府青年事務局"
    assert extended.resolve("桃園市青年事務局") == "桃園市政府青年事務局"
    assert directory.resolve("衛生署") is None  # the default directory is left as it was


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="類別"):
        AgencyDirectory([Agency("某機關", (), None, "department")])


def test_load_default_reads_the_packaged_file_once(directory: AgencyDirectory) -> None:
    assert AgencyDirectory.load_default() is directory


def test_a_short_name_many_agencies_share_lists_them(directory: AgencyDirectory) -> None:
    assert directory.resolve("衛生局") is None
    bureaus = directory.candidates("衛生局")
    assert len(bureaus) == 22 and bureaus[:2] == ["臺北市政府衛生局", "新北市政府衛生局"]
    explained = directory.unknown("衛生局")
    assert explained.startswith("「衛生局」有好幾個機關：臺北市政府衛生局、新北市政府衛生局") and "請寫全名" in explained


@pytest.mark.parametrize(("typed", "meant"), [
    ("衛生福力部", "衛生福利部"), ("教育布", "教育部"), ("勞働部", "勞動部"), ("衛福布", "衛生福利部"),
    ("臺北市政府衛生", "臺北市政府衛生局"),
])
def test_a_near_miss_is_answered_with_the_agency_meant(directory: AgencyDirectory, typed: str, meant: str) -> None:
    assert directory.suggest(typed) == [meant]
    assert directory.unknown(typed) == f"找不到機關「{typed}」。您是不是要找：{meant}？"


def test_a_name_nothing_like_any_agency_is_not_guessed(directory: AgencyDirectory) -> None:
    explained = directory.unknown("火星部")
    assert "您是不是要找" not in explained and "機關 新增 機關全名" in explained and "火星部 " not in explained


def test_the_variant_nei_is_the_same_character(directory: AgencyDirectory) -> None:
    assert directory.resolve("内政部") == "內政部"
