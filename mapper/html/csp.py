"""Lock a self-contained page down with a Content-Security-Policy.

The policy allows no network at all and only the page's own inline scripts
and styles, by hash.  The browser then enforces both "offline" and "no
injected script": a ``<script>`` or ``onerror=`` that slipped in would not
match a hash and would not run.
"""

import base64
import hashlib
import re

from mapper.errors import MapperError

BRANCA_CHARSET = '<meta http-equiv="content-type" content="text/html; charset=UTF-8" />'
_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.S)
# Data blocks of large point layers (mapper.html.pointpack): not run, so not hashed;
# only this exact form is let through.
_DATA_BLOCK = re.compile(r'<script type="application/x-mapper-points" id="[a-z0-9-]+">[A-Za-z0-9+/=]*</script>'
                         r'|<script type="application/x-mapper-points" id="[a-z0-9-]+">\[[^<]*\]</script>')
_EXTERNAL = re.compile(r"<(?:script|link|img|iframe|object|embed)\b[^>]*\b(?:src|href|data)\s*=", re.I)


def _hash(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def policy_for(html):
    """The CSP for ``html``: its inline ``<script>``/``<style>`` hashes and nothing else.

    Raises
    ------
    MapperError
        If the page loads anything by URL, or has a script or style element
        with attributes (which could not be hashed here).
    """
    external = _EXTERNAL.search(html)
    if external:
        raise MapperError(f"offline page refers to an outside resource: {external.group(0)[:80]}")
    inline = _INLINE.findall(html)
    data_blocks = len(_DATA_BLOCK.findall(html))
    for tag in ("script", "style"):
        allowed = data_blocks if tag == "script" else 0
        if html.count(f"<{tag}") != allowed + sum(1 for kind, _ in inline if kind == tag):
            raise MapperError(f"offline page has a <{tag}> element that cannot be hashed")
    hashes = {tag: sorted({_hash(body) for kind, body in inline if kind == tag}) for tag in ("script", "style")}
    return "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(hashes["script"]),
        "style-src " + " ".join(hashes["style"]),
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ])


def charset_first(html):
    """``html`` declaring UTF-8 as the first thing in its head.

    Browsers look for the charset in the first 1024 bytes only; the policy
    and a long title must not push it out.
    """
    html = html.replace(BRANCA_CHARSET, "", 1)
    return html.replace("<head>", '<head>\n<meta charset="utf-8">', 1)


def lock_down(html):
    """``html`` with a CSP ``<meta>`` as the first element of its head."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy_for(html)}">'
    if html.count("<head>") != 1:
        raise MapperError("page has no single <head> to hold its security policy")
    return html.replace("<head>", f"<head>\n{meta}", 1)
