"""Render an XYZ vector-tile layer with headless PyQGIS (QGIS 3.22) and
count the pixels drawn: argv url-template, then xmin ymin xmax ymax
(EPSG:4326) for each map to draw. Prints "DRAWN n" (non-white pixels,
sampled every other pixel) for each map, in order, and any render errors. Run with Debian's /usr/bin/python3 (python3-qgis)."""
import sys, os
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsVectorTileLayer, QgsMapSettings, QgsMapRendererParallelJob,
                       QgsRectangle, QgsCoordinateReferenceSystem)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
url, boxes = sys.argv[1], list(map(float, sys.argv[2:]))
app = QgsApplication([], False)
app.initQgis()
uri = "type=xyz&url=" + url + "&zmin=0&zmax=22"
layer = QgsVectorTileLayer(uri, "parcels")
if not layer.isValid():
    print("INVALID layer", uri); sys.exit(2)
for k in range(0, len(boxes), 4):
    s = QgsMapSettings()
    s.setLayers([layer])
    s.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    s.setExtent(QgsRectangle(*boxes[k:k + 4]))
    s.setOutputSize(QSize(256, 256))
    s.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(s)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    n = 0
    for y in range(0, img.height(), 2):
        for x in range(0, img.width(), 2):
            c = img.pixelColor(x, y)
            if (c.red(), c.green(), c.blue()) != (255, 255, 255):
                n += 1
    print("DRAWN", n)
    for e in job.errors():
        print("ERROR", e.layerID, e.message)
app.exitQgis()
