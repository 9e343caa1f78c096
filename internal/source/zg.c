// zg.c: the C side of package source's GDAL binding. Each helper does its
// whole job in one call from Go, so that GDAL's error state (per OS thread)
// is read on the thread that set it.
#define _LARGEFILE64_SOURCE 1
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include "zg.h"

// zg_lasterr returns a copy of GDAL's last error message, or NULL.
static char *zg_lasterr(void) {
	const char *m = CPLGetLastErrorMsg();
	return (m && *m) ? strdup(m) : NULL;
}

// zg_open opens path as a read-only vector dataset with one of drivers
// and the open options oo (both "\n"-separated, may be empty).
GDALDatasetH zg_open(const char *path, const char *drivers, const char *oo, char **err) {
	char **d = drivers[0] ? CSLTokenizeString2(drivers, "\n", 0) : NULL;
	char **o = oo[0] ? CSLTokenizeString2(oo, "\n", 0) : NULL;
	CPLErrorReset();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
		(const char *const *)d, (const char *const *)o, NULL);
	if (!ds) *err = zg_lasterr();
	CPLPopErrorHandler();
	CSLDestroy(d);
	CSLDestroy(o);
	return ds;
}

// zg_srs makes an SRS, in lon/lat (x/y) order, from a PROJ string, or
// from an EPSG code when proj is NULL.
OGRSpatialReferenceH zg_srs(int code, const char *proj, char **err) {
	CPLErrorReset();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
	if ((proj ? OSRImportFromProj4(s, proj) : OSRImportFromEPSG(s, code)) != OGRERR_NONE) {
		*err = zg_lasterr();
		OSRDestroySpatialReference(s);
		s = NULL;
	} else {
		OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
	}
	CPLPopErrorHandler();
	return s;
}

// zg_srs_layer is a copy of the layer's SRS in x/y order, or NULL.
OGRSpatialReferenceH zg_srs_layer(OGRLayerH l) {
	OGRSpatialReferenceH s = OGR_L_GetSpatialRef(l);
	if (!s) return NULL;
	s = OSRClone(s);
	OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
	return s;
}

// zg_srs_name is the SRS's authority code ("EPSG:9210") or name.
char *zg_srs_name(OGRSpatialReferenceH s) {
	const char *auth = OSRGetAuthorityName(s, NULL), *code = OSRGetAuthorityCode(s, NULL);
	if (auth && code) {
		size_t n = strlen(auth) + strlen(code) + 2;
		char *out = malloc(n);
		snprintf(out, n, "%s:%s", auth, code);
		return out;
	}
	const char *name = OSRGetName(s);
	return strdup(name ? name : "unnamed CRS");
}

// zg_srs_epsg_of is the EPSG code of s: its own authority code, else the
// best EPSG match PROJ finds for it (a .prj in ESRI WKT names none), or 0.
int zg_srs_epsg_of(OGRSpatialReferenceH s) {
	const char *auth = OSRGetAuthorityName(s, NULL), *code = OSRGetAuthorityCode(s, NULL);
	if (auth && code && strcmp(auth, "EPSG") == 0) return atoi(code);
	int n = 0, *conf = NULL, out = 0;
	CPLPushErrorHandler(CPLQuietErrorHandler);
	OGRSpatialReferenceH *m = OSRFindMatches(s, NULL, &n, &conf);
	CPLPopErrorHandler();
	if (m && n > 0 && conf[0] >= 70) {
		auth = OSRGetAuthorityName(m[0], NULL);
		code = OSRGetAuthorityCode(m[0], NULL);
		if (auth && code && strcmp(auth, "EPSG") == 0) out = atoi(code);
	}
	if (m) OSRFreeSRSArray(m);
	CPLFree(conf);
	return out;
}

OGRCoordinateTransformationH zg_transform(OGRSpatialReferenceH src, OGRSpatialReferenceH dst, char **err) {
	CPLErrorReset();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(src, dst);
	if (!ct) *err = zg_lasterr();
	CPLPopErrorHandler();
	return ct;
}


// zg_next reads the layer's next feature into out. It returns 0 at the
// end of the layer, 1 with a feature, -1 when reading failed (out->err).
int zg_next(OGRLayerH l, OGRCoordinateTransformationH ct, zg_feature *out) {
	memset(out, 0, sizeof *out);
	CPLErrorReset();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	OGRFeatureH f = OGR_L_GetNextFeature(l);
	if (!f) {
		int failed = CPLGetLastErrorType() >= CE_Failure;
		if (failed) out->err = zg_lasterr();
		CPLPopErrorHandler();
		return failed ? -1 : 0;
	}
	out->f = f;
	OGRGeometryH g = OGR_F_GetGeometryRef(f);
	if (g && !OGR_G_IsEmpty(g)) {
		OGRGeometryH lin = NULL;
		if (OGR_G_HasCurveGeometry(g, 1)) {
			lin = OGR_G_GetLinearGeometry(g, 0, NULL);
			g = lin;
		}
		CPLErrorReset();
		if (!g) {
			out->geomerr = strdup("its curves could not be turned into lines");
		} else if (ct && OGR_G_Transform(g, ct) != OGRERR_NONE) {
			char *m = zg_lasterr();
			out->geomerr = m ? m : strdup("its coordinates cannot be transformed to EPSG:4326");
		} else {
			int n = OGR_G_WkbSize(g);
			out->wkb = malloc(n > 0 ? n : 1);
			if (OGR_G_ExportToIsoWkb(g, wkbNDR, out->wkb) != OGRERR_NONE) {
				free(out->wkb);
				out->wkb = NULL;
				out->geomerr = strdup("its geometry cannot be written as WKB");
			} else {
				out->wkblen = n;
			}
		}
		if (lin) OGR_G_DestroyGeometry(lin);
	}
	CPLPopErrorHandler();
	return 1;
}

// zg_field_time reads a date, time or date-time field.
void zg_field_time(OGRFeatureH f, int i, int *v, float *sec) {
	OGR_F_GetFieldAsDateTimeEx(f, i, &v[0], &v[1], &v[2], &v[3], &v[4], sec, &v[5]);
}

// zg_layer_names lists the dataset's layers, "\n"-separated.
char *zg_layer_names(GDALDatasetH ds) {
	int n = GDALDatasetGetLayerCount(ds);
	size_t size = 1;
	for (int i = 0; i < n; i++) size += strlen(OGR_L_GetName(GDALDatasetGetLayer(ds, i))) + 1;
	char *out = calloc(size, 1);
	for (int i = 0; i < n; i++) {
		if (i) strcat(out, "\n");
		strcat(out, OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
	}
	return out;
}

// zg_zip_entries lists the files inside a zip (paths relative to it),
// "\n"-separated, or NULL when it cannot be read as one.
char *zg_zip_entries(const char *vsipath) {
	CPLPushErrorHandler(CPLQuietErrorHandler);
	char **list = VSIReadDirRecursive(vsipath);
	CPLPopErrorHandler();
	if (!list) return NULL;
	size_t size = 1;
	for (char **p = list; *p; p++) size += strlen(*p) + 1;
	char *out = calloc(size, 1);
	for (char **p = list; *p; p++) {
		if (p != list) strcat(out, "\n");
		strcat(out, *p);
	}
	CSLDestroy(list);
	return out;
}

// zg_shape_encoding is the encoding the Shapefile driver recodes a
// layer's DBF text from (from its .cpg or LDID), or NULL for another
// driver or none.
const char *zg_shape_encoding(GDALDatasetH ds, OGRLayerH l) {
	GDALDriverH d = GDALGetDatasetDriver(ds);
	if (!d || strcmp(GDALGetDriverShortName(d), "ESRI Shapefile") != 0) return NULL;
	return GDALGetMetadataItem((GDALMajorObjectH)l, "SOURCE_ENCODING", "SHAPEFILE");
}

// zg_size is the size in bytes of a file GDAL can stat (inside a zip:
// its uncompressed size), or -1.
long long zg_size(const char *path) {
	VSIStatBufL st;
	if (VSIStatL(path, &st) != 0) return -1;
	return (long long)st.st_size;
}

// zg_thread_config sets (value NULL: clears) a GDAL configuration option
// for the calling thread only.
void zg_thread_config(const char *key, const char *value) {
	CPLSetThreadLocalConfigOption(key, value);
}

// zg_head reads up to max bytes from the start of a file GDAL can open
// (inside a zip too) into a malloc'd buffer, or NULL.
char *zg_head(const char *path, int max, int *len) {
	VSILFILE *f = VSIFOpenL(path, "rb");
	if (!f) return NULL;
	char *buf = malloc(max > 0 ? max : 1);
	*len = (int)VSIFReadL(buf, 1, max, f);
	VSIFCloseL(f);
	return buf;
}
