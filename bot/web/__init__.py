"""The secretariat's web desk: pages served by the bot's own aiohttp application (see routes.install)."""
