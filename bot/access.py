"""Who may use the bot: `@requires("allowed")` and `@requires("admin")` on handlers.

PLANBOT_ALLOWED_USERS (empty: everyone) and PLANBOT_ADMIN_IDS decide; admins are always allowed.
"""

from __future__ import annotations

import functools

from telegram import Update
from telegram.ext import ContextTypes

from bot.handling import refuse, settings

NOT_ALLOWED = "🔒 Xin lỗi, bạn chưa được cấp quyền sử dụng bot này. Vui lòng liên hệ quản trị viên."
ADMINS_ONLY = "⛔ Xin lỗi, việc này chỉ dành cho quản trị viên."


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in settings(context).admin_ids


def is_allowed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    allowed = settings(context).allowed_users
    user = update.effective_user
    return not allowed or (user is not None and (user.id in allowed or is_admin(update, context)))


def requires(role: str):
    """Decorate a handler so it runs only for users with `role` ("allowed" or "admin").

    Anyone else gets one polite refusal (an alert under a pressed button, otherwise a
    reply) and the handler body never runs, so nothing is searched, downloaded or changed.
    """
    check, refusal = {"allowed": (is_allowed, NOT_ALLOWED), "admin": (is_admin, ADMINS_ONLY)}[role]

    def decorate(handler):
        @functools.wraps(handler)
        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE, *args, **kwargs):
            if not check(update, context):
                await refuse(update, refusal)
                return None
            return await handler(update, context, *args, **kwargs)

        return guarded

    return decorate
