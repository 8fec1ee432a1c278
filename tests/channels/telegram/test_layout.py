"""How an Outgoing looks in Telegram: the 4,096 limit kept by splitting at lines, buttons as rows."""

from __future__ import annotations

from bot.channels.telegram.layout import MESSAGE_LIMIT, keyboard, split_text, units
from bot.messages import Button


def test_a_short_text_is_one_message() -> None:
    assert split_text("已記錄 #6 辦理情形。") == ["已記錄 #6 辦理情形。"]


def test_a_long_text_is_split_at_line_boundaries_within_the_limit() -> None:
    lines = [f"#{n} 教育部 已於5/12召開跨部會研商會議，銜接流程草案如附。" for n in range(300)]
    parts = split_text("\n".join(lines))

    assert len(parts) > 1
    assert all(units(p) <= MESSAGE_LIMIT for p in parts)
    assert [line for p in parts for line in p.split("\n")] == lines  # every line whole, in order


def test_the_limit_counts_utf16_units_as_telegram_does() -> None:
    emoji_line = "📌" * 2048  # 4,096 UTF-16 units: exactly the limit
    assert split_text(emoji_line) == [emoji_line]
    assert units(emoji_line + "字") == MESSAGE_LIMIT + 1
    assert len(split_text(emoji_line + "\n字")) == 2


def test_a_single_line_longer_than_the_limit_is_cut_between_characters() -> None:
    line = "字" * 5000 + "📌" * 10
    parts = split_text(line)
    assert "".join(parts) == line
    assert [units(p) for p in parts] == [MESSAGE_LIMIT, units(line) - MESSAGE_LIMIT]


def test_blank_lines_at_a_cut_are_not_sent_as_messages_of_their_own() -> None:
    assert split_text("甲" * 4000 + "\n\n\n" + "乙" * 200) == ["甲" * 4000, "乙" * 200]
    assert split_text("甲" * 4096 + "\n" * 10 + "乙") == ["甲" * 4096, "乙"]


def test_buttons_are_one_row_per_item_whatever_their_order() -> None:
    buttons = [Button("回報 #6", "/r 6"), Button("回報 #8", "/r 8"),
               Button("建議解除 #6", "/ask_release 6"), Button("建議解除 #8", "/ask_release 8"),
               Button("全部列表", "/list")]
    markup = keyboard(buttons, [], lambda data: "t")

    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [
        ["回報 #6", "建議解除 #6"], ["回報 #8", "建議解除 #8"], ["全部列表"]]


def test_quick_answers_sit_four_to_a_row() -> None:
    quick = [Button(f"#{n}", f"#{n}") for n in range(1, 7)]
    markup = keyboard([], quick, lambda data: "t")
    assert markup is not None
    assert [len(row) for row in markup.inline_keyboard] == [4, 2]


def test_button_data_over_64_bytes_is_replaced_by_a_token() -> None:
    long = "/ask_release 12 轉介流程與轉介指標已於109年5月20日函頒各縣市政府"
    assert len(long.encode()) > 64
    markup = keyboard([Button("建議解除 #12", long)], [], lambda data: "abc123")
    assert markup is not None
    assert markup.inline_keyboard[0][0].callback_data == "~abc123"


def test_no_buttons_no_keyboard() -> None:
    assert keyboard([], [], lambda data: "t") is None
