/* mar-record.h — the administration record of IV bags
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The legal medical record of every IV bag (issue 4, RULES.md "The record",
 * docs/record.md). Each action a nurse documents is one transaction that:
 *
 *  - checks who acts (a MarSignature: badge + PIN) and the witness for
 *    high-alert drugs (RULES.md WITNESS_REQUIRED), the bag's state
 *    (mar-infusion.h), the clinical time (never in the future; late
 *    documentation is allowed and flagged), and, at start and rate change,
 *    runs the full verification (mar-verifier.h) and the rate check
 *    (mar_verify_rate): a block refuses, a warning needs an override
 *    reason per warning code from mar-vocabulary.h;
 *  - appends entries to the hash-chained, append-only record (mar-audit.h);
 *  - updates the projections (the bag's state, its rate segments, the
 *    store's administrations table with source "local", so the engine sees
 *    our doses like pulled ones), the variance log, and queues the FHIR
 *    resources in the outbox (FHIR-PROFILE.md, Written);
 *  - commits, then moves the chain's head file on.
 *
 * The clinical time of an action is MarRecordContext.at; the entry time is
 * MarRecordContext.now, the terminal's clock. Nothing here reads the clock.
 *
 * Errors a caller acts on are MAR_RECORD_ERROR codes; a failed check also
 * returns the MarRecordCheck that says what was found, for the nurse.
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "mar-audit.h"
#include "mar-infusion.h"
#include "mar-staff-auth.h"
#include "mar-store.h"
#include "mar-verifier.h"

G_BEGIN_DECLS

#define MAR_RECORD_ERROR (mar_record_error_quark ())

typedef enum
{
  MAR_RECORD_ERROR_FAILED,             /* anything else */
  MAR_RECORD_ERROR_BLOCKED,            /* a block: verification, rate check, witness, identifiers */
  MAR_RECORD_ERROR_OVERRIDE_REQUIRED,  /* a warning without a reason (or a missing PRN reason) */
  MAR_RECORD_ERROR_REFUSED_TRANSITION, /* the bag's state does not allow the action */
  MAR_RECORD_ERROR_INVALID,            /* a value that is not allowed: unknown reason, bad volume… */
  MAR_RECORD_ERROR_FUTURE,             /* a clinical time in the future */
  MAR_RECORD_ERROR_OUT_OF_ORDER,       /* before the bag's latest entry */
  MAR_RECORD_ERROR_NOT_FOUND,          /* no such bag or entry */
  MAR_RECORD_ERROR_NOT_ALLOWED,        /* the signed-in role may not do this */
  MAR_RECORD_ERROR_OPEN_INFUSION,      /* the bag is already infusing for the patient: open it */
} MarRecordError;

/* A clinical time up to 2 minutes ahead of the terminal's clock is taken
 * (the nurse read it off a pump or a wall clock); later is refused. */
#define MAR_RECORD_FUTURE_TOLERANCE_SECONDS  120
/* Documented more than 15 minutes after the fact: flagged as late
 * documentation (variance log, shift log). */
#define MAR_RECORD_LATE_ENTRY_SECONDS        (15 * 60)
/* The witness signs on the spot: their PIN checked at most 2 minutes
 * before the action. */
#define MAR_RECORD_WITNESS_MAX_AGE_SECONDS   120
/* No pump runs faster; the drug library's hard limits are the real bound. */
#define MAR_RECORD_MAX_RATE_ML_PER_H         9999.0

typedef struct
{
  const char *code;     /* the warning: TIME_LATE, RATE_MISMATCH… */
  const char *reason;   /* from mar_vocabulary_override_reasons (code) */
  const char *comment;  /* optional; required with "other" */
} MarOverride;

/* Who documents what, when. */
typedef struct
{
  gint64              at;          /* clinical time; MAR_TIME_UNSET: @now */
  gint64              now;         /* the terminal's clock: the entry time */
  MarSignature       *nurse;       /* who acts: a nurse or a charge nurse */
  MarSignature       *witness;     /* nullable: the second nurse */
  const MarOverride  *overrides;
  guint               n_overrides;
} MarRecordContext;

/* RULES.md: "unable to scan" replaces only the scan. The scans given are
 * what the nurse picked or typed (keyed); the full verification runs. */
typedef struct
{
  const char *patient_reason;       /* MAR_VOCABULARY_UNABLE_TO_SCAN, or NULL: the wristband was scanned */
  const char *product_reason;       /* or NULL: the bag was scanned */
  /* Two patient identifiers the nurse confirmed with the patient (at
   * least two of the three, each matching the record). */
  const char *confirmed_name;       /* family name, or "Family, Given" */
  const char *confirmed_birth_date; /* YYYY-MM-DD */
  const char *confirmed_mrn;
} MarUnableToScan;

typedef struct
{
  MarScanResult         *patient_scan;
  MarScanResult         *product_scan;
  gint64                 previous;        /* new bag: the bag it follows (same patient, same order); 0: none */
  double                 rate_ml_per_h;
  double                 vtbi_ml;         /* volume to be infused; 0: not given */
  const char            *site;            /* nullable */
  const char            *pump;            /* nullable */
  const char            *channel;         /* nullable */
  const char            *prn_reason;      /* required when the order is PRN */
  const MarUnableToScan *unable_to_scan;  /* nullable */
} MarStartRequest;

/* Held, refused, missing or not given without a prepared bag: the
 * patient's wristband and the order. */
typedef struct
{
  MarScanResult *patient_scan;
  const char    *order_id;
  const char    *reason;    /* from the action's list (mar-vocabulary.h) */
  const char    *comment;
} MarNotDoneRequest;

typedef struct
{
  const char          *kind;          /* MAR_VOCABULARY_REACTION_KIND or _SITE_FINDING */
  const char          *severity;      /* MAR_VOCABULARY_SEVERITY */
  const char * const  *actions;       /* NULL-terminated, MAR_VOCABULARY_REACTION_ACTION; nullable */
  const char          *outcome;       /* MAR_VOCABULARY_REACTION_OUTCOME; nullable */
  const char          *comment;
  /* A severe or life-threatening reaction stops the infusion unless the
   * nurse keeps it running with a reason (MAR_VOCABULARY_KEEP_RUNNING). */
  const char          *keep_running_reason;
  const char          *keep_running_comment;
  const double        *stop_volume_ml; /* the pump's volume when it stops it; NULL: the estimate */
} MarReactionRequest;

typedef struct
{
  const char          *site;          /* nullable: the bag's site */
  const char * const  *findings;      /* NULL-terminated MAR_VOCABULARY_SITE_FINDING; NULL or empty: no complication */
  const char          *severity;      /* required with findings */
  const char          *comment;
  const char          *keep_running_reason;
  const char          *keep_running_comment;
  const double        *stop_volume_ml;
} MarSiteCheckRequest;

/* What the checks of an action found. */
typedef struct
{
  char         *code;
  MarSeverity   severity;
  MarRight      right;
  char         *message;
  char         *override_reason;   /* the reason given, or NULL */
  char         *override_comment;
} MarCheckItem;

typedef struct _MarRecordCheck MarRecordCheck;

MarRecordCheck    *mar_record_check_ref              (MarRecordCheck       *check);
void               mar_record_check_unref            (MarRecordCheck       *check);
/* The worst finding: pass, warn (overridden or not), block. */
MarVerdictKind     mar_record_check_get_kind         (const MarRecordCheck *check);
/* (element-type MarCheckItem) (transfer none) worst first. */
GPtrArray         *mar_record_check_get_items        (const MarRecordCheck *check);
gboolean           mar_record_check_has_code         (const MarRecordCheck *check,
                                                      const char           *code);
/* Warnings still without a reason. (transfer none) (nullable) */
GPtrArray         *mar_record_check_get_missing_overrides (const MarRecordCheck *check);
/* The full verification (start, prepare) or NULL. (transfer none) */
MarVerification   *mar_record_check_get_verification (const MarRecordCheck *check);
/* OPEN_INFUSION: the local bag to open (0: it was charted elsewhere). */
gint64             mar_record_check_get_open_infusion (const MarRecordCheck *check);
JsonNode          *mar_record_check_to_json          (const MarRecordCheck *check,
                                                      GTimeZone            *time_zone);

#define MAR_TYPE_RECORD (mar_record_get_type ())
G_DECLARE_FINAL_TYPE (MarRecord, mar_record, MAR, RECORD, GObject)

GQuark             mar_record_error_quark            (void);

/* The record of the verifier's store, with its drug library and time
 * zone. (transfer full) */
MarRecord         *mar_record_new                    (MarVerifier          *verifier,
                                                      GError              **error);
MarStore          *mar_record_get_store              (MarRecord            *self);

/* ---- Actions (each one transaction; docs/record.md) ---- */

/* A bag at the bedside, verified, not hung yet (available). Blocks refuse;
 * warnings are shown, and need reasons only at start. */
MarInfusion       *mar_record_prepare                (MarRecord               *self,
                                                      const MarRecordContext  *context,
                                                      MarScanResult           *patient_scan,
                                                      MarScanResult           *product_scan,
                                                      const MarUnableToScan   *unable_to_scan,
                                                      MarRecordCheck         **check,
                                                      GError                 **error);
/* Starts a bag: a new one, or the patient's prepared bag with the same bag
 * id. Runs the full verification and the rate check at context->at. */
MarInfusion       *mar_record_start                  (MarRecord               *self,
                                                      const MarRecordContext  *context,
                                                      const MarStartRequest   *request,
                                                      MarRecordCheck         **check,
                                                      GError                 **error);
gboolean           mar_record_change_rate            (MarRecord               *self,
                                                      const MarRecordContext  *context,
                                                      gint64                   infusion,
                                                      double                   rate_ml_per_h,
                                                      const char              *reason,
                                                      const char              *comment,
                                                      MarRecordCheck         **check,
                                                      GError                 **error);
gboolean           mar_record_pause                  (MarRecord               *self,
                                                      const MarRecordContext  *context,
                                                      gint64                   infusion,
                                                      const char              *reason,
                                                      const char              *comment,
                                                      GError                 **error);
/* Paused → infusing, or stopped → infusing (a restart). */
gboolean           mar_record_resume                 (MarRecord               *self,
                                                      const MarRecordContext  *context,
                                                      gint64                   infusion,
                                                      MarRecordCheck         **check,
                                                      GError                 **error);
gboolean           mar_record_give_bolus             (MarRecord               *self,
                                                      const MarRecordContext  *context,
                                                      gint64                   infusion,
                                                      double                   volume_ml,
                                                      MarRecordCheck         **check,
                                                      GError                 **error);
/* @volume_ml: what the pump says the bag gave; NULL: the nurse confirms
 * the estimate. */
gboolean           mar_record_stop                   (MarRecord               *self,
                                                      const MarRecordContext  *context,
                                                      gint64                   infusion,
                                                      const double            *volume_ml,
                                                      const char              *reason,
                                                      const char              *comment,
                                                      GError                 **error);
gboolean           mar_record_complete               (MarRecord               *self,
                                                      const MarRecordContext  *context,
                                                      gint64                   infusion,
                                                      const double            *volume_ml,
                                                      const char              *comment,
                                                      GError                 **error);
/* Held, refused, missing or not given (@action HOLD, REFUSE, MISSING,
 * NOT_GIVEN): a prepared bag (@infusion), or, with @infusion 0, a dose of
 * the order in @request. (transfer full) */
MarInfusion       *mar_record_document_not_done      (MarRecord               *self,
                                                      const MarRecordContext  *context,
                                                      MarInfusionAction        action,
                                                      gint64                   infusion,
                                                      const char              *reason,
                                                      const char              *comment,
                                                      const MarNotDoneRequest *request,
                                                      GError                 **error);
/* An infusion reaction or site complication (AdverseEvent). Returns the
 * entry's sequence number, 0 on error. */
gint64             mar_record_add_reaction           (MarRecord                *self,
                                                      const MarRecordContext   *context,
                                                      gint64                    infusion,
                                                      const MarReactionRequest *request,
                                                      GError                  **error);
/* An IV site check (Observation). Returns the entry's sequence number. */
gint64             mar_record_add_site_check         (MarRecord                 *self,
                                                      const MarRecordContext    *context,
                                                      gint64                     infusion,
                                                      const MarSiteCheckRequest *request,
                                                      GError                   **error);
/* Marks entry @entry_seq entered in error (RULES.md: a correction is a new
 * entry that references the corrected one). The one who documented it or
 * a charge nurse may; later entries of the bag that depend on it must be
 * corrected first. Returns the correction's sequence number. */
gint64             mar_record_correct                (MarRecord               *self,
                                                      const MarRecordContext  *context,
                                                      gint64                   entry_seq,
                                                      const char              *reason,
                                                      const char              *comment,
                                                      GError                 **error);

/* ---- Reading ---- */

/* (transfer full) */
MarInfusion       *mar_record_get_infusion           (MarRecord            *self,
                                                      gint64                id,
                                                      GError              **error);
/* By number or by its UUID. */
MarInfusion       *mar_record_lookup_infusion        (MarRecord            *self,
                                                      const char           *id_or_uuid,
                                                      GError              **error);
/* (element-type MarInfusion) the bags of a patient (NULL: all) in a state
 * (-1: any), newest first. */
GPtrArray         *mar_record_list_infusions         (MarRecord            *self,
                                                      const char           *patient_id,
                                                      int                   state,
                                                      GError              **error);
/* (element-type MarAuditEntry) the entries of one bag, oldest first
 * (corrections included): what a correction names. */
GPtrArray         *mar_record_list_entries           (MarRecord            *self,
                                                      gint64                infusion,
                                                      GError              **error);
/* IV intake (mL) of a patient in [@from, @to): every bag of theirs
 * documented here. */
gboolean           mar_record_get_iv_intake          (MarRecord            *self,
                                                      const char           *patient_id,
                                                      gint64                from,
                                                      gint64                to,
                                                      double               *ml,
                                                      GError              **error);
/* Entries whose FHIR resources are not all accepted by the server yet
 * ("not yet synced"). (element-type MarAuditEntry) */
GPtrArray         *mar_record_list_unpushed_entries  (MarRecord            *self,
                                                      GError              **error);
/* Unpushed entries of one bag. */
gboolean           mar_record_count_unpushed         (MarRecord            *self,
                                                      gint64                infusion,
                                                      guint                *count,
                                                      GError              **error);

/* Rebuilds every projection from the entries. With @keep FALSE the
 * rebuild is rolled back: @before and @after (nullable) receive digests of
 * the projections as they were and as rebuilt, equal when the projections
 * are what the entries say. */
gboolean           mar_record_rebuild                (MarRecord            *self,
                                                      gboolean              keep,
                                                      char                **before,
                                                      char                **after,
                                                      GError              **error);

/* The bag as `marctl infusion show --json` prints it, with the volume
 * infused by @as_of. */
JsonNode          *mar_infusion_to_json              (const MarInfusion    *infusion,
                                                      gint64                as_of,
                                                      GTimeZone            *time_zone);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarRecordCheck, mar_record_check_unref)

G_END_DECLS
