"""A geodata copy whose texts carry script-injection payloads."""

import hashlib
import json
import shutil

PAYLOADS = [
    "<img src=x onerror=alert('img')>",
    "</script><script>alert('script')</script>",
    "${alert('template')}",
    "`);alert('backtick');(`",
    "javascript:alert('url')",
    '"><svg onload=alert(\'svg\')>',
]
HOSTILE_NAME = "Port " + " ".join(PAYLOADS)
HOSTILE_QUOTE = "Iran ships drones " + PAYLOADS[1] + " via " + PAYLOADS[0]


def make_hostile_copy(data_dir, articles_dir, target):
    """Copy data and articles into ``target``; poison Olya's texts and a briefing title.

    Returns (data copy, articles copy).
    """
    data_copy, articles_copy = target / "geo", target / "articles"
    shutil.copytree(data_dir, data_copy)
    shutil.copytree(articles_dir, articles_copy)
    sources = json.loads((data_copy / "sources.json").read_text(encoding="utf-8"))
    source = sources["sources"][0]
    article = articles_copy / source["seed_file"]
    article.write_text(article.read_text(encoding="utf-8") + "\n" + HOSTILE_QUOTE + "\n", encoding="utf-8")
    source["sha256"] = hashlib.sha256(article.read_bytes()).hexdigest()
    source["title"] = PAYLOADS[2] + " title"
    (data_copy / "sources.json").write_text(json.dumps(sources, ensure_ascii=False), encoding="utf-8")

    places = json.loads((data_copy / "places.geojson").read_text(encoding="utf-8"))
    olya = next(f for f in places["features"] if f["properties"]["id"] == "olya")["properties"]
    olya.update(name=HOSTILE_NAME, description=" ".join(PAYLOADS), note=PAYLOADS[3] + PAYLOADS[4],
                aliases=PAYLOADS, sources=[{"source": source["id"], "quote": HOSTILE_QUOTE}])
    olya.pop("basis")
    (data_copy / "places.geojson").write_text(json.dumps(places, ensure_ascii=False), encoding="utf-8")

    briefing = data_copy / "briefings" / "iran-russia.toml"
    text = briefing.read_text(encoding="utf-8")
    title = json.dumps(PAYLOADS[1] + PAYLOADS[0])  # a TOML basic string
    briefing.write_text(text.replace('title = "Iran–Russia military supply, 2023–2024"', f"title = {title}"),
                        encoding="utf-8")
    return data_copy, articles_copy
