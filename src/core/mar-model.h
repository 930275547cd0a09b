/* mar-model.h — the plain data the terminal caches and reasons about
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * These structs are what the store returns, what the FHIR mapping fills in
 * and what the verification engine reads. They are plain data on purpose:
 * the engine is a pure function over them (facts in, verdict out), so they
 * carry no database handles, no references to other objects and no clocks.
 *
 * Conventions
 * - Times are Unix seconds (UTC) in a gint64; MAR_TIME_UNSET means "not
 *   given". Local-time rules (due times, end of an expiry day) are applied by
 *   whoever interprets them, with the unit's GTimeZone.
 * - Strings are UTF-8, owned by the struct, NULL when absent.
 * - Codes are kept as the pair (system, code) exactly as FHIR gives them.
 * - Quantities keep the UCUM code as given ("mg", "mL", "[iU]", "meq",
 *   "mL/h", "mcg/kg/min"); mar-quantity.h converts between them.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MAR_TIME_UNSET G_MININT64

/* Code systems named by ../shared/FHIR-PROFILE.md. */
#define MAR_SYSTEM_RXNORM   "http://www.nlm.nih.gov/research/umls/rxnorm"
#define MAR_SYSTEM_SNOMED   "http://snomed.info/sct"
#define MAR_SYSTEM_LOINC    "http://loinc.org"
#define MAR_SYSTEM_NDC      "http://hl7.org/fhir/sid/ndc"
#define MAR_SYSTEM_GTIN     "https://www.gs1.org/gtin"
#define MAR_SYSTEM_UCUM     "http://unitsofmeasure.org"
#define MAR_SYSTEM_V2_0203  "http://terminology.hl7.org/CodeSystem/v2-0203"

#define MAR_UNIT_MAX 32

/* A measured amount with its UCUM unit. `set` is FALSE when FHIR gave none;
 * a count without a unit ("2 tablets") is set with an empty unit. */
typedef struct
{
  gboolean set;
  double   value;
  char     unit[MAR_UNIT_MAX];
} MarQuantity;

/* A ratio such as a strength (1 g / 250 mL) or a maximum per period
 * (4 doses / 1 d). Both halves are set for a usable ratio. */
typedef struct
{
  MarQuantity numerator;
  MarQuantity denominator;
} MarRatio;

typedef struct
{
  char *system;
  char *code;
  char *display;
} MarCoding;

/* Staff roles on this terminal (PractitionerRole codes are mapped to these). */
typedef enum
{
  MAR_ROLE_NONE = 0,
  MAR_ROLE_NURSE,
  MAR_ROLE_CHARGE_NURSE,
  MAR_ROLE_IT,
} MarRole;

typedef struct
{
  char        *id;          /* FHIR logical id */
  char        *version;     /* meta.versionId, or NULL */
  char        *mrn;         /* identifier of type MR (v2-0203) */
  char        *gsrn;        /* GS1 GSRN (18 digits), from an identifier whose system ends in "gsrn" */
  char        *family;
  char        *given;       /* all given names, space separated */
  char        *birth_date;  /* as FHIR gives it: YYYY, YYYY-MM or YYYY-MM-DD */
  char        *gender;      /* male | female | other | unknown */
  gboolean     active;
  gboolean     removed;     /* deleted on the server or entered-in-error; kept for the record */
  char        *encounter_id;
  char        *bed_id;      /* Location of the in-progress encounter */
  char        *bed_name;
  char        *unit_id;     /* the bed's partOf: ward or infusion centre */
  char        *unit_name;
  MarQuantity  weight;      /* latest body weight (LOINC 29463-7), in kg once read */
  gint64       weight_time; /* when it was measured */
  gboolean     data_incomplete; /* new on the unit, full pull not finished (sync) */
  gboolean     data_rejected;   /* a resource of this patient is quarantined (sync) */
  GPtrArray   *identifiers; /* (MarIdentifier) every identifier[] of the Patient, MRN and GSRN included */
} MarPatient;

typedef struct
{
  char     *system;         /* RxNorm preferred when FHIR gives several codings */
  char     *code;
  char     *display;
  MarRatio  strength;       /* e.g. 1 g / 250 mL; unset when not given */
} MarIngredient;

typedef struct
{
  char        *id;          /* Medication id; for a contained Medication "<owner type>/<owner id>#<contained id>"
                             * ("MedicationDispense/bag17#med1"): FHIR ids are unique per type only */
  char        *version;
  char        *gtin;        /* GTIN-14, or NULL */
  char        *ndc;         /* NDC as published (hyphens kept), or NULL */
  GPtrArray   *codes;       /* (MarCoding) every coding of Medication.code */
  char        *name;
  char        *form_system;
  char        *form_code;
  char        *form_display;
  MarRatio     amount;      /* Medication.amount: container content, e.g. 250 mL / 1 */
  GPtrArray   *ingredients; /* (MarIngredient) */
  gboolean     catalog;     /* FALSE: a contained Medication that describes one bag or one order only */
  gboolean     removed;
} MarProduct;

typedef enum
{
  MAR_ORDER_STATUS_UNKNOWN = 0,
  MAR_ORDER_STATUS_ACTIVE,
  MAR_ORDER_STATUS_ON_HOLD,
  MAR_ORDER_STATUS_CANCELLED,
  MAR_ORDER_STATUS_STOPPED,
  MAR_ORDER_STATUS_COMPLETED,
  MAR_ORDER_STATUS_ENTERED_IN_ERROR,
  MAR_ORDER_STATUS_DRAFT,
} MarOrderStatus;

/* One MedicationRequest with its first dosageInstruction flattened. */
typedef struct
{
  char          *id;
  char          *version;
  MarOrderStatus status;
  char          *intent;            /* order | original-order | instance-order | plan | ... */
  char          *priority;          /* routine | urgent | asap | stat, or NULL */
  char          *patient_id;
  char          *encounter_id;
  gint64         authored_on;
  char          *text;              /* dosageInstruction[0].text, for people */

  /* What is ordered. Either the codes of medicationCodeableConcept, or the
   * referenced Medication (catalog or contained: medication_product_id),
   * whose codes are copied here too. */
  char          *medication_display;
  GPtrArray     *medication_codes;  /* (MarCoding) */
  char          *medication_product_id;
  GPtrArray     *ingredients;       /* (MarIngredient) of the referenced Medication, possibly with strength; empty when coded only */

  /* Route (dosageInstruction[0].route). */
  char          *route_system;
  char          *route_code;
  char          *route_display;

  /* Timing (dosageInstruction[0].timing). */
  GArray        *events;            /* (gint64) timing.event */
  int            frequency;         /* repeat.frequency, 0 if absent */
  double         period;            /* repeat.period, 0 if absent */
  char           period_unit[4];    /* s | min | h | d | wk | mo | a */
  double         duration;          /* repeat.duration: infuse over, 0 if absent */
  char           duration_unit[4];
  int            count;             /* repeat.count, 0 if absent */
  GArray        *times_of_day;      /* (int) seconds after local midnight, from repeat.timeOfDay */
  gint64         bounds_start;      /* repeat.boundsPeriod */
  gint64         bounds_end;
  gboolean       as_needed;         /* asNeededBoolean or asNeededCodeableConcept */
  MarRatio       max_dose_per_period;

  /* doseAndRate[0]: a dose quantity (or range: dose..dose_high), and a rate:
   * rateQuantity, rateRange (rate..rate_high) or rateRatio, the latter
   * stored as one quantity with a composed unit ("mL/h", "mg/min"). */
  MarQuantity    dose;
  MarQuantity    dose_high;
  MarQuantity    rate;
  MarQuantity    rate_high;

  gboolean       removed;
} MarOrder;

/* A pharmacy bag label: one MedicationDispense with a unique identifier. */
typedef struct
{
  char     *id;
  char     *version;
  char     *label;             /* identifier[].value: the barcode text on the bag */
  char     *status;
  char     *patient_id;
  char     *order_id;          /* authorizingPrescription[0] */
  char     *product_id;        /* catalog Medication, or the dispense's contained one (catalog = FALSE) */
  char     *beyond_use;        /* contained Medication batch.expirationDate, as given (date or dateTime) */
  char     *lot;
  gint64    when_prepared;
  MarQuantity quantity;        /* MedicationDispense.quantity (bag volume), if given */
  gboolean  removed;
} MarDispense;

typedef struct
{
  char      *id;
  char      *version;
  char      *patient_id;
  char      *clinical_status;      /* active | inactive | resolved */
  char      *verification_status;  /* unconfirmed | confirmed | refuted | entered-in-error */
  GPtrArray *codings;              /* (MarCoding) AllergyIntolerance.code.coding */
  char      *text;                 /* code.text, or the first display */
  char      *criticality;          /* low | high | unable-to-assess, or NULL */
  char      *category;             /* medication | food | environment | biologic (first) */
  char      *reactions;            /* manifestations, comma separated, for display */
  gboolean   removed;
} MarAllergy;

typedef struct
{
  char     *id;                    /* Practitioner id */
  char     *badge;                 /* identifier scanned from the badge */
  char     *name;
  MarRole   role;
  gboolean  active;
  gboolean  removed;
  char     *version;               /* meta.versionId, or NULL */
} MarStaff;

/* A dose or bag charted by any terminal or system: pulled
 * MedicationAdministrations and, once the record lands, our own. */
typedef struct
{
  char        *id;
  char        *source;          /* "local" or the system that charted it */
  char        *patient_id;
  char        *order_id;
  char        *order_version;
  char        *status;          /* in-progress | on-hold | completed | stopped | not-done | entered-in-error */
  gint64       start;           /* effectivePeriod.start or effectiveDateTime */
  gint64       end;             /* effectivePeriod.end, or UNSET */
  gint64       due_time;        /* the due time it was charted against, or UNSET (the nearest one counts) */
  char        *bag_id;          /* pharmacy label id, or GTIN + serial as "01<gtin>21<serial>", or NULL */
  char        *product_id;
  char        *gtin;
  MarQuantity  dose;            /* drug in this container (for partial doses), or the volume as charted */
  gboolean     partial;         /* one container of a dose given in several */
  gboolean     removed;
  char        *version;         /* meta.versionId, or NULL */
  MarQuantity  rate;            /* dosage.rateQuantity, or rateRatio as one quantity ("mL/h") */
  char        *performer_id;    /* Practitioner who gave it (performer[] without a function, or "performer") */
} MarAdministration;

/* One identifier[] of a resource: the value with its system and, for
 * patients, the v2-0203 type code ("MR", "SS"...). */
typedef struct
{
  char *system;
  char *value;
  char *type_code;
} MarIdentifier;

/* A Location: a bed, a room, a ward or an infusion centre. */
typedef struct
{
  char     *id;
  char     *version;
  char     *name;
  char     *part_of_id;        /* Location.partOf: the room or unit a bed is in */
  char     *physical_type;     /* location-physical-type code: bd, ro, wa, ... or NULL */
  char     *status;            /* active | suspended | inactive, or NULL */
  gboolean  removed;
} MarLocation;

/* An Encounter: where the patient is now (the bed of the in-progress one). */
typedef struct
{
  char     *id;
  char     *version;
  char     *patient_id;
  char     *status;            /* planned | arrived | triaged | in-progress | onleave | finished | cancelled | ... */
  gint64    start;             /* period.start */
  gint64    end;               /* period.end */
  char     *location_id;       /* the current location[] (active, or the last one listed) */
  gboolean  removed;
} MarEncounter;

/* A body weight Observation (LOINC 29463-7), converted to kg. */
typedef struct
{
  char        *id;
  char        *version;
  char        *patient_id;
  char        *status;         /* final | amended | corrected | preliminary | ... */
  MarQuantity  weight;         /* in kg; unset when the observation has no value */
  gint64       effective;      /* when it was measured */
  gboolean     removed;
} MarWeight;

/* A PractitionerRole: which role a member of staff has, and where. The
 * codes are mapped to MarRole when staff are read (the mapping is a
 * setting, see mar-store.h). */
typedef struct
{
  char      *id;
  char      *version;
  char      *staff_id;         /* PractitionerRole.practitioner */
  GPtrArray *codes;            /* (MarCoding) every coding of PractitionerRole.code[] */
  char      *location_id;      /* location[0] */
  gboolean   active;
  gboolean   removed;
} MarStaffRole;

MarCoding         *mar_coding_new               (const char *system,
                                                 const char *code,
                                                 const char *display);
MarCoding         *mar_coding_copy              (const MarCoding *coding);
void               mar_coding_free              (MarCoding *coding);
gboolean           mar_coding_equal             (const MarCoding *a,
                                                 const MarCoding *b);

MarIngredient     *mar_ingredient_new           (void);
MarIngredient     *mar_ingredient_copy          (const MarIngredient *ingredient);
void               mar_ingredient_free          (MarIngredient *ingredient);

MarPatient        *mar_patient_new              (void);
void               mar_patient_free             (MarPatient *patient);
char              *mar_patient_dup_display_name (const MarPatient *patient);

MarProduct        *mar_product_new              (void);
void               mar_product_free             (MarProduct *product);

MarOrder          *mar_order_new                (void);
void               mar_order_free               (MarOrder *order);
const char        *mar_order_status_to_string   (MarOrderStatus status);
MarOrderStatus     mar_order_status_from_string (const char *status);
gboolean           mar_order_is_continuous      (const MarOrder *order);

MarDispense       *mar_dispense_new             (void);
void               mar_dispense_free            (MarDispense *dispense);

MarAllergy        *mar_allergy_new              (void);
void               mar_allergy_free             (MarAllergy *allergy);

MarStaff          *mar_staff_new                (void);
void               mar_staff_free               (MarStaff *staff);
const char        *mar_role_to_string           (MarRole role);
MarRole            mar_role_from_string         (const char *role);

MarAdministration *mar_administration_new       (void);
void               mar_administration_free      (MarAdministration *administration);

MarIdentifier     *mar_identifier_new           (const char *system,
                                                 const char *value,
                                                 const char *type_code);
void               mar_identifier_free          (MarIdentifier *identifier);

MarLocation       *mar_location_new             (void);
void               mar_location_free            (MarLocation *location);

MarEncounter      *mar_encounter_new            (void);
void               mar_encounter_free           (MarEncounter *encounter);

MarWeight         *mar_weight_new               (void);
void               mar_weight_free              (MarWeight *weight);

MarStaffRole      *mar_staff_role_new           (void);
void               mar_staff_role_free          (MarStaffRole *role);

void               mar_quantity_set             (MarQuantity *quantity,
                                                 double       value,
                                                 const char  *unit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarCoding, mar_coding_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarIngredient, mar_ingredient_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarPatient, mar_patient_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarProduct, mar_product_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarOrder, mar_order_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarDispense, mar_dispense_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarAllergy, mar_allergy_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarStaff, mar_staff_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarAdministration, mar_administration_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarIdentifier, mar_identifier_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarLocation, mar_location_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarEncounter, mar_encounter_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarWeight, mar_weight_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarStaffRole, mar_staff_role_free)

G_END_DECLS
