"""Per-step guidance: Markdown files in Dutch under content/, written by the Haven team."""

import re
from functools import cache
from pathlib import Path

import markdown
from django.utils.safestring import SafeString, mark_safe

CONTENT_DIR = Path(__file__).resolve().parent / "content"
TOPICS = ("signals", "consultation", "conversation", "weighing", "decision", "report", "closure", "acute")


@cache
def render(topic: str) -> SafeString:
    if topic not in TOPICS:
        raise KeyError(topic)
    text = (CONTENT_DIR / f"{topic}.md").read_text(encoding="utf-8")
    # Guidance sits beside a page that has its own h1: "# Title" becomes an h2, and so on.
    text = re.sub(r"^(#{1,5}) ", r"#\1 ", text, flags=re.MULTILINE)
    # Our own files, not user input: the Markdown holds no HTML, so rendering it is safe.
    return mark_safe(markdown.markdown(text, output_format="html"))  # noqa: S308
