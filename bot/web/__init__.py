"""The web: the application, its routes, the chat page, the console and their guards."""
