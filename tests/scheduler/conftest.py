"""A body with items and agencies' chats bound, on the fixed clock: Monday 115/11/23 09:30 in Taipei.

The next meeting is Wednesday 115/12/23, so the reply deadline is Wednesday 115/12/16 and the
countdown falls on 12/9 (5 office days left), 12/14 (2) and 12/15 (1); 12/17 is the first office
day after the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.core import Bot
from tests.conftest import Clock, bind_agency
from tests.driver import Chat


def with_reminders(bot: Bot) -> Bot:
    """The reminder commands, until handlers.build_router includes them."""
    if bot.router.find("催辦") is None:
        from handlers import reminders

        bot.router.include(reminders.router)
    return bot


@dataclass
class World:
    bot: Bot
    clock: Clock
    secretariat: Chat
    moe: Chat  # 教育部, on LINE
    mohw: Chat  # 衛生福利部, on Telegram: also hears about its 保護服務司


def build_world(bot: Bot, clock: Clock, secretariat: Chat) -> World:
    with_reminders(bot)
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    secretariat.run("新增 請教育部提出轉介流程 主辦：教育部 期限：下次會議")  # 1
    secretariat.run("新增 請教育部留意輔導人力 主辦：教育部")  # 2
    secretariat.run("新增 請保護司檢討 主辦：保護司")  # 3
    secretariat.run("新增 請各部會檢視整合不足之處 主辦：各部會")  # 4
    secretariat.run("新增 請勞動部提供統計 主辦：勞動部")  # 5: 勞動部 has no chat
    secretariat.run("下次會議 115/12/23")
    moe = bind_agency(secretariat, "教育部", "line:Cmoe")
    mohw = bind_agency(secretariat, "衛生福利部", "telegram:-100200", name="陳小姐")
    return World(bot, clock, secretariat, moe, mohw)


@pytest.fixture
def world(bot: Bot, clock: Clock, secretariat: Chat) -> World:
    return build_world(bot, clock, secretariat)
