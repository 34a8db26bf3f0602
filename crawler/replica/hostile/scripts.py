"""`script_vectors`: what in a stored body could run script when rendered.

The security case's article is full of script payloads; a correct crawl stores its body
with none of them left, which `script_vectors(body_html) == []` checks.
"""

from __future__ import annotations

import re

import lxml.html

# What must never survive in a stored body_html, checked by `script_vectors`: elements
# that run script or load active content, event-handler attributes, and script URLs.
UNSAFE_TAGS = frozenset(
    "script iframe frame frameset object embed applet svg math style link meta base form noscript template".split()
)
URL_ATTRIBUTES = frozenset("href src action formaction xlink:href background poster srcset data".split())
UNSAFE_URL = re.compile(r"^(javascript|vbscript|livescript):|^data:(text/html|image/svg|application/xhtml)")
UNSAFE_STYLE = re.compile(r"javascript:|expression\s*\(|behavior\s*:|-moz-binding", re.IGNORECASE)


def script_vectors(body_html: str) -> list[str]:
    """What in an HTML fragment could run script when rendered; [] for an inert body.

    Parsed, not searched: `&lt;script&gt;` shown as text is harmless and not reported.
    """
    if not body_html.strip():
        return []
    found = []
    for element in lxml.html.fragment_fromstring(body_html, create_parent="div").iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions never run
        tag = element.tag.lower()
        if tag in UNSAFE_TAGS:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            name = name.lower()
            # Browsers ignore control characters and spaces inside a scheme: "java\tscript:" runs.
            url = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}>")
            elif name in URL_ATTRIBUTES and UNSAFE_URL.match(url):
                found.append(f"<{tag} {name}={value[:40]!r}>")
            elif name == "style" and UNSAFE_STYLE.search(value):
                found.append(f"<{tag} style={value[:40]!r}>")
            elif name == "srcdoc":
                found.append(f"<{tag} srcdoc>")
    return found
