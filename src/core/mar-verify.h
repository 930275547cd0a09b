/* mar-verify.h — the verification engine: the five rights and the safety checks
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure: plain facts in, a verdict out. No I/O, no clock reads, no globals:
 * everything the rules of ../shared/RULES.md need (the scan time, the unit's
 * time zone, the drug library, what the cache holds about the patient, the
 * product and the bag) is in MarVerifyFacts, gathered by the caller
 * (mar-verifier.c reads it from the store). The same facts always give the
 * same verdict, and the facts are never modified.
 *
 * Every rule runs with whatever facts there are: an unknown product does
 * not hide the patient's findings, nor the reverse. The verdict is the
 * worst finding (a warning never hides a block); findings come worst
 * first. docs/verification.md gives each code's rule, severity and the
 * decisions taken where RULES.md leaves room.
 *
 * Messages are translated (gettext domain GETTEXT_PACKAGE); the codes and
 * the *_to_string() names are not: they are part of `marctl verify --json`.
 */

#pragma once

#include <glib.h>

#include "mar-drug-library.h"
#include "mar-model.h"
#include "mar-schedule.h"

G_BEGIN_DECLS

typedef enum
{
  MAR_VERDICT_PASS = 0,
  MAR_VERDICT_WARN,
  MAR_VERDICT_BLOCK,
} MarVerdictKind;

typedef enum
{
  MAR_SEVERITY_INFO = 0,
  MAR_SEVERITY_WARN,
  MAR_SEVERITY_BLOCK,
} MarSeverity;

typedef enum
{
  MAR_RIGHT_PATIENT = 0,
  MAR_RIGHT_DRUG,
  MAR_RIGHT_DOSE,
  MAR_RIGHT_ROUTE,
  MAR_RIGHT_TIME,
  MAR_RIGHT_OTHER,
} MarRight;

typedef enum
{
  MAR_REQUIRES_NONE    = 0,
  MAR_REQUIRES_WITNESS = 1 << 0,  /* WITNESS_REQUIRED: a second nurse signs on the spot */
  MAR_REQUIRES_REASON  = 1 << 1,  /* a warning: going on needs a reason per warning code */
  MAR_REQUIRES_PRN_REASON = 1 << 2, /* a PRN dose: the nurse gives the indication */
} MarRequirement;

/* What a scan turned out to be once looked up in the cache. */
typedef enum
{
  MAR_SCAN_KIND_UNREADABLE = 0,  /* mar_scan_parse() rejected it: BARCODE_INVALID */
  MAR_SCAN_KIND_UNKNOWN,         /* well formed, but nothing in the cache has it */
  MAR_SCAN_KIND_WRISTBAND,       /* a patient (MRN or GSRN) */
  MAR_SCAN_KIND_PRODUCT,         /* a GS1 product code (01) */
  MAR_SCAN_KIND_BAG_LABEL,       /* a pharmacy bag label (MedicationDispense) */
  MAR_SCAN_KIND_BADGE,           /* a staff badge */
} MarScanKind;

/* One scan as the engine sees it: what the barcode parser read and what the
 * cache made of it. Plain values, so the engine needs no parser. */
typedef struct
{
  MarScanKind  kind;
  const char  *error_message;  /* UNREADABLE: why (the parser's message) */
  const char  *display;        /* human-readable form of what was scanned */
  gboolean     keyed;          /* typed by a person, not scanned */
  /* GS1 product data, when the scan is a GS1 element string. */
  const char  *gtin;           /* (01) as GTIN-14 */
  const char  *lot;            /* (10) */
  const char  *serial;         /* (21) */
  /* (17) expiry: last day of use, DD=00 already resolved; 0 when absent. */
  int          expiry_year, expiry_month, expiry_day;
  /* (7003) expiry date-time (local wall-clock); has_expiry_time FALSE when absent. */
  gboolean     has_expiry_time;
  int          expiry_time_year, expiry_time_month, expiry_time_day;
  int          expiry_time_hour, expiry_time_minute;
} MarScanFact;

typedef struct
{
  /* When and where: the scan time and the unit's local time zone (due
   * times, the end of an expiry day). */
  gint64                 now;
  GTimeZone             *time_zone;
  const MarDrugLibrary  *library;

  MarScanFact            patient_scan;
  MarScanFact            product_scan;

  /* The patient the wristband names (NULL: PATIENT_UNKNOWN), with what the
   * cache knows about them. The arrays hold borrowed pointers; any may be
   * NULL (read as empty). Removed and entered-in-error rows may be passed:
   * the engine skips them. */
  const MarPatient      *patient;
  GPtrArray             *orders;            /* (const MarOrder *) all of the patient's orders, any status */
  GPtrArray             *order_products;    /* (const MarProduct *) Medications the orders reference
                                             * (medication_product_id), when MarOrder.ingredients is empty */
  GPtrArray             *allergies;         /* (const MarAllergy *) all of the patient's entries */
  GPtrArray             *administrations;   /* (const MarAdministration *) the patient's, any terminal,
                                             * the last 72 h + every in-progress / on-hold one: doses
                                             * already given, partial containers, PRN history, running bags */
  /* The products the administrations name (MarAdministration.product_id),
   * catalog or contained: what each charted container held. Other
   * terminals chart a container by the volume it gave (FHIR-PROFILE.md). */
  GPtrArray             *administration_products; /* (const MarProduct *) */

  /* The product scanned: a catalog product (GTIN), or a pharmacy bag's
   * dispense with the product it names (its contained Medication,
   * catalog = FALSE). NULL: PRODUCT_UNKNOWN. */
  const MarProduct      *product;
  const MarDispense     *dispense;
  /* Every charted use of this physical bag (mar_verify_dup_bag_id()), by
   * any patient, any terminal. */
  GPtrArray             *bag_uses;          /* (const MarAdministration *) */

  /* Sync state (RULES.md, Patient safety checks). An import counts as a
   * sync at import time. */
  gint64                 last_sync;         /* MAR_TIME_UNSET: never synced */
  gboolean               clock_skew_known;
  gint64                 clock_skew;        /* server − terminal, seconds */
} MarVerifyFacts;

/* What the scan leads to when nothing blocks. */
typedef enum
{
  MAR_VERDICT_OUTCOME_NEW_ADMINISTRATION = 0, /* a new dose or bag */
  MAR_VERDICT_OUTCOME_OPEN_INFUSION,          /* the scanned bag is already infusing or paused for this
                                               * patient: open that infusion (RULES.md, BAG_ALREADY_USED) */
} MarVerdictOutcome;

/* The rate check at start and at each rate change (RULES.md, Dose, route,
 * rate): the rate the nurse entered against the order and against the
 * drug library's limits for the bag's concentration. */
typedef struct
{
  gint64                 now;
  const MarDrugLibrary  *library;
  const MarPatient      *patient;    /* for the latest weight */
  const MarOrder        *order;      /* the bag's order */
  const MarProduct      *product;    /* the bag: its ingredients' strengths and volume */
  const MarDispense     *dispense;   /* (nullable) a pharmacy bag: its volume when the product gives none */
  double                 rate_ml_per_h;
} MarRateFacts;

typedef struct _MarFinding MarFinding;
typedef struct _MarVerdict MarVerdict;

/* (transfer full) — never NULL. */
MarVerdict      *mar_verify                       (const MarVerifyFacts *facts);
/* (transfer full) — never NULL. The verdict names the order; its findings
 * are RATE_MISMATCH, RATE_ABOVE_SOFT_LIMIT, RATE_BELOW_SOFT_LIMIT,
 * RATE_ABOVE_HARD_LIMIT and WEIGHT_MISSING. */
MarVerdict      *mar_verify_rate                  (const MarRateFacts   *facts);

/* The identifier of a physical bag (RULES.md, BAG_ALREADY_USED): the
 * pharmacy label, or "01<GTIN-14>21<serial>" for a GS1 product with a
 * serial; NULL when there is neither (no used-bag check). The caller uses
 * it to gather MarVerifyFacts.bag_uses; the record stores it in
 * MarAdministration.bag_id. (transfer full) (nullable) */
char            *mar_verify_dup_bag_id            (const MarScanFact    *product_scan,
                                                   const MarDispense    *dispense);

MarVerdict      *mar_verdict_ref                  (MarVerdict       *verdict);
void             mar_verdict_unref                (MarVerdict       *verdict);
MarVerdictKind   mar_verdict_get_kind             (const MarVerdict *verdict);
/* (element-type MarFinding) (transfer none), worst first. */
GPtrArray       *mar_verdict_get_findings         (const MarVerdict *verdict);
gboolean         mar_verdict_has_finding          (const MarVerdict *verdict,
                                                   const char       *code);
MarRequirement   mar_verdict_get_requirements     (const MarVerdict *verdict);
/* The matched order's id, or NULL when no order matched. */
const char      *mar_verdict_get_order_id         (const MarVerdict *verdict);
/* The due time the scan was matched to, or MAR_TIME_UNSET (continuous, PRN). */
gint64           mar_verdict_get_due_time         (const MarVerdict *verdict);
/* Minutes early (< 0) or late (> 0) against that due time, rounded away
 * from zero (30 min 1 s late is 31). */
int              mar_verdict_get_minutes_from_due (const MarVerdict *verdict);
/* The ± window applied to that due time, in minutes (the late side for a
 * stat / first dose); 0 when there is no due time. */
int              mar_verdict_get_window_minutes   (const MarVerdict *verdict);
MarVerdictOutcome mar_verdict_get_outcome         (const MarVerdict *verdict);
/* OPEN_INFUSION: the administration (the running or paused bag) to open. */
const char      *mar_verdict_get_open_administration_id (const MarVerdict *verdict);
/* What was scanned, as matched: the catalog or dispensed product, the
 * pharmacy dispense, and the bag identifier (nullable each). */
const char      *mar_verdict_get_product_id       (const MarVerdict *verdict);
const char      *mar_verdict_get_dispense_id      (const MarVerdict *verdict);
const char      *mar_verdict_get_bag_id           (const MarVerdict *verdict);
/* The matched order is PRN (a reason for giving is required). */
gboolean         mar_verdict_is_prn               (const MarVerdict *verdict);
/* This container is one of several for one dose (DOSE_PARTIAL, or the
 * container that completes one): the record charts it as partial with
 * mar_verdict_get_container_dose(). */
gboolean         mar_verdict_is_partial           (const MarVerdict *verdict);
/* The drug this container holds, in the order's dose unit (per kg
 * resolved); FALSE when it could not be worked out. */
gboolean         mar_verdict_get_container_dose   (const MarVerdict *verdict,
                                                   MarQuantity      *dose);
/* DOSE_PARTIAL: what remains to give for this dose. */
gboolean         mar_verdict_get_remaining_dose   (const MarVerdict *verdict,
                                                   MarQuantity      *dose);
/* mar_verify_rate(): the ordered rate in mL/h (low == high for a single
 * rate); FALSE when the order gives none that could be worked out. */
gboolean         mar_verdict_get_ordered_rate     (const MarVerdict *verdict,
                                                   double           *low_ml_per_h,
                                                   double           *high_ml_per_h);
/* The library_version of the drug library the verdict was reached with
 * (the record keeps it with what was verified). */
const char      *mar_verdict_get_drug_library_version (const MarVerdict *verdict);

MarSeverity      mar_finding_get_severity         (const MarFinding *finding);
MarRight         mar_finding_get_right            (const MarFinding *finding);
const char      *mar_finding_get_code             (const MarFinding *finding);
const char      *mar_finding_get_message          (const MarFinding *finding);

const char      *mar_verdict_kind_to_string       (MarVerdictKind    kind);  /* pass | warn | block */
const char      *mar_severity_to_string           (MarSeverity       severity); /* info | warn | block */
const char      *mar_right_to_string              (MarRight          right); /* patient | drug | ... */

/* The due times and the window the engine applies to @order (RULES.md,
 * Time): time-critical through its ingredients, resolved as for matching
 * (MarOrder.ingredients, the Medication it references among
 * @order_products, or the drug library's code map), or priority stat. For
 * the shift log's missed doses (mar_schedule_list_missed). @schedule
 * borrows @order and @time_zone. */
void             mar_verify_get_due_window        (const MarOrder       *order,
                                                   GPtrArray            *order_products,
                                                   const MarDrugLibrary *library,
                                                   GTimeZone            *time_zone,
                                                   MarSchedule          *schedule,
                                                   MarDueWindow         *window);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarVerdict, mar_verdict_unref)

G_END_DECLS
