"""The review page of `mapper ingest`: the article with every extraction marked and linked to its entry.

One offline HTML file, no script: each mark in the text links to its entry
in the list beside it (place, quantity, date, claim, flow), and each entry
links back to its first mark.  Every string from the article is escaped;
the page's policy allows its own inline style and nothing else.
"""

from mapper.html.csp import lock_down
from mapper.html.popups import esc

KINDS = (("places", "Place"), ("quantities", "Quantity"), ("events", "Date"), ("claims", "Claim"),
         ("flows", "Suggested flow"), ("systems", "System"))
STYLE = """
body { font: 15px/1.55 "Helvetica Neue", Arial, sans-serif; margin: 0; color: #111827; }
header { padding: 12px 20px; background: #f3f4f6; border-bottom: 1px solid #d1d5db; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 24px; padding: 16px 20px; }
.article { white-space: pre-wrap; overflow-wrap: anywhere; }
mark { padding: 0 2px; border-radius: 3px; }
mark a { color: inherit; text-decoration: none; }
.places { background: #dbeafe; } .quantities { background: #fde68a; } .events { background: #dcfce7; }
.unresolved, .ambiguous { background: #fecaca; }
ol { padding-left: 20px; } li { margin-bottom: 8px; } li:target { outline: 2px solid #2563eb; }
.meta { color: #4b5563; font-size: 13px; }
a:focus-visible { outline: 2px solid #2563eb; outline-offset: 2px; }
"""


def _entry_text(kind, item):
    if kind == "places":
        where = f"{item['lat']:.4f}, {item['lon']:.4f} — {item['reference']}" if "lat" in item else \
            "not placed; suggestions: " + ("; ".join(item.get("suggestions", [])) or "none")
        return (f"<b>{esc(item['name'])}</b> ({esc(item['status'])}, confidence {item['confidence']:.2f}) "
                f"<span class=\"meta\">{esc(where)}{'. ' + esc(item['note']) if item.get('note') else ''}</span>")
    if kind == "quantities":
        return f"<b>{esc(item['text'])}</b> = {item['value_m'] / 1000:,.1f} km ({esc(item['kind'])})"
    if kind == "events":
        return (f"<b>{esc(item['date'])}</b> from “{esc(item['text'])}” "
                f"<span class=\"meta\">{esc(item['inferred'])}</span>")
    if kind == "claims":
        return (f"<b>{esc(item['subject'])}</b>: {esc(item['text'])} "
                "<span class=\"meta\">checked by <code>mapper verify</code> once confirmed</span>")
    if kind == "flows":
        return f"<b>{esc(item['from'])} → {esc(item['to'])}</b>: {esc(item['cargo'])}"
    return f"<b>{esc(item['name'] or 'Unnamed system')}</b>: range {esc(item['range'])}"


def _spans(found):
    """(start, end, kind, css class, anchor) of every mark, without overlaps (the first found keeps its text)."""
    marks = []
    for kind, _ in KINDS[:3]:
        for n, item in enumerate(found[kind]):
            anchor = f"{kind}-{n + 1}"
            css = f"{kind} {item.get('status', '')}".strip()
            for mention in item.get("mentions") or [{"start": item["start"], "end": item["end"]}]:
                marks.append((mention["start"], mention["end"], css, anchor))
    marks.sort()
    kept, last_end = [], -1
    for mark in marks:
        if mark[0] >= last_end:
            kept.append(mark)
            last_end = mark[1]
    return kept


def review_page(article, found, draft_name=None):
    """The review page's HTML for ``article`` and what :func:`mapper.text.extract.extract` ``found`` in it."""
    text = article.text
    pieces, at = [], 0
    first = {}
    for start, end, css, anchor in _spans(found):
        pieces.append(esc(text[at:start]))
        mark_id = "" if anchor in first else f' id="at-{anchor}"'
        first.setdefault(anchor, start)
        pieces.append(f'<mark class="{esc(css)}"{mark_id}><a href="#{anchor}">{esc(text[start:end])}</a></mark>')
        at = end
    pieces.append(esc(text[at:]))
    lists = []
    for kind, title in KINDS:
        items = []
        for n, item in enumerate(found[kind]):
            anchor = f"{kind}-{n + 1}"
            back = f' <a href="#at-{anchor}">(in the text)</a>' if anchor in first else ""
            items.append(f'<li id="{anchor}">{_entry_text(kind, item)}{back}'
                         f'<br><span class="meta">“{esc(item["quote"])}”</span></li>')
        lists.append(f"<h2>{title}s ({len(items)})</h2><ol>{''.join(items) or '<li>none found</li>'}</ol>")
    source = found["source"]
    draft = f" Draft briefing: <code>{esc(draft_name)}</code>." if draft_name else ""
    html = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Review: {esc(source.get('title') or article.path.name)}</title><style>{STYLE}</style></head>"
            f"<body><header><h1>{esc(source.get('title') or article.path.name)}</h1>"
            f"<p class=\"meta\">{esc(source.get('outlet') or 'outlet not given')}, "
            f"{esc(source.get('date') or 'date not given')} — found by <code>mapper ingest</code>; "
            f"every item is a draft until an analyst confirms it.{draft}</p></header>"
            f"<main><article class=\"article\">{''.join(pieces)}</article>"
            f"<aside>{''.join(lists)}</aside></main></body></html>\n")
    return lock_down(html)
