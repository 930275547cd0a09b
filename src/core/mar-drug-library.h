/* mar-drug-library.h — the local drug library: the settings of the rules
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every default of ../shared/RULES.md that says "drug library" lives here:
 * a versioned JSON file that IT maintains (docs/drug-library.md), compiled
 * in as the default (resource MAR_DRUG_LIBRARY_RESOURCE) and overridable by
 * a file. It is parsed and validated once; the queries below are hash
 * lookups so the verification engine can call them on the scan path.
 *
 * Validation is strict on purpose: an unknown key anywhere, a wrong type,
 * an unparsable unit or a newer format version is an error naming the JSON
 * path of the field ("rate_limits[3].hard_high: must be a positive
 * number"), because a misspelled key would otherwise silently disable a
 * safety rule. A caller that fails to load a new file keeps the library it
 * has.
 *
 * A MarDrugLibrary is immutable once built and reference counted (atomic),
 * so it can be shared between threads.
 */

#pragma once

#include <glib.h>

#include "mar-model.h"
#include "mar-quantity.h"

G_BEGIN_DECLS

#define MAR_DRUG_LIBRARY_ERROR (mar_drug_library_error_quark ())

/* The newest format this build reads. */
#define MAR_DRUG_LIBRARY_FORMAT_VERSION 1
#define MAR_DRUG_LIBRARY_RESOURCE "/org/bedsidemar/core/drug-library.json"

typedef enum
{
  MAR_DRUG_LIBRARY_ERROR_READ,          /* the file cannot be read */
  MAR_DRUG_LIBRARY_ERROR_PARSE,         /* not JSON */
  MAR_DRUG_LIBRARY_ERROR_INVALID,       /* a field breaks the format; the message names its JSON path */
  MAR_DRUG_LIBRARY_ERROR_NEWER_FORMAT,  /* format_version newer than this build understands */
} MarDrugLibraryError;

typedef enum
{
  MAR_ALLERGY_POLICY_BLOCK = 0,  /* criticality high: hard stop (RULES.md default) */
  MAR_ALLERGY_POLICY_WARN,       /* criticality high: warning with a reason */
} MarAllergyPolicy;

/* RULES.md, Time (ISMP acute-care guidelines for timely administration). */
typedef struct
{
  int time_critical_minutes;   /* ± for time-critical drugs or more often than every 4 h (30) */
  int frequent_minutes;        /* ± for every 4 h up to more often than daily (60) */
  int daily_minutes;           /* ± for daily or rarer (120) */
  int first_dose_late_minutes; /* stat / first / loading doses: late after (30) */
} MarTimeWindows;

/* A group of ingredients: an allergy class (its `codes` are what an
 * AllergyIntolerance may carry: SNOMED substance classes, allergens) and/or
 * a class that high-alert rules name by `id`. */
typedef struct
{
  char      *id;
  char      *name;         /* for people: "Penicillins" */
  GPtrArray *codes;        /* (MarCoding) class or allergen codes; may be empty */
  GPtrArray *ingredients;  /* (MarCoding) RxNorm ingredients */
} MarDrugClass;

/* RULES.md, WITNESS_REQUIRED: a high-alert rule by ingredient, by class,
 * or by ingredient above a concentration. */
typedef struct
{
  char      *reason;            /* for people: "Potassium concentrate" */
  char      *class_id;          /* the class it names, or NULL */
  GPtrArray *ingredients;       /* (MarCoding) the ingredient, or the class's ingredients */
  gboolean   continuous_only;   /* only when given as a continuous infusion (opioid infusions) */
  gboolean   has_threshold;     /* only above a concentration */
  MarUnit    threshold_unit;    /* a concentration: mEq/mL */
  double     threshold;         /* in threshold_unit */
  double     threshold_base;    /* in base units (mEq per mL) */
} MarHighAlertRule;

/* Dose-error reduction limits for one ingredient, in a rate unit
 * (units/kg/h, mcg/kg/min, mEq/h, mg/h, mL/h), as smart pumps keep them. */
typedef struct
{
  MarCoding *ingredient;
  char      *unit_code;         /* UCUM as written in the file */
  MarUnit    unit;
  gboolean   has_soft_low;
  gboolean   has_soft_high;
  gboolean   has_hard_high;
  double     soft_low;          /* in unit */
  double     soft_high;
  double     hard_high;
} MarRateLimit;

typedef struct _MarDrugLibrary MarDrugLibrary;

GQuark                  mar_drug_library_error_quark      (void);

/* (transfer full) — NULL with @error set on any problem. */
MarDrugLibrary         *mar_drug_library_new_from_bytes   (GBytes               *bytes,
                                                           GError              **error);
MarDrugLibrary         *mar_drug_library_new_from_file    (const char           *path,
                                                           GError              **error);
/* The library compiled into the core. (transfer full), never NULL: the
 * build's tests load it, so a failure here is a broken build and aborts. */
MarDrugLibrary         *mar_drug_library_new_default      (void);

MarDrugLibrary         *mar_drug_library_ref              (MarDrugLibrary       *library);
void                    mar_drug_library_unref            (MarDrugLibrary       *library);

int                     mar_drug_library_get_format_version (const MarDrugLibrary *library);
/* library_version: what the file says ("2026.1"), shown to IT and recorded. */
const char             *mar_drug_library_get_version      (const MarDrugLibrary *library);
const char             *mar_drug_library_get_name         (const MarDrugLibrary *library);

/* RULES.md, ROUTE_MISMATCH. */
gboolean                mar_drug_library_is_iv_route      (const MarDrugLibrary *library,
                                                           const char           *system,
                                                           const char           *code);
gboolean                mar_drug_library_is_non_iv_form   (const MarDrugLibrary *library,
                                                           const char           *system,
                                                           const char           *code);

const MarTimeWindows   *mar_drug_library_get_time_windows (const MarDrugLibrary *library);
gboolean                mar_drug_library_is_time_critical (const MarDrugLibrary *library,
                                                           const char           *system,
                                                           const char           *code);

/* Ingredients that only carry a drug (0.9% sodium chloride, dextrose 5%):
 * a premix matches an order for its drug alone. */
gboolean                mar_drug_library_is_diluent       (const MarDrugLibrary *library,
                                                           const char           *system,
                                                           const char           *code);
/* "No known drug allergy" and kin: assessment, not an allergy. */
gboolean                mar_drug_library_is_negation      (const MarDrugLibrary *library,
                                                           const char           *system,
                                                           const char           *code);

/* The code → ingredients map (RxNorm SCD/SBD, NDC, GTIN, multi-ingredient
 * allergen codes). (element-type MarCoding) (transfer none) (nullable):
 * NULL when the code is not in the map. NDCs compare in their 5-4-2 form,
 * GTINs as GTIN-14. */
GPtrArray              *mar_drug_library_lookup_code      (const MarDrugLibrary *library,
                                                           const char           *system,
                                                           const char           *code);
/* The class whose `codes` hold this code (an allergy coded as a class),
 * or NULL. */
const MarDrugClass     *mar_drug_library_lookup_class     (const MarDrugLibrary *library,
                                                           const char           *system,
                                                           const char           *code);
/* (element-type MarHighAlertRule) (transfer none) */
GPtrArray              *mar_drug_library_get_high_alert_rules (const MarDrugLibrary *library);
/* (nullable) (transfer none) */
const MarRateLimit     *mar_drug_library_get_rate_limit   (const MarDrugLibrary *library,
                                                           const char           *system,
                                                           const char           *code);

/* Seconds. */
gint64                  mar_drug_library_get_weight_max_age (const MarDrugLibrary *library);
gint64                  mar_drug_library_get_cache_stale_limit (const MarDrugLibrary *library);
gint64                  mar_drug_library_get_clock_skew_limit (const MarDrugLibrary *library);
MarAllergyPolicy        mar_drug_library_get_high_criticality_allergy_policy (const MarDrugLibrary *library);
/* Percent of the ordered dose within which a product still matches (0:
 * exact, RULES.md). */
double                  mar_drug_library_get_dose_tolerance_percent (const MarDrugLibrary *library);
/* mL/h within which an entered rate still equals the ordered one (0:
 * exact, RULES.md). */
double                  mar_drug_library_get_rate_tolerance (const MarDrugLibrary *library);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarDrugLibrary, mar_drug_library_unref)

G_END_DECLS
