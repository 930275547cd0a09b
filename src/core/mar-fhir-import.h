/* mar-fhir-import.h — load a FHIR R4 file into the cache, all or nothing
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `marctl import FILE` (issue 3): a Bundle (collection, batch, transaction
 * or searchset), an NDJSON file (one resource per line, as FHIR Bulk Data
 * and Synthea write them) or a single resource. The whole file is read
 * and checked before anything is written, then stored in one BEGIN
 * IMMEDIATE transaction: one bad resource, one reference to nothing, and
 * the cache is left exactly as it was. The error names the entry (or
 * line), the resource and the field.
 *
 * Re-importing updates rows in place by resource id and version (an older
 * or equal version never overwrites a newer one). The order of entries
 * does not matter. An import counts as a sync at import time (RULES.md,
 * CACHE_STALE).
 */

#pragma once

#include "mar-fhir.h"
#include "mar-store.h"

G_BEGIN_DECLS

#define MAR_FHIR_IMPORT_ERROR (mar_fhir_import_error_quark ())

/* Errors about the file as a whole. A resource that breaks the profile is
 * MAR_FHIR_ERROR_INVALID, an unresolved reference MAR_FHIR_ERROR_UNRESOLVED;
 * a database failure is a MAR_STORE_ERROR. */
typedef enum
{
  MAR_FHIR_IMPORT_ERROR_NOT_FOUND,    /* no such file */
  MAR_FHIR_IMPORT_ERROR_NOT_A_FILE,   /* a folder, a device... */
  MAR_FHIR_IMPORT_ERROR_UNREADABLE,   /* no permission, I/O error */
  MAR_FHIR_IMPORT_ERROR_TOO_LARGE,    /* above MAR_FHIR_IMPORT_MAX_SIZE */
  MAR_FHIR_IMPORT_ERROR_EMPTY,        /* nothing but white space */
  MAR_FHIR_IMPORT_ERROR_NOT_UTF8,     /* bytes that are not UTF-8, or a NUL */
  MAR_FHIR_IMPORT_ERROR_NOT_JSON,     /* truncated or damaged JSON */
  MAR_FHIR_IMPORT_ERROR_NOT_FHIR,     /* JSON, but not a FHIR resource or Bundle */
  MAR_FHIR_IMPORT_ERROR_BUNDLE,       /* a Bundle type or entry request that cannot be imported */
} MarFhirImportError;

/* Larger files are refused: a unit's data is a few MB; a hospital's a few
 * hundred (and should come by sync). */
#define MAR_FHIR_IMPORT_MAX_SIZE (256 * 1024 * 1024)

typedef struct
{
  GTimeZone  *time_zone;      /* the unit's; NULL: local */
  gint64      shift_seconds;  /* whole days added to clinical times (the demo ward) */
  const char *source;         /* MarAdministration.source; NULL: "import:<file name>" */
  gint64      now;            /* recorded as the sync time; 0: the real clock */
  /* 0: none. Otherwise a Bundle is moved in time so that its `timestamp`
   * becomes this instant: dates by whole local days, instants by the same
   * days plus the rest to the minute; never birthDate nor timeOfDay. The
   * demo ward is built around its timestamp ("now" of its scenarios). */
  gint64      shift_to;
} MarFhirImportOptions;

typedef struct
{
  guint created;
  guint updated;
  guint unchanged;   /* same version, or an older one that was not written */
  guint removed;     /* DELETE entries of a batch or transaction */
} MarFhirImportCounts;

typedef struct
{
  MarFhirImportCounts counts[MAR_FHIR_N_RESOURCE_TYPES];  /* by MarFhirResourceType */
  guint               entries;  /* entries (or NDJSON lines) read */
  guint               skipped;  /* other resource types, Observations that are not weights, GETs */
} MarFhirImportStats;

GQuark     mar_fhir_import_error_quark (void);

/* @stats is nullable; it is filled only on success. */
gboolean   mar_fhir_import_file        (MarStore                    *store,
                                        const char                  *path,
                                        const MarFhirImportOptions  *options,
                                        MarFhirImportStats          *stats,
                                        GError                     **error);
/* The same from memory; @name is the file name used in messages. */
gboolean   mar_fhir_import_data        (MarStore                    *store,
                                        const char                  *data,
                                        gsize                        length,
                                        const char                  *name,
                                        const MarFhirImportOptions  *options,
                                        MarFhirImportStats          *stats,
                                        GError                     **error);

/* Checks that every reference @resource requires names a resource in
 * @batch (nullable: a set of "Type/id" strings) or in the cache. */
gboolean   mar_fhir_check_references   (MarStore                    *store,
                                        const MarFhirResource       *resource,
                                        GHashTable                  *batch,
                                        GError                     **error);
/* Stores one resource read by mar-fhir.h with its contained Medications,
 * as one change (the sync stores its pages through this too). */
gboolean   mar_fhir_store_resource     (MarStore                    *store,
                                        const MarFhirResource       *resource,
                                        MarStoreChange              *change,
                                        GError                     **error);

G_END_DECLS
