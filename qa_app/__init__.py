"""The web chat's parts, kept out of ``app.py`` so each reads on its own.

``render`` turns ``qa`` answers and documents into escaped HTML (pure functions);
``backend`` prepares the index and model in the background and answers; ``turn`` is one chat
turn (question checked, asked, both bubbles rendered) for the chat page and for ``holding``,
the small page that holds the port at start and answers until gradio serves; ``page.css`` and
``page.js`` style the page and make citations clickable. The UI depends on ``qa``; ``qa``
never imports anything from here.
"""
