"""What the bot does, one module per feature, each with its own explicit router."""

from __future__ import annotations

from bot.router import Router


def build_router() -> Router:
    from handlers import (
        agencies,
        binding,
        corrections,
        evidence,
        imports,
        items,
        meetings,
        quota,
        reminders,
        replies,
        reports,
        web,
    )
    from handlers.help import make_help

    router = Router()
    for feature in (items, replies, corrections, evidence, binding, meetings, agencies, imports, reports, reminders,
                    quota, web):
        router.include(feature.router)
    router.include(make_help(router))
    return router
