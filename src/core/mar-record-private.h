/* mar-record-private.h — what the record's source files share
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mar-audit.h"
#include "mar-infusion.h"
#include "mar-record.h"
#include "mar-store.h"
#include "mar-store-private.h"
#include "mar-vocabulary.h"

G_BEGIN_DECLS

struct _MarRecord
{
  GObject          parent_instance;
  MarVerifier     *verifier;
  MarStore        *store;
  GTimeZone       *time_zone;
  MarDrugLibrary  *library;
};

struct _MarRecordCheck
{
  gatomicrefcount  ref_count;
  GPtrArray       *items;             /* (MarCheckItem) */
  GPtrArray       *missing;           /* (MarCheckItem, borrowed from items) */
  MarVerification *verification;      /* nullable */
  gint64           open_infusion;
};

/* Entry kinds (docs/record.md, Entry kinds). */
#define MAR_ENTRY_BAG_PREPARED     "bag-prepared"
#define MAR_ENTRY_STARTED          "infusion-started"
#define MAR_ENTRY_RATE_CHANGED     "rate-changed"
#define MAR_ENTRY_PAUSED           "paused"
#define MAR_ENTRY_RESUMED          "resumed"
#define MAR_ENTRY_BOLUS            "bolus-given"
#define MAR_ENTRY_STOPPED          "stopped"
#define MAR_ENTRY_COMPLETED        "completed"
#define MAR_ENTRY_HELD             "held"
#define MAR_ENTRY_REFUSED          "refused"
#define MAR_ENTRY_MISSING          "missing"
#define MAR_ENTRY_NOT_GIVEN        "not-given"
#define MAR_ENTRY_REACTION         "reaction"
#define MAR_ENTRY_SITE_CHECK       "site-check"
#define MAR_ENTRY_CORRECTION       "correction"

/* One entry of a bag with its parsed payload, and whether a correction
 * marked it entered in error. */
typedef struct
{
  MarAuditEntry *entry;
  JsonNode      *payload;
  gboolean       corrected;
} MarRecordEntry;

void        mar_record_entry_free        (MarRecordEntry *entry);

/* A FHIR resource the record writes for a bag. */
typedef struct
{
  char     *uuid;
  char     *resource_type;
  char     *depends_on;   /* the bag's MedicationAdministration, for what points at it */
  JsonNode *json;
} MarRecordResource;

void        mar_record_resource_free     (MarRecordResource *resource);

/* The resources a bag's record stands for now (FHIR-PROFILE.md, Written):
 * the bag's MedicationAdministration, one per rate change (partOf the
 * bag's), one per bolus, an AdverseEvent per reaction, an Observation per
 * site check. Entries marked entered in error are left out (the caller
 * turns what was queued for them into entered-in-error updates).
 * (element-type MarRecordResource) */
GPtrArray  *mar_record_build_resources   (MarStore           *store,
                                          const MarInfusion  *infusion,
                                          GPtrArray          *entries,
                                          const char         *terminal_id,
                                          GError            **error);

/* A resource as queued before, marked entered in error: status for a
 * MedicationAdministration or an Observation; R4's AdverseEvent has no
 * status, so a meta.tag says it. (transfer full) */
JsonNode   *mar_record_mark_entered_in_error (JsonNode        *resource);

/* The logical reference to one of our resources before the server has
 * given it an id: by its identifier (sync may turn it into a literal one
 * once the target is pushed). */
JsonNode   *mar_record_identifier_reference (const char       *resource_type,
                                             const char       *uuid);

/* The check of an action (mar-record.c). */
MarRecordCheck *mar_record_check_new       (void);
/* Adds a finding; returns it (owned by the check). */
MarCheckItem   *mar_record_check_add       (MarRecordCheck *check,
                                            const char     *code,
                                            MarSeverity     severity,
                                            MarRight        right,
                                            const char     *message);
/* Adds every finding of @verdict. */
void            mar_record_check_add_verdict (MarRecordCheck   *check,
                                              const MarVerdict *verdict);
/* Gives each warning the override reason in @context; a warning without
 * one is listed as missing. FALSE with MAR_RECORD_ERROR_INVALID for a
 * reason that is not on the warning's list, or "other" without a comment. */
gboolean        mar_record_check_apply_overrides (MarRecordCheck          *check,
                                                  const MarRecordContext  *context,
                                                  GError                 **error);
/* Sorts worst first and turns a block or a missing reason into
 * MAR_RECORD_ERROR_BLOCKED / OVERRIDE_REQUIRED. */
gboolean        mar_record_check_settle    (MarRecordCheck  *check,
                                            GError         **error);

/* One action in progress (mar-record.c): the write transaction, the time
 * checks, the entries it appends, the outbox entries they queue. */
typedef struct
{
  MarRecord               *record;
  const MarRecordContext  *context;
  gint64                   at;          /* clinical time */
  gint64                   now;         /* entry time */
  GArray                  *entries;     /* (gint64) seqs appended */
  GArray                  *outbox;      /* (gint64) outbox seqs queued */
  gboolean                 open;
} MarRecordAction;

void        mar_record_action_clear      (MarRecordAction         *action);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MarRecordAction, mar_record_action_clear)

/* Checks the performer (a nurse or charge nurse, signed in) and the time
 * (not in the future), and opens the write transaction. */
gboolean    mar_record_action_begin      (MarRecord               *self,
                                          const MarRecordContext  *context,
                                          MarRecordAction         *action,
                                          GError                 **error);
/* Appends one entry (its payload made canonical), with the late-entry
 * variance when it is documented late. */
gboolean    mar_record_action_append     (MarRecordAction         *action,
                                          const char              *kind,
                                          gint64                   infusion_id,
                                          const char              *patient_id,
                                          const char              *witness_id,
                                          gint64                   corrects_seq,
                                          JsonNode                *payload,
                                          gint64                  *seq,
                                          GError                 **error);
gboolean    mar_record_action_add_variance (MarRecordAction       *action,
                                            gint64                 entry_seq,
                                            const char            *kind,
                                            const char            *code,
                                            const char            *reason,
                                            const char            *comment,
                                            gint64                 minutes,
                                            const char            *patient_id,
                                            gint64                 infusion_id,
                                            GError               **error);
/* Replays the bag, writes its projection, queues its FHIR resources and
 * the chain head, commits and moves the head file. @infusion (nullable)
 * receives the bag as recorded. */
gboolean    mar_record_action_finish     (MarRecordAction         *action,
                                          gint64                   infusion_id,
                                          MarInfusion            **infusion,
                                          GError                 **error);
/* The bag's entries replayed, refusing @kind_of_action when its state does
 * not allow it or when the clinical time is before the bag's latest entry. */
MarInfusion *mar_record_action_load_bag  (MarRecordAction         *action,
                                          gint64                   infusion_id,
                                          MarInfusionAction        kind_of_action,
                                          GPtrArray              **entries,
                                          GError                 **error);
/* The witness rule (RULES.md WITNESS_REQUIRED): adds WITNESS_MISSING to
 * @check when @required and there is no valid witness. FALSE with
 * MAR_RECORD_ERROR_INVALID for a witness given where none is needed who
 * cannot witness. */
gboolean    mar_record_action_check_witness (MarRecordAction      *action,
                                             gboolean              required,
                                             MarRecordCheck       *check,
                                             GError              **error);
/* A reason from @vocabulary (required unless @optional), with the comment
 * that "other" needs. */
gboolean    mar_record_check_reason      (MarVocabulary            vocabulary,
                                          const char              *reason,
                                          const char              *comment,
                                          gboolean                 optional,
                                          GError                 **error);
/* The witness's staff id when one signed, else NULL (borrowed). */
const char *mar_record_action_witness_id (MarRecordAction         *action);
const char *mar_record_action_performer_id (MarRecordAction       *action);

/* Bags (mar-record-bag.c). */

/* The "bag" member of the entry that first documents a bag. */
JsonNode   *mar_record_bag_description   (MarVerification        *verification,
                                          const char             *uuid,
                                          gint64                  previous);
gboolean    mar_record_scan_is_keyed     (MarScanResult          *scan);
/* The reasons are on the list and each replaced scan was picked or typed. */
gboolean    mar_record_check_unable_to_scan (const MarUnableToScan *unable,
                                             MarScanResult         *patient_scan,
                                             MarScanResult         *product_scan,
                                             GError               **error);
/* Adds IDENTIFIERS_NOT_CONFIRMED (block) unless two identifiers were
 * confirmed and none differs from @patient's. */
void        mar_record_confirm_identifiers (const MarUnableToScan *unable,
                                            const MarPatient      *patient,
                                            MarRecordCheck        *check);
JsonNode   *mar_record_unable_to_scan_to_json (const MarUnableToScan *unable);

/* Start (mar-record-start.c), shared with the rate change. */

/* Runs mar_verify_rate for @rate_ml_per_h at @at, with the facts of
 * @verification (start) or, without one, of the running @bag as the cache
 * holds them; adds its findings to @check. @snapshot (nullable) receives
 * what it said, for the entry's payload. */
gboolean    mar_record_check_rate        (MarRecord              *self,
                                          const MarInfusion      *bag,
                                          MarVerification        *verification,
                                          gint64                  at,
                                          double                  rate_ml_per_h,
                                          MarRecordCheck         *check,
                                          JsonNode              **snapshot,
                                          GError                **error);
/* The "overrides" member of a payload: the reasons given. */
void        mar_record_overrides_to_json (MarRecordCheck         *check,
                                          JsonBuilder            *builder);
/* Variance log rows for the overrides and TIME_EARLY / TIME_LATE. */
gboolean    mar_record_add_check_variances (MarRecordAction      *action,
                                            MarRecordCheck       *check,
                                            gint64                seq,
                                            const char           *patient_id,
                                            gint64                infusion_id,
                                            GError              **error);

/* Projection (mar-record-replay.c). */

/* Every entry of bag @infusion_id, oldest first, marked corrected where a
 * correction names them (corrections themselves included).
 * (element-type MarRecordEntry) */
GPtrArray  *mar_record_load_entries      (MarStore           *store,
                                          gint64              infusion_id,
                                          GError            **error);
/* The bag as its entries say (pure). NULL with MAR_RECORD_ERROR_FAILED
 * for entries that do not make a bag. */
MarInfusion *mar_record_replay           (gint64              infusion_id,
                                          GPtrArray          *entries,
                                          GError            **error);
/* Writes the bag's projection rows (infusions, segments, boluses, volume
 * checks, reactions, site checks) and its row in the store's
 * administrations table (source "local"). */
gboolean    mar_record_write_projection  (MarStore           *store,
                                          const MarInfusion  *infusion,
                                          GPtrArray          *entries,
                                          GError            **error);
/* Entry kinds that change a bag's state (not reactions, site checks or
 * corrections). */
gboolean    mar_record_entry_kind_is_state (const char       *kind);
/* The id the next new bag gets. */
gboolean    mar_record_next_infusion_id  (MarStore           *store,
                                          gint64             *id,
                                          GError            **error);

/* Reading (mar-record-query.c), also for the shift log. */

/* The columns of `infusions` that mar_record_read_infusions() reads, in
 * its order: "SELECT " MAR_RECORD_INFUSION_COLUMNS " FROM infusions …". */
#define MAR_RECORD_INFUSION_COLUMNS \
  "id, uuid, patient_id, encounter_id, order_id, order_version, product_id, dispense_id, bag_id, " \
  "gtin, lot, serial, expiry, medication, state, state_reason, state_comment, previous_id, " \
  "continuous, requires_witness, due_time, partial, container_dose_value, container_dose_unit, " \
  "bag_volume_ml, vtbi_ml, rate_ml_h, site, pump, channel, started_at, ended_at, last_at, " \
  "performer_id, witness_id, created_seq, updated_seq"
/* The bags @stmt selects, each with its segments, boluses and volume
 * checks. (element-type MarInfusion) */
GPtrArray  *mar_record_read_infusions    (MarStore           *store,
                                          MarStmt            *stmt,
                                          GError            **error);

/* Outbox (mar-record-queue.c): queues what changed in the bag's resources
 * since they were last queued, and entered-in-error updates for those it
 * no longer stands for. Appends the outbox seqs to @outbox. */
gboolean    mar_record_queue_resources   (MarRecord          *self,
                                          const MarInfusion  *infusion,
                                          GPtrArray          *entries,
                                          gint64              now,
                                          GArray             *outbox,
                                          GError            **error);

/* Payload accessors (NULL, 0 or FALSE when absent or null). */
const char *mar_payload_get_string       (JsonObject   *payload,
                                          const char   *name);
double      mar_payload_get_double       (JsonObject   *payload,
                                          const char   *name);
gint64      mar_payload_get_int          (JsonObject   *payload,
                                          const char   *name);
gboolean    mar_payload_get_bool         (JsonObject   *payload,
                                          const char   *name);
JsonObject *mar_payload_get_object       (JsonObject   *payload,
                                          const char   *name);
JsonArray  *mar_payload_get_array        (JsonObject   *payload,
                                          const char   *name);

G_END_DECLS
