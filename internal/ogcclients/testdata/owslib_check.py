"""OWSLib (python3-owslib 0.27) against a zonegis server.

Usage: /usr/bin/python3 owslib_check.py CONFIG.json

CONFIG names the server (url) and the requests' arguments. Each check runs
on its own and prints one JSON object, {check: {"ok": bool, "result": ...,
"error": "..."}}: the Go test (owslib_test.go) judges the results against
the API's own answers, so this script only reports what OWSLib gave.
"""
import json
import sys
import traceback

from owslib.ogcapi.features import Features


def ids(fc):
    return sorted(f["id"] for f in fc.get("features", []))


def main():
    cfg = json.load(open(sys.argv[1]))
    api = Features(cfg["url"], timeout=20)
    checks = {
        "collections": lambda: sorted(c["id"] for c in api.collections()["collections"]),
        "collection": lambda: api.collection("parcels"),
        "conformance": lambda: api.conformance()["conformsTo"],
        "items_bbox": lambda: (lambda fc: {"numberMatched": fc.get("numberMatched"), "ids": ids(fc)})(
            api.collection_items("parcels", bbox=cfg["bbox"], limit=10000)),
        "items_datetime": lambda: (lambda fc: {"numberMatched": fc.get("numberMatched"), "ids": ids(fc)})(
            api.collection_items("zones", datetime=cfg["datetime"], limit=1000)),
        "items_filter": lambda: (lambda fc: {"numberMatched": fc.get("numberMatched"), "ids": ids(fc),
                                             "statuses": sorted({f["properties"].get("status") for f in fc["features"]})})(
            api.collection_items("parcels", filter=cfg["filter"], limit=10000)),
        "queryables": lambda: api.collection_queryables("zones"),
    }
    out = {}
    for name, fn in checks.items():
        try:
            out[name] = {"ok": True, "result": fn()}
        except Exception as e:  # report every failure, run every check
            out[name] = {"ok": False, "error": "%s: %s" % (type(e).__name__, str(e)[:600]),
                         "trace": traceback.format_exc(limit=3)[-800:]}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
