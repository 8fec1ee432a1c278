"""`lieguan web-login`: a sign-in link to the web desk on the last line (the first secretariat needs no chat)."""

from __future__ import annotations

import getpass

import typer

from bot.cli import app, ready_bot


@app.command("web-login")
def web_login() -> None:
    """產生網頁版的登入連結（10 分鐘內有效、限用一次；最後一行就是連結）。"""
    from bot.web.links import sign_in_url

    bot = ready_bot()
    user = f"cli:{getpass.getuser()}"
    token = bot.store.create_web_login(user=user, name=None, chat=None, actor=user)
    typer.echo("網頁版登入連結（10 分鐘內有效、只能使用一次）。請在瀏覽器開啟（lieguan serve 須在執行中）：")
    typer.echo(sign_in_url(bot.settings, token))
