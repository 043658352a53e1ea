"""Each intent of issue 9 through the real bot and the fake Bot API, on the bundled plan and plan 1187."""

from __future__ import annotations

from tests.fake_bot_api import ALICE, BOB, GROUP, ask, async_test, buttons


@async_test
async def test_agency_task_list_is_whole_grouped_by_plan_and_paged(api, two_plans, tmp_path):
    async with start(api, two_plans, tmp_path):
        _, reply = await ask(api, "Sở Kế hoạch và Đầu tư và Sở Tài chính phải làm gì?")
        assert "🏛 Sở Kế hoạch và Đầu tư:" in reply["text"] and "🏛 Sở Tài chính:" in reply["text"]
        assert "Kế hoạch 629/KH-UBND" in reply["text"] and "Trang 1/" in reply["text"]
        keys = buttons(reply)
        assert "1" in keys and keys["1"].startswith("c:")
        since = api.mark()
        api.press(reply, keys["Tiếp ▶"], ALICE)
        page = await api.wait_for("editMessageText", since=since)
        assert "Trang 2/" in page.params["text"] and "1187/KH-UBND" in page.params["text"]


@async_test
async def test_absent_agency_is_declined_with_agency_buttons(api, two_plans, tmp_path):
    async with start(api, two_plans, tmp_path):
        _, reply = await ask(api, "Sở Giao thông vận tải có nhiệm vụ gì?")
        assert "Sở Giao thông vận tải không có nhiệm vụ nào trong các kế hoạch đã nạp" in reply["text"]
        assert "Cục Hải quan" not in reply["text"].split("Các cơ quan có nhiệm vụ")[0]
        agencies = {label: data for label, data in buttons(reply).items() if data.startswith("a:")}
        assert "Sở Tài chính" in agencies
        since = api.mark()
        api.press(reply, agencies["Sở Tài chính"], ALICE)
        shown = await api.wait_for("editMessageText", since=since)
        assert "Sở Tài chính" in shown.params["text"] and "chủ trì" in shown.params["text"]


@async_test
async def test_overview_asks_which_plan_then_shows_it(api, two_plans, tmp_path):
    async with start(api, two_plans, tmp_path):
        _, reply = await ask(api, "Kế hoạch này nói gì?")
        assert "Bạn hỏi về kế hoạch nào?" in reply["text"]
        plan = next(data for label, data in buttons(reply).items() if label.startswith("1187/KH-UBND"))
        since = api.mark()
        api.press(reply, plan, ALICE)
        overview = await api.wait_reply(ALICE["id"], since)
        assert "Mục đích" in overview.params["text"] and "giảm thời gian đi lại" in overview.params["text"]
        assert "nhiệm vụ giao cho" in overview.params["text"]
        _, named = await ask(api, "mục tiêu của kế hoạch 629 là gì?")
        assert "Kế hoạch 629/KH-UBND" in named["text"] and "Mục tiêu" in named["text"]


@async_test
async def test_definition_clause_scoped_and_out_of_scope(api, two_plans, tmp_path):
    async with start(api, two_plans, tmp_path):
        _, definition = await ask(api, "ICD là gì?")
        assert "📖 ICD" in definition["text"] and "cảng cạn" in definition["text"]
        _, clause = await ask(api, "Cơ quan nào cấp giấy phép xây dựng?")
        assert "Chủ trì: Sở Xây dựng" in clause["text"]
        _, scoped = await ask(api, "/hoi Sở Xây dựng phải làm gì trong kế hoạch 1187?")
        assert "1187/KH-UBND" in scoped["text"] and "629/KH-UBND" not in scoped["text"]
        _, declined = await ask(api, "thu tuc cap ho chieu o dau")
        assert "Chưa tìm thấy điều khoản phù hợp" in declined["text"]


@async_test
async def test_follow_up_in_a_private_chat(api, two_plans, tmp_path):
    async with start(api, two_plans, tmp_path):
        await ask(api, "Sở Tư pháp có nhiệm vụ gì?")
        _, follow = await ask(api, "còn hạn chót thì sao?")
        assert "🏛 Sở Tư pháp:" in follow["text"] and "hoàn thành trong năm 2021" in follow["text"]
        _, other = await ask(api, "còn hạn chót thì sao?", BOB)  # another chat has no subject yet
        assert "🏛 Sở Tư pháp:" not in other["text"]


@async_test
async def test_follow_up_in_a_group_only_as_a_reply_to_the_bot(api, two_plans, tmp_path):
    async with start(api, two_plans, tmp_path):
        _, answer = await ask(api, "@planbot_test_bot Sở Tư pháp có nhiệm vụ gì?", BOB, GROUP)
        _, follow = await ask(api, "còn hạn chót thì sao?", ALICE, GROUP, reply_to=answer)
        assert "🏛 Sở Tư pháp:" in follow["text"]
        _, fresh = await ask(api, "@planbot_test_bot còn hạn chót thì sao?", BOB, GROUP)
        assert "🏛 Sở Tư pháp:" not in fresh["text"]


def start(api, library, tmp_path):
    from tests.fake_bot_api import start_bot

    return start_bot(api, library, tmp_path)
