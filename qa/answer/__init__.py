"""Stage: ranked evidence -> decide (answer, or say the text is silent, with the reason) -> the reply with [n] citations."""
