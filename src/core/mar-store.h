/* mar-store.h — the terminal's SQLite cache
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One database per terminal, shared by the bedside app, marctl and the sync
 * service (several processes): WAL, a busy timeout, synchronous=FULL,
 * foreign keys, BEGIN IMMEDIATE for every writer and one transaction per
 * logical change (issue 3). The schema is versioned with PRAGMA
 * user_version; a database written by a newer Bedside MAR is refused and
 * left untouched.
 *
 * Every row read from FHIR keeps the resource id, meta.versionId,
 * meta.lastUpdated and the resource's JSON. Rows are never deleted: a
 * resource deleted on the server or entered in error is marked removed,
 * because the administration record references it (RULES.md, The record).
 *
 * A MarStore is one connection, used by one thread at a time (SQLite runs
 * without its own mutexes); another thread opens its own store. A store
 * opened read-only needs the database's folder to be writable, or its -shm
 * file to exist (WAL's shared memory).
 *
 * Look-ups that find nothing return NULL with MAR_STORE_ERROR_NOT_FOUND, so
 * the caller can tell "not in the cache" (PATIENT_UNKNOWN, PRODUCT_UNKNOWN)
 * from a database failure. The find_ functions skip removed rows; the get_
 * functions (by id) return them too, marked removed.
 */

#pragma once

#include <glib-object.h>

#include "mar-model.h"

G_BEGIN_DECLS

#define MAR_STORE_ERROR (mar_store_error_quark ())

typedef enum
{
  MAR_STORE_ERROR_FAILED,        /* anything not listed below */
  MAR_STORE_ERROR_CANT_OPEN,     /* missing folder, a directory, no permission */
  MAR_STORE_ERROR_CORRUPT,       /* not a SQLite database, or a damaged or truncated one */
  MAR_STORE_ERROR_NEWER_SCHEMA,  /* written by a newer Bedside MAR: refused, nothing changed */
  MAR_STORE_ERROR_BUSY,          /* another process held the database longer than the busy timeout */
  MAR_STORE_ERROR_READ_ONLY,     /* the file, its folder or the store is read-only */
  MAR_STORE_ERROR_FULL,          /* the disk is full */
  MAR_STORE_ERROR_IO,            /* the disk failed to read or write */
  MAR_STORE_ERROR_CONSTRAINT,    /* a row broke a rule of the schema (a reference to nothing) */
  MAR_STORE_ERROR_NOT_FOUND,     /* nothing in the cache has it */
  MAR_STORE_ERROR_AMBIGUOUS,     /* an identifier that must name one thing names several */
} MarStoreError;

typedef enum
{
  MAR_STORE_OPEN_DEFAULT    = 0,       /* create the file if missing, migrate, read and write */
  MAR_STORE_OPEN_READ_ONLY  = 1 << 0,  /* never write (nor migrate): a store for reading only */
  MAR_STORE_OPEN_MUST_EXIST = 1 << 1,  /* a missing file is MAR_STORE_ERROR_NOT_FOUND, not a new cache */
} MarStoreOpenFlags;

/* What an upsert did. An older version than the cached one is not written
 * (MAR_STORE_CHANGE_OLDER); the same version is left alone (UNCHANGED). */
typedef enum
{
  MAR_STORE_CHANGE_UNCHANGED = 0,
  MAR_STORE_CHANGE_CREATED,
  MAR_STORE_CHANGE_UPDATED,
  MAR_STORE_CHANGE_OLDER,
} MarStoreChange;

/* Where a row came from: the resource's meta.lastUpdated and its JSON as
 * received (after the demo ward's date shift, if any). Both may be unset
 * for rows made on this terminal. The version is the struct's own. */
typedef struct
{
  gint64      last_updated;  /* MAR_TIME_UNSET when the resource had none */
  const char *json;          /* nullable */
} MarResourceInfo;

/* A resource that sync refused (FHIR-PROFILE.md: quarantined, shown to IT
 * with the reason; its patient gets DATA_REJECTED until it is fixed). */
typedef struct
{
  gint64  id;
  char   *resource_type;
  char   *resource_id;
  char   *version;
  char   *patient_id;
  char   *reason;
  gint64  received;
} MarQuarantined;

/* The schema version this build writes (PRAGMA user_version). */
#define MAR_STORE_SCHEMA_VERSION 4

/* Default time a writer waits for another process's lock. */
#define MAR_STORE_BUSY_TIMEOUT_MS 5000

/* Setting that maps PractitionerRole codes to MarRole: a JSON object
 * {"nurse": ["system|code", ...], "charge": [...], "it": [...]}; when
 * absent the defaults listed in docs/fhir-import.md apply. */
#define MAR_STORE_SETTING_ROLE_CODES "staff-role-codes"

#define MAR_TYPE_STORE (mar_store_get_type ())

G_DECLARE_FINAL_TYPE (MarStore, mar_store, MAR, STORE, GObject)

GQuark          mar_store_error_quark                 (void);

/* (transfer full) — NULL with @error set. */
MarStore       *mar_store_open                        (const char         *path,
                                                       MarStoreOpenFlags   flags,
                                                       GError            **error);
const char     *mar_store_get_path                    (MarStore           *self);
gboolean        mar_store_is_read_only                (MarStore           *self);
/* The schema version of the open database (MAR_STORE_SCHEMA_VERSION once migrated). */
int             mar_store_get_schema_version          (MarStore           *self);
/* How long a writer waits for another process (default MAR_STORE_BUSY_TIMEOUT_MS). */
void            mar_store_set_busy_timeout            (MarStore           *self,
                                                       int                 milliseconds);

/* Transactions. The outermost begin is BEGIN IMMEDIATE (the write lock is
 * taken at once, so a writer never fails half-way on a lock); nested ones
 * are savepoints. Each write function below runs in its own transaction
 * when none is open. */
gboolean        mar_store_begin                       (MarStore           *self,
                                                       GError            **error);
gboolean        mar_store_commit                      (MarStore           *self,
                                                       GError            **error);
/* A snapshot for several reads (the facts of one verification), without a
 * write lock; end it with mar_store_commit() or mar_store_rollback().
 * Nothing may be written inside it. */
gboolean        mar_store_begin_read                  (MarStore           *self,
                                                       GError            **error);
void            mar_store_rollback                    (MarStore           *self);
gboolean        mar_store_in_transaction              (MarStore           *self);

/* ---- Reads on the scan path (transfer full) ---- */

/* Wristband MRN (identifier of type MR). Several active patients with the
 * same MRN is MAR_STORE_ERROR_AMBIGUOUS; an active one wins over inactive
 * ones. */
MarPatient     *mar_store_find_patient_by_mrn         (MarStore           *self,
                                                       const char         *mrn,
                                                       GError            **error);
/* GS1 GSRN, AI (8018): 18 digits. */
MarPatient     *mar_store_find_patient_by_gsrn        (MarStore           *self,
                                                       const char         *gsrn,
                                                       GError            **error);
/* Any identifier value of any system (MRN, GSRN, others). */
MarPatient     *mar_store_find_patient_by_identifier  (MarStore           *self,
                                                       const char         *value,
                                                       GError            **error);
MarPatient     *mar_store_get_patient                 (MarStore           *self,
                                                       const char         *id,
                                                       GError            **error);
/* (element-type MarPatient) the active patients whose in-progress
 * encounter is on the unit @unit_id (the unit itself, one of its beds, or
 * a bed in one of its rooms), by bed name; every patient with an
 * in-progress encounter when @unit_id is NULL. The unit board. */
GPtrArray      *mar_store_list_unit_patients          (MarStore           *self,
                                                       const char         *unit_id,
                                                       GError            **error);

/* A catalog product by GTIN (8, 12, 13 or 14 digits; compared as GTIN-14).
 * Contained Medications (catalog = FALSE) are never found this way. */
MarProduct     *mar_store_find_product_by_gtin        (MarStore           *self,
                                                       const char         *gtin,
                                                       GError            **error);
/* A catalog product by NDC in any published form ("0338-0048-04",
 * "0338004804", "00338-0048-04"), compared as its 10 digits. */
MarProduct     *mar_store_find_product_by_ndc         (MarStore           *self,
                                                       const char         *ndc,
                                                       GError            **error);
MarProduct     *mar_store_get_product                 (MarStore           *self,
                                                       const char         *id,
                                                       GError            **error);

MarDispense    *mar_store_find_dispense_by_label      (MarStore           *self,
                                                       const char         *label,
                                                       GError            **error);
MarDispense    *mar_store_get_dispense                (MarStore           *self,
                                                       const char         *id,
                                                       GError            **error);

MarStaff       *mar_store_find_staff_by_badge         (MarStore           *self,
                                                       const char         *badge,
                                                       GError            **error);
MarStaff       *mar_store_get_staff                   (MarStore           *self,
                                                       const char         *id,
                                                       GError            **error);

MarOrder       *mar_store_get_order                   (MarStore           *self,
                                                       const char         *id,
                                                       GError            **error);
/* (element-type MarOrder) every order of the patient, all statuses, not
 * removed, with codes, ingredients (of the referenced Medication) and timing. */
GPtrArray      *mar_store_list_orders                 (MarStore           *self,
                                                       const char         *patient_id,
                                                       GError            **error);
/* (element-type MarProduct) the Medications those orders reference. */
GPtrArray      *mar_store_list_order_products         (MarStore           *self,
                                                       const char         *patient_id,
                                                       GError            **error);
/* (element-type MarProduct) the Medications (catalog or contained) named
 * by the administrations mar_store_list_administrations() returns for the
 * same @since: what each charted container held. */
GPtrArray      *mar_store_list_administration_products (MarStore        *self,
                                                        const char      *patient_id,
                                                        gint64           since,
                                                        GError         **error);
/* (element-type MarAllergy) every allergy entry of the patient, not removed. */
GPtrArray      *mar_store_list_allergies              (MarStore           *self,
                                                       const char         *patient_id,
                                                       GError            **error);
/* (element-type MarAdministration) the patient's administrations that
 * started or ended at or after @since, plus every in-progress or on-hold
 * one whatever its age (FHIR-PROFILE.md). Oldest first. */
GPtrArray      *mar_store_list_administrations        (MarStore           *self,
                                                       const char         *patient_id,
                                                       gint64              since,
                                                       GError            **error);
/* (element-type MarAdministration) every charted use of one bag. */
GPtrArray      *mar_store_list_administrations_by_bag (MarStore           *self,
                                                       const char         *bag_id,
                                                       GError            **error);
MarLocation    *mar_store_get_location                (MarStore           *self,
                                                       const char         *id,
                                                       GError            **error);
MarEncounter   *mar_store_get_encounter               (MarStore           *self,
                                                       const char         *id,
                                                       GError            **error);
/* The latest body weight of the patient, with its time. */
MarWeight      *mar_store_get_latest_weight           (MarStore           *self,
                                                       const char         *patient_id,
                                                       GError            **error);
MarAllergy     *mar_store_get_allergy                 (MarStore           *self,
                                                       const char         *id,
                                                       GError            **error);
MarAdministration *mar_store_get_administration       (MarStore           *self,
                                                       const char         *id,
                                                       GError            **error);
MarStaffRole   *mar_store_get_staff_role              (MarStore           *self,
                                                       const char         *id,
                                                       GError            **error);

/* The resource's JSON as stored (transfer full), for the audit and sync.
 * @resource_type is the FHIR name ("MedicationRequest"). */
char           *mar_store_dup_resource_json           (MarStore           *self,
                                                       const char         *resource_type,
                                                       const char         *id,
                                                       GError            **error);
/* Whether a row of that FHIR type and id is in the cache (removed or not). */
gboolean        mar_store_has_resource                (MarStore           *self,
                                                       const char         *resource_type,
                                                       const char         *id,
                                                       gboolean           *exists,
                                                       GError            **error);

/* ---- Writes: upsert by resource id and version ---- */

gboolean        mar_store_upsert_patient              (MarStore               *self,
                                                       const MarPatient       *patient,
                                                       const MarResourceInfo  *info,
                                                       MarStoreChange         *change,
                                                       GError                **error);
gboolean        mar_store_upsert_location             (MarStore               *self,
                                                       const MarLocation      *location,
                                                       const MarResourceInfo  *info,
                                                       MarStoreChange         *change,
                                                       GError                **error);
gboolean        mar_store_upsert_encounter            (MarStore               *self,
                                                       const MarEncounter     *encounter,
                                                       const MarResourceInfo  *info,
                                                       MarStoreChange         *change,
                                                       GError                **error);
gboolean        mar_store_upsert_weight               (MarStore               *self,
                                                       const MarWeight        *weight,
                                                       const MarResourceInfo  *info,
                                                       MarStoreChange         *change,
                                                       GError                **error);
/* A catalog Medication, or a contained one (catalog = FALSE) whose id
 * names its owner ("MedicationRequest/rx1#med1"). */
gboolean        mar_store_upsert_product              (MarStore               *self,
                                                       const MarProduct       *product,
                                                       const MarResourceInfo  *info,
                                                       MarStoreChange         *change,
                                                       GError                **error);
/* The order's medication codes are stored only for a coded order; an
 * order that references a Medication reads that product's codes and
 * ingredients (order->ingredients is not stored). */
gboolean        mar_store_upsert_order                (MarStore               *self,
                                                       const MarOrder         *order,
                                                       const MarResourceInfo  *info,
                                                       MarStoreChange         *change,
                                                       GError                **error);
gboolean        mar_store_upsert_dispense             (MarStore               *self,
                                                       const MarDispense      *dispense,
                                                       const MarResourceInfo  *info,
                                                       MarStoreChange         *change,
                                                       GError                **error);
gboolean        mar_store_upsert_allergy              (MarStore               *self,
                                                       const MarAllergy       *allergy,
                                                       const MarResourceInfo  *info,
                                                       MarStoreChange         *change,
                                                       GError                **error);
/* A Practitioner. The terminal's own columns (PIN hash, failed PIN count,
 * lock) are never touched by an upsert. staff->role is ignored: roles come
 * from PractitionerRole. */
gboolean        mar_store_upsert_staff                (MarStore               *self,
                                                       const MarStaff         *staff,
                                                       const MarResourceInfo  *info,
                                                       MarStoreChange         *change,
                                                       GError                **error);
gboolean        mar_store_upsert_staff_role           (MarStore               *self,
                                                       const MarStaffRole     *role,
                                                       const MarResourceInfo  *info,
                                                       MarStoreChange         *change,
                                                       GError                **error);
gboolean        mar_store_upsert_administration       (MarStore               *self,
                                                       const MarAdministration *administration,
                                                       const MarResourceInfo  *info,
                                                       MarStoreChange         *change,
                                                       GError                **error);

/* Marks a row removed (deleted on the server). @changed (nullable) is FALSE
 * when the row was already removed or is not in the cache. */
gboolean        mar_store_mark_removed                (MarStore           *self,
                                                       const char         *resource_type,
                                                       const char         *id,
                                                       gboolean           *changed,
                                                       GError            **error);

/* ---- Sync bookkeeping and settings ---- */

/* The last successful sync (an import counts as one: RULES.md CACHE_STALE);
 * MAR_TIME_UNSET when never. */
gboolean        mar_store_get_last_sync               (MarStore           *self,
                                                       gint64             *when,
                                                       GError            **error);
gboolean        mar_store_set_last_sync               (MarStore           *self,
                                                       gint64              when,
                                                       GError            **error);
gboolean        mar_store_get_last_import             (MarStore           *self,
                                                       gint64             *when,
                                                       GError            **error);
/* Records a file import at @when: also the last successful sync. */
gboolean        mar_store_record_import               (MarStore           *self,
                                                       gint64              when,
                                                       GError            **error);
/* The server's meta.lastUpdated (as the server wrote it) of the newest
 * stored resource of a type; NULL with NOT_FOUND before the first pull. */
char           *mar_store_dup_watermark               (MarStore           *self,
                                                       const char         *resource_type,
                                                       GError            **error);
gboolean        mar_store_set_watermark               (MarStore           *self,
                                                       const char         *resource_type,
                                                       const char         *watermark,
                                                       GError            **error);
gboolean        mar_store_quarantine                  (MarStore           *self,
                                                       const char         *resource_type,
                                                       const char         *resource_id,
                                                       const char         *version,
                                                       const char         *patient_id,
                                                       const char         *reason,
                                                       const char         *json,
                                                       gint64              received,
                                                       GError            **error);
/* (element-type MarQuarantined) resources still quarantined, oldest first. */
GPtrArray      *mar_store_list_quarantined            (MarStore           *self,
                                                       GError            **error);
/* Marks the patient as new on the unit with a full pull still running
 * (PATIENT_DATA_INCOMPLETE), or done. */
gboolean        mar_store_set_patient_data_incomplete (MarStore           *self,
                                                       const char         *patient_id,
                                                       gboolean            incomplete,
                                                       GError            **error);

/* Key/value settings (e.g. the installed drug library JSON). NULL with
 * NOT_FOUND when unset. */
char           *mar_store_dup_setting                 (MarStore           *self,
                                                       const char         *key,
                                                       GError            **error);
gboolean        mar_store_set_setting                 (MarStore           *self,
                                                       const char         *key,
                                                       const char         *value,
                                                       GError            **error);

void            mar_quarantined_free                  (MarQuarantined     *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarQuarantined, mar_quarantined_free)

G_END_DECLS
