/* mar-fhir.h — FHIR R4 resources (JSON) → the cache's plain data
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One reader per resource type, exactly the fields ../shared/FHIR-PROFILE.md
 * lists; unknown fields are ignored. Each reader works on one resource,
 * independent of any Bundle, so the file import and the sync share them.
 * A resource that breaks the profile is refused with MAR_FHIR_ERROR_INVALID
 * and a message naming the resource and the field:
 *
 *   MedicationRequest/medrx0318: dosageInstruction[0].doseAndRate[0].doseQuantity.value:
 *   expected a number, got "five"
 *
 * What breaks the profile is listed in docs/fhir-import.md.
 *
 * References the profile requires to resolve (a MedicationRequest's
 * Patient, a referenced catalog Medication...) are returned in
 * MarFhirResource.references for the caller to check against the bundle
 * and the cache; contained references ("#med1") are resolved here.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mar-model.h"

G_BEGIN_DECLS

#define MAR_FHIR_ERROR (mar_fhir_error_quark ())

typedef enum
{
  MAR_FHIR_ERROR_INVALID,      /* breaks FHIR-PROFILE.md; the message names resource and field */
  MAR_FHIR_ERROR_UNSUPPORTED,  /* a resource type the terminal does not read */
  MAR_FHIR_ERROR_UNRESOLVED,   /* a reference the profile requires names nothing in the bundle or the cache */
} MarFhirError;

typedef enum
{
  MAR_FHIR_RESOURCE_UNKNOWN = 0,
  MAR_FHIR_RESOURCE_PATIENT,
  MAR_FHIR_RESOURCE_LOCATION,
  MAR_FHIR_RESOURCE_ENCOUNTER,
  MAR_FHIR_RESOURCE_OBSERVATION,
  MAR_FHIR_RESOURCE_MEDICATION,
  MAR_FHIR_RESOURCE_MEDICATION_REQUEST,
  MAR_FHIR_RESOURCE_MEDICATION_DISPENSE,
  MAR_FHIR_RESOURCE_ALLERGY_INTOLERANCE,
  MAR_FHIR_RESOURCE_PRACTITIONER,
  MAR_FHIR_RESOURCE_PRACTITIONER_ROLE,
  MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION,
  MAR_FHIR_N_RESOURCE_TYPES,
} MarFhirResourceType;

/* Identifier systems of this terminal (../CODES.md). */
#define MAR_SYSTEM_PHARMACY_LABEL "urn:bedside-mar:pharmacy-label"
#define MAR_SYSTEM_BADGE          "urn:bedside-mar:badge"
/* A bag without a pharmacy label: "01<GTIN-14>21<serial>" (mar-model.h). */
#define MAR_SYSTEM_BAG            "urn:bedside-mar:bag"

typedef struct
{
  /* The unit's time zone: dates and dateTimes without an offset, local
   * days of the shift. NULL: the local time zone. */
  GTimeZone  *time_zone;
  /* Whole days (a multiple of 86 400) added to every clinical time: the
   * demo ward is always "today". Applied in local days of @time_zone so
   * 08:00 stays 08:00 across a DST change. Never to birthDate. */
  gint64      shift_seconds;
  /* Seconds added to instants (not dates) after the day shift: the demo
   * ward moves to the minute it is started. */
  gint64      shift_extra_seconds;
  /* Bundle entry fullUrl → "Type/id", to resolve urn:uuid and absolute
   * references. NULL outside a Bundle. */
  GHashTable *full_urls;
  /* MarAdministration.source when the resource has no meta.source. */
  const char *source;
} MarFhirOptions;

/* A reference that must name a resource in the bundle or the cache. */
typedef struct
{
  MarFhirResourceType  type;
  char                *id;
  char                *path;       /* "subject.reference" */
  char                *reference;  /* as written */
} MarFhirReference;

/* One resource read. Exactly one of the model pointers is set, matching
 * @type, unless @ignored. */
typedef struct
{
  MarFhirResourceType  type;
  char                *id;
  char                *version;       /* meta.versionId */
  gint64               last_updated;  /* meta.lastUpdated, after the shift; MAR_TIME_UNSET */
  char                *json;          /* the resource, after the shift */
  char                *patient_id;    /* whom it is about, or NULL (DATA_REJECTED on quarantine) */
  gboolean             removed;       /* entered-in-error: kept, marked removed */
  gboolean             ignored;       /* read but not kept (an Observation that is not a body weight) */

  MarPatient          *patient;
  MarLocation         *location;
  MarEncounter        *encounter;
  MarWeight           *weight;
  MarProduct          *product;
  MarOrder            *order;
  MarDispense         *dispense;
  MarAllergy          *allergy;
  MarStaff            *staff;
  MarStaffRole        *staff_role;
  MarAdministration   *administration;

  GPtrArray           *contained;     /* (MarProduct) contained Medications it uses, catalog = FALSE */
  GPtrArray           *contained_json; /* (utf8) the JSON of each, same order */
  GPtrArray           *references;    /* (MarFhirReference) */
} MarFhirResource;

GQuark               mar_fhir_error_quark              (void);

MarFhirResourceType  mar_fhir_resource_type_from_name  (const char *name);
const char          *mar_fhir_resource_type_to_name    (MarFhirResourceType type);

/* Reads any of the types above by its resourceType; another type is
 * MAR_FHIR_ERROR_UNSUPPORTED. With a shift, the resource's clinical times
 * are rewritten in @object. (transfer full) */
MarFhirResource     *mar_fhir_read_resource            (JsonObject           *object,
                                                        const MarFhirOptions *options,
                                                        GError              **error);

MarFhirResource     *mar_fhir_read_patient             (JsonObject           *object,
                                                        const MarFhirOptions *options,
                                                        GError              **error);
MarFhirResource     *mar_fhir_read_location            (JsonObject           *object,
                                                        const MarFhirOptions *options,
                                                        GError              **error);
MarFhirResource     *mar_fhir_read_encounter           (JsonObject           *object,
                                                        const MarFhirOptions *options,
                                                        GError              **error);
/* A body weight (LOINC 29463-7) in kg; another Observation is read as
 * @ignored. */
MarFhirResource     *mar_fhir_read_observation         (JsonObject           *object,
                                                        const MarFhirOptions *options,
                                                        GError              **error);
MarFhirResource     *mar_fhir_read_medication          (JsonObject           *object,
                                                        const MarFhirOptions *options,
                                                        GError              **error);
MarFhirResource     *mar_fhir_read_medication_request  (JsonObject           *object,
                                                        const MarFhirOptions *options,
                                                        GError              **error);
MarFhirResource     *mar_fhir_read_medication_dispense (JsonObject           *object,
                                                        const MarFhirOptions *options,
                                                        GError              **error);
MarFhirResource     *mar_fhir_read_allergy_intolerance (JsonObject           *object,
                                                        const MarFhirOptions *options,
                                                        GError              **error);
MarFhirResource     *mar_fhir_read_practitioner        (JsonObject           *object,
                                                        const MarFhirOptions *options,
                                                        GError              **error);
MarFhirResource     *mar_fhir_read_practitioner_role   (JsonObject           *object,
                                                        const MarFhirOptions *options,
                                                        GError              **error);
MarFhirResource     *mar_fhir_read_medication_administration (JsonObject           *object,
                                                              const MarFhirOptions *options,
                                                              GError              **error);

void                 mar_fhir_resource_free            (MarFhirResource      *resource);

/* "Patient/123", "Patient/123/_history/4", "https://host/fhir/Patient/123",
 * or a fullUrl listed in @full_urls ("urn:uuid:…"). FALSE for anything
 * else (contained "#x", conditional "Patient?identifier=…"). Out-pointers
 * are nullable. */
gboolean             mar_fhir_parse_reference          (const char           *reference,
                                                        GHashTable           *full_urls,
                                                        char                **type,
                                                        char                **id,
                                                        char                **version);

/* The Patient a resource is about (its id for a Patient; else its subject
 * or patient reference), read without checking anything else: for the
 * quarantine of a resource the readers refused (DATA_REJECTED names that
 * patient). NULL when it cannot be told. */
char                *mar_fhir_dup_patient_id           (JsonObject           *object,
                                                        GHashTable           *full_urls);

/* JSON text of @node; numbers keep their shortest exact form ("0.1"). */
char                *mar_fhir_node_to_string           (JsonNode             *node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarFhirResource, mar_fhir_resource_free)

G_END_DECLS
