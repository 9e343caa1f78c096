"""Headless PyQGIS (python3-qgis, QGIS 3.22) against a zonegis server.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_check.py CONFIG.json

CONFIG names the server (url), the collections, the subset string to try,
the vector-tile URL templates to render, the extent to render them over
(lon/lat) and a directory for the images. Prints one JSON object with what
QGIS saw; the Go test (qgis_test.go) judges it against the API.
"""
import json
import os
import sys
import traceback
from urllib.parse import quote

from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem,
                       QgsCoordinateTransform, QgsFeatureRequest,
                       QgsMapRendererSequentialJob, QgsMapSettings,
                       QgsProject, QgsRectangle, QgsSettings,
                       QgsVectorLayer, QgsVectorTileLayer)
from qgis.PyQt.QtCore import QSize, QVariant
from qgis.PyQt.QtGui import QColor


def oapif(url, collection):
    uri = "url='%s' typename='%s' pagingEnabled='true' pageSize='1000'" % (url, collection)
    return QgsVectorLayer(uri, collection, "OAPIF")


def layer_info(url, collection):
    layer = oapif(url, collection)
    if not layer.isValid():
        return {"valid": False, "error": layer.error().summary()}
    fields = {f.name(): QVariant.typeToName(f.type()) for f in layer.fields()}
    return {"valid": True, "fields": fields}


def subset(url, collection, expr):
    layer = oapif(url, collection)
    if not layer.isValid():
        return {"valid": False, "error": layer.error().summary()}
    applied = layer.setSubsetString(expr)
    n = 0
    values = set()
    for f in layer.getFeatures(QgsFeatureRequest()):
        n += 1
        values.add(str(f["status"]))
    return {"valid": True, "applied": applied, "count": n, "statuses": sorted(values)}


def render_tiles(template, extent, path):
    uri = "type=xyz&url=%s&zmin=0&zmax=14" % quote(template, safe="")
    layer = QgsVectorTileLayer(uri, "tiles")
    if not layer.isValid():
        return {"valid": False, "error": layer.error().summary()}
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    merc = QgsCoordinateReferenceSystem("EPSG:3857")
    xf = QgsCoordinateTransform(wgs84, merc, QgsProject.instance())
    rect = xf.transformBoundingBox(QgsRectangle(*extent))
    ms = QgsMapSettings()
    ms.setLayers([layer])
    ms.setDestinationCrs(merc)
    ms.setExtent(rect)
    ms.setOutputSize(QSize(256, 256))
    ms.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    img.save(path)
    drawn = 0
    for x in range(0, img.width(), 2):
        for y in range(0, img.height(), 2):
            if img.pixelColor(x, y) != QColor(255, 255, 255):
                drawn += 1
    return {"valid": True, "drawn": drawn, "sampled": (img.width() // 2) * (img.height() // 2),
            "errors": [str(e.message) for e in job.errors()]}


def main():
    cfg = json.load(open(sys.argv[1]))
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    QgsSettings().setValue("qgis/networkAndProxy/networkTimeout", 20000)
    out = {"version": __import__("qgis.core").core.Qgis.QGIS_VERSION, "layers": {}, "tiles": {}}
    for c in cfg["collections"]:
        try:
            out["layers"][c] = layer_info(cfg["url"], c)
        except Exception:
            out["layers"][c] = {"valid": False, "error": traceback.format_exc(limit=3)[-600:]}
    try:
        out["subset"] = subset(cfg["url"], "parcels", cfg["subset"])
    except Exception:
        out["subset"] = {"valid": False, "error": traceback.format_exc(limit=3)[-600:]}
    for name, template in cfg["tiles"].items():
        try:
            out["tiles"][name] = render_tiles(template, cfg["extent"], os.path.join(cfg["dir"], name + ".png"))
        except Exception:
            out["tiles"][name] = {"valid": False, "error": traceback.format_exc(limit=3)[-600:]}
    json.dump(out, sys.stdout)
    sys.stdout.flush()
    app.exitQgis()


if __name__ == "__main__":
    main()
