// zg.h: the C helpers of package source's GDAL binding (zg.c).
#ifndef ZG_H
#define ZG_H
#include <stdlib.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

// zg_feature is one feature as read: the OGR feature (for its fields) and
// its geometry as ISO WKB in the target CRS.
typedef struct {
	OGRFeatureH f;
	unsigned char *wkb;
	int wkblen;
	char *geomerr; // the geometry could not be transformed or exported
	char *err;     // reading failed: the file is corrupt
} zg_feature;

GDALDatasetH zg_open(const char *path, const char *drivers, const char *oo, char **err);
OGRSpatialReferenceH zg_srs(int code, const char *proj, char **err);
OGRSpatialReferenceH zg_srs_layer(OGRLayerH l);
char *zg_srs_name(OGRSpatialReferenceH s);
int zg_srs_epsg_of(OGRSpatialReferenceH s);

OGRCoordinateTransformationH zg_transform(OGRSpatialReferenceH src, OGRSpatialReferenceH dst, char **err);
int zg_next(OGRLayerH l, OGRCoordinateTransformationH ct, zg_feature *out);
void zg_field_time(OGRFeatureH f, int i, int *v, float *sec);
char *zg_layer_names(GDALDatasetH ds);
char *zg_zip_entries(const char *vsipath);
const char *zg_shape_encoding(GDALDatasetH ds, OGRLayerH l);
long long zg_size(const char *path);
void zg_thread_config(const char *key, const char *value);
char *zg_head(const char *path, int max, int *len);
#endif
