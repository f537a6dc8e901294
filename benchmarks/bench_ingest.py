"""Benchmark: `mapper ingest ARTICLE --json` against hand-made answers for ten news articles.

The expected answers are in benchmarks/ingest_expected.json (its "rules" entry says how they were made).
The articles stay where they are, in the shared folder next to the checkout (../shared/seeds and
../shared/articles; --articles-dir to point elsewhere); the keys of the expected file are their paths
relative to that folder.  For every article the script runs the console script next to this Python
(`Path(sys.executable).parent / "mapper"`), one subprocess per article with a 120 s timeout, reads the one
JSON object it prints, and scores three kinds against the answers: places, quantities and dates.

Matching
--------
Every kind is scored as a maximum one-to-one matching between predictions and expected items (an
augmenting-path bipartite matching, so the result does not depend on the order of either list):
each expected item is matched at most once and each prediction at most once.  TP = matched pairs,
FP = predictions left over, FN = expected items left over.

places
    The command reports one entry per occurrence, so its places are first grouped into distinct
    places by normalised `name` (the `mention` when there is no name); a group's mentions are all its
    entries' mentions, its point the first entry's lat/lon.  Entries with status "unresolved" count
    neither way (reported as `unresolved`); "resolved" and "ambiguous" ones are predictions.  A group
    matches an expected place when one of its mentions is one of the expected `mentions`, or its
    name equals the expected `name`.  Strings are compared case- and accent-insensitively, with
    curly apostrophes made straight, white space collapsed and a trailing possessive 's removed.
    A second group that matches an already-matched place is a false positive (the map would show the
    place twice); it is reported as `duplicate`.
    "located" is a separate column, not part of precision: of the matched places whose expected entry
    has coordinates and is not an area ("area": true marks countries, continents, seas and regions,
    whose point is only representative), how many have the predicted point within 50 km (WGS84
    geodesic distance, pyproj.Geod; haversine if pyproj is missing).
quantities
    A predicted quantity matches an expected one when its `value_m` is within 2 % of the expected
    value_m.  Every predicted quantity is a prediction (kind is reported, not matched).
dates
    The command's `events`: one matches an expected date when its `date` string equals the expected
    date and its `text` overlaps the expected text (case-insensitive, one a substring of the other).
    Events without a date count neither way (reported as `undated`).

Precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean, per kind summed over all
articles (micro average) and per article.  An article whose command fails (exit code != 0, timeout,
no or bad JSON) counts all its expected items as FN; its error line is reported and the run goes on.
All numbers go to benchmarks/ingest_scores.json with the mapper commit (`git rev-parse HEAD`), whether
the checkout had uncommitted changes, and the date.

Usage:  .venv/bin/python benchmarks/bench_ingest.py [--only NAME] [--expected FILE] [--articles-dir DIR] [--out FILE]
"""

import argparse
import datetime as dt
import json
import math
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_EXPECTED = HERE / "ingest_expected.json"
DEFAULT_ARTICLES = REPO.parent / "shared"
DEFAULT_OUT = HERE / "ingest_scores.json"
KINDS = ("places", "quantities", "dates")
TIMEOUT_S = 120
LOCATED_KM = 50.0
QUANTITY_TOLERANCE = 0.02


# ---------------------------------------------------------------- normalising and matching

def norm(s):
    """Case-, accent- and apostrophe-insensitive form of a name or mention; None stays None."""
    if s is None:
        return None
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'").replace("`", "'")
    s = re.sub(r"\s+", " ", s).strip().casefold()
    s = re.sub(r"'s?$", "", s)  # possessive: "Russia's" -> "russia", "Houthis'" -> "houthis"
    return s.strip(" .,;:")


def max_matching(n_pred, n_exp, ok):
    """Maximum one-to-one matching; ok(i, j) says whether prediction i may match expected j.

    Returns {expected index: prediction index}.  Kuhn's augmenting paths; the lists are small.
    """
    edges = [[j for j in range(n_exp) if ok(i, j)] for i in range(n_pred)]
    owner = {}

    def augment(i, seen):
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(n_pred):
        augment(i, set())
    return owner


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = None
    if p is not None and r is not None:
        f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}


try:
    from pyproj import Geod
    _GEOD = Geod(ellps="WGS84")

    def distance_km(lat1, lon1, lat2, lon2):
        return _GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000.0
    DISTANCE_METHOD = "pyproj.Geod WGS84"
except ImportError:  # pragma: no cover - pyproj is a dependency of mapper
    def distance_km(lat1, lon1, lat2, lon2):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
        return 2 * 6371.0088 * math.asin(math.sqrt(a))
    DISTANCE_METHOD = "haversine R=6371.0088 km"


def _num(x):
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


# ---------------------------------------------------------------- per-kind scoring

def score_places(expected, predicted):
    groups, unresolved = {}, []
    for p in predicted or []:
        if not isinstance(p, dict):
            continue
        if p.get("status") == "unresolved":
            unresolved.append({"mention": p.get("mention"), "name": p.get("name")})
            continue
        key = norm(p.get("name")) or norm(p.get("mention"))
        if not key:
            key = f"#{len(groups)}"
        g = groups.setdefault(key, {"name": p.get("name"), "mentions": [], "lat": None, "lon": None})
        if p.get("mention") and p.get("mention") not in g["mentions"]:
            g["mentions"].append(p.get("mention"))
        if g["lat"] is None and _num(p.get("lat")) is not None and _num(p.get("lon")) is not None:
            g["lat"], g["lon"] = _num(p.get("lat")), _num(p.get("lon"))
    preds = list(groups.values())
    exp_names = [norm(e["name"]) for e in expected]
    exp_mentions = [{norm(m) for m in e.get("mentions") or []} for e in expected]

    def ok(i, j):
        g = preds[i]
        return norm(g["name"]) == exp_names[j] or any(norm(m) in exp_mentions[j] for m in g["mentions"])

    owner = max_matching(len(preds), len(expected), ok)
    matched_preds = set(owner.values())
    matched, located, eligible = [], 0, 0
    for j, i in sorted(owner.items()):
        e, g = expected[j], preds[i]
        row = {"expected": e["name"], "name": g["name"], "mentions": g["mentions"]}
        if e.get("lat") is not None and e.get("lon") is not None and not e.get("area"):
            eligible += 1
            if g["lat"] is not None:
                km = distance_km(e["lat"], e["lon"], g["lat"], g["lon"])
                row["km"] = round(km, 1)
                row["located"] = km <= LOCATED_KM
                located += km <= LOCATED_KM
            else:
                row["located"] = False
        matched.append(row)
    false_pos = []
    for i, g in enumerate(preds):
        if i in matched_preds:
            continue
        dup = any(ok(i, j) for j in owner)
        false_pos.append({"name": g["name"], "mentions": g["mentions"], "duplicate": dup})
    missed = [e["name"] for j, e in enumerate(expected) if j not in owner]
    res = prf(len(owner), len(preds) - len(owner), len(expected) - len(owner))
    res.update({"located": located, "located_eligible": eligible,
                "expected_with_point": sum(1 for e in expected if e.get("lat") is not None and not e.get("area")),
                "unresolved": unresolved, "matched": matched, "missed": missed, "false_positives": false_pos})
    return res


def score_quantities(expected, predicted):
    preds = [q for q in predicted or [] if isinstance(q, dict)]
    vals = [_num(q.get("value_m")) for q in preds]

    def ok(i, j):
        want = expected[j]["value_m"]
        return vals[i] is not None and abs(vals[i] - want) <= QUANTITY_TOLERANCE * abs(want)

    owner = max_matching(len(preds), len(expected), ok)
    used = set(owner.values())
    res = prf(len(owner), len(preds) - len(owner), len(expected) - len(owner))
    res.update({
        "matched": [{"expected": expected[j]["text"], "text": preds[i].get("text"), "value_m": vals[i]}
                    for j, i in sorted(owner.items())],
        "missed": [f'{e["text"]} ({e["value_m"]} m)' for j, e in enumerate(expected) if j not in owner],
        "false_positives": [{"text": q.get("text"), "value_m": vals[i], "kind": q.get("kind")}
                            for i, q in enumerate(preds) if i not in used]})
    return res


def score_dates(expected, predicted):
    preds, undated = [], []
    for ev in predicted or []:
        if not isinstance(ev, dict):
            continue
        (preds if ev.get("date") not in (None, "") else undated).append(ev)
    texts = [re.sub(r"\s+", " ", str(ev.get("text") or "")).strip().casefold() for ev in preds]
    exp_texts = [re.sub(r"\s+", " ", e["text"]).strip().casefold() for e in expected]

    def ok(i, j):
        t, want = texts[i], exp_texts[j]
        return str(preds[i].get("date")) == expected[j]["date"] and bool(t) and (t in want or want in t)

    owner = max_matching(len(preds), len(expected), ok)
    used = set(owner.values())
    res = prf(len(owner), len(preds) - len(owner), len(expected) - len(owner))
    res.update({
        "undated": [ev.get("text") for ev in undated],
        "matched": [{"expected": f'{expected[j]["text"]} = {expected[j]["date"]}', "text": preds[i].get("text")}
                    for j, i in sorted(owner.items())],
        "missed": [f'{e["text"]} = {e["date"]}' for j, e in enumerate(expected) if j not in owner],
        "false_positives": [f'{ev.get("text")} = {ev.get("date")}' for i, ev in enumerate(preds) if i not in used]})
    return res


SCORERS = {"places": ("places", score_places), "quantities": ("quantities", score_quantities),
           "dates": ("events", score_dates)}


# ---------------------------------------------------------------- running the command

def run_ingest(mapper, article, timeout):
    """(parsed JSON or None, error line or None, seconds)."""
    t0 = time.monotonic()
    try:
        proc = subprocess.run([str(mapper), "ingest", str(article), "--json"], capture_output=True,
                              text=True, encoding="utf-8", errors="replace", timeout=timeout, cwd=REPO)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout} s", time.monotonic() - t0
    except OSError as e:
        return None, f"could not run {mapper}: {e}", time.monotonic() - t0
    elapsed = time.monotonic() - t0
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr or proc.stdout or "").splitlines() if ln.strip()]
        return None, f"exit code {proc.returncode}: {lines[-1].strip() if lines else '(no output)'}", elapsed
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        return None, f"bad JSON on stdout: {e}", elapsed
    if not isinstance(data, dict):
        return None, f"stdout JSON is a {type(data).__name__}, not an object", elapsed
    return data, None, elapsed


def git(*args):
    try:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


# ---------------------------------------------------------------- output

def fmt(x):
    return "–" if x is None else f"{x:.3f}"


def markdown_table(totals):
    rows = ["| kind | precision | recall | F1 | TP | FP | FN |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for kind in KINDS:
        t = totals[kind]
        rows.append(f"| {kind} | {fmt(t['precision'])} | {fmt(t['recall'])} | {fmt(t['f1'])} "
                    f"| {t['tp']} | {t['fp']} | {t['fn']} |")
    return "\n".join(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="The matching rules are in the docstring at the top of this file.")
    ap.add_argument("--expected", type=Path, default=DEFAULT_EXPECTED, help=f"expected answers (default {DEFAULT_EXPECTED.relative_to(REPO)})")
    ap.add_argument("--articles-dir", type=Path, default=DEFAULT_ARTICLES,
                    help="folder the expected file's keys are relative to (default: ../shared next to the checkout)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"scores JSON to write (default {DEFAULT_OUT.relative_to(REPO)})")
    ap.add_argument("--only", action="append", metavar="NAME",
                    help="score only articles whose key contains NAME (repeatable)")
    ap.add_argument("--mapper", type=Path, default=Path(sys.executable).parent / "mapper",
                    help="the mapper console script (default: next to this Python)")
    ap.add_argument("--timeout", type=float, default=TIMEOUT_S, help=f"seconds per article (default {TIMEOUT_S})")
    args = ap.parse_args(argv)

    expected_all = json.loads(args.expected.read_text(encoding="utf-8"))
    articles = {k: v for k, v in expected_all.items() if isinstance(v, dict) and "places" in v}
    if args.only:
        articles = {k: v for k, v in articles.items() if any(s in k for s in args.only)}
    if not articles:
        ap.error("no article in the expected file matches --only")

    per_article, totals = {}, {k: {"tp": 0, "fp": 0, "fn": 0} for k in KINDS}
    located = {"located": 0, "located_eligible": 0, "expected_with_point": 0}
    unresolved_total = 0
    for key, exp in articles.items():
        path = args.articles_dir / key
        exp_items = {"places": exp["places"], "quantities": exp["quantities"], "dates": exp["dates"]}
        if not path.is_file():
            data, error, elapsed = None, f"article not found: {path}", 0.0
        else:
            data, error, elapsed = run_ingest(args.mapper, path, args.timeout)
        entry = {"path": str(path), "seconds": round(elapsed, 2), "ok": error is None, "error": error}
        if data is not None:
            src = data.get("source") if isinstance(data.get("source"), dict) else {}
            entry["source_date"] = src.get("date")
            entry["source_date_correct"] = src.get("date") == exp.get("date")
        for kind in KINDS:
            field, scorer = SCORERS[kind]
            if data is None:
                res = prf(0, 0, len(exp_items[kind]))
                res.update({"matched": [], "false_positives": [],
                            "missed": [x.get("name") or f'{x["text"]}' for x in exp_items[kind]]})
            else:
                pred = data.get(field)
                res = scorer(exp_items[kind], pred if isinstance(pred, list) else [])
            entry[kind] = res
            for c in ("tp", "fp", "fn"):
                totals[kind][c] += res[c]
        located["expected_with_point"] += entry["places"].get("expected_with_point", 0) if data is not None else sum(
            1 for e in exp["places"] if e.get("lat") is not None and not e.get("area"))
        if data is not None:
            for c in ("located", "located_eligible"):
                located[c] += entry["places"][c]
            unresolved_total += len(entry["places"]["unresolved"])
        per_article[key] = entry

    totals = {k: prf(v["tp"], v["fp"], v["fn"]) for k, v in totals.items()}
    located["share_of_eligible"] = (located["located"] / located["located_eligible"]
                                    if located["located_eligible"] else None)
    failed = [k for k, e in per_article.items() if not e["ok"]]

    result = {
        "benchmark": "mapper ingest --json against benchmarks/ingest_expected.json",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "mapper_commit": git("rev-parse", "HEAD"),
        "mapper_checkout_dirty": bool(git("status", "--porcelain")),
        "expected_file": str(args.expected),
        "articles_dir": str(args.articles_dir),
        "command": f"{args.mapper} ingest ARTICLE --json",
        "matching": {"places": "mention in expected mentions or name equal (case/accent-insensitive), one-to-one; "
                               "unresolved excluded; predictions grouped by name",
                     "located_km": LOCATED_KM, "distance": DISTANCE_METHOD,
                     "quantities_tolerance": QUANTITY_TOLERANCE,
                     "dates": "same date string and overlapping text"},
        "totals": totals,
        "located": located,
        "failed": failed,
        "articles": per_article,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(markdown_table(totals))
    print()
    print(f"located: {located['located']} of {located['located_eligible']} matched places with an expected point "
          f"within {LOCATED_KM:g} km ({located['expected_with_point']} expected places have a point); "
          f"unresolved places reported: {unresolved_total}; articles failed: {len(failed)} of {len(per_article)}")
    print()
    for key, e in per_article.items():
        if not e["ok"]:
            print(f"- {key}: FAILED ({e['error']}); all {sum(e[k]['fn'] for k in KINDS)} expected items count as FN")
            continue
        parts = [f"{k} P {fmt(e[k]['precision'])} R {fmt(e[k]['recall'])} ({e[k]['tp']}/{e[k]['fp']}/{e[k]['fn']})"
                 for k in KINDS]
        p = e["places"]
        print(f"- {key} ({e['seconds']} s): " + "; ".join(parts)
              + f"; located {p['located']}/{p['located_eligible']}"
              + ("" if e.get("source_date_correct") else f"; source date {e.get('source_date')!r} != {articles[key]['date']!r}"))
        for k in KINDS:
            if e[k]["missed"]:
                print(f"    missed {k}: " + ", ".join(map(str, e[k]["missed"])))
            fps = e[k]["false_positives"]
            if fps:
                shown = [f"{f['name'] or '/'.join(f['mentions'])}{' (dup)' if f['duplicate'] else ''}" if k == "places"
                         else (f"{f['text']} ({f['value_m']} m)" if k == "quantities" else f) for f in fps]
                print(f"    extra {k}: " + ", ".join(map(str, shown)))
        far = [f"{m['expected']} {m['km']} km" for m in p["matched"] if m.get("located") is False and "km" in m]
        if far:
            print("    placed more than 50 km off: " + ", ".join(far))

    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
