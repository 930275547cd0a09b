/* test-fhir-import.c — FHIR R4 → cache mapping and file import (issue 3, part 2)
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mar-fhir-import.h"
#include "mar-time.h"
#include "store-test-util.h"

/* Fixed "now" for imports, so two caches built alike are alike. */
#define IMPORT_NOW 1795400000

typedef struct
{
  char      *folder;
  char      *path;
  MarStore  *store;
  GTimeZone *tz;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->folder = test_make_folder ();
  f->path = g_build_filename (f->folder, "mar.db", NULL);
  f->store = mar_store_open (f->path, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  f->tz = g_time_zone_new_identifier ("America/New_York");
  g_assert_nonnull (f->tz);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->tz, g_time_zone_unref);
  test_remove_folder (f->folder);
  g_free (f->folder);
  g_free (f->path);
}

#define TEST_F(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

static MarFhirImportOptions
options_for (Fixture *f)
{
  MarFhirImportOptions options = { 0 };

  options.time_zone = f->tz;
  options.now = IMPORT_NOW;
  return options;
}

static gint64
at (Fixture    *f,
    const char *text)
{
  gint64 t;

  g_assert_true (mar_time_parse_fhir (text, f->tz, &t, NULL, NULL));
  return t;
}

static char *
hl7_path (const char *name)
{
  return test_data_path ("shared", "fhir-r4", "hl7-spec-examples", name, NULL);
}

static char *
synthea_path (const char *name)
{
  return test_data_path ("shared", "fhir-r4", "synthea-bulk-10-patients", name, NULL);
}

static char *
ward_small_path (void)
{
  return test_data_path ("bundles", "ward-small.json", NULL);
}

static void
import_ok (Fixture            *f,
           const char         *path,
           MarFhirImportStats *stats)
{
  g_autoptr(GError) error = NULL;
  MarFhirImportOptions options = options_for (f);

  g_assert_true (mar_fhir_import_file (f->store, path, &options, stats, &error));
  g_assert_no_error (error);
}

static gboolean
import_text (Fixture     *f,
             const char  *text,
             GError     **error)
{
  MarFhirImportOptions options = options_for (f);

  return mar_fhir_import_data (f->store, text, strlen (text), "inline.json", &options, NULL, error);
}

static void
import_text_ok (Fixture    *f,
                const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (import_text (f, text, &error));
  g_assert_no_error (error);
}

/* Imports @text, expects @code of @domain with exactly @message (or, if
 * @message starts with "…", a message containing the rest), and checks
 * that the cache did not change at all. */
static void
assert_import_refused (Fixture    *f,
                       const char *text,
                       gsize       length,
                       GQuark      domain,
                       int         code,
                       const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  MarFhirImportOptions options = options_for (f);
  guint rows_before, rows_after;

  before = test_database_digest (f->path, &rows_before);
  g_assert_false (mar_fhir_import_data (f->store, text, length, "inline.json", &options, NULL, &error));
  g_assert_error (error, domain, code);
  if (g_str_has_prefix (message, "…"))
    {
      if (strstr (error->message, message + strlen ("…")) == NULL)
        g_error ("message \"%s\" lacks \"%s\"", error->message, message + strlen ("…"));
    }
  else
    g_assert_cmpstr (error->message, ==, message);
  g_assert_false (mar_store_in_transaction (f->store));

  after = test_database_digest (f->path, &rows_after);
  g_assert_cmpuint (rows_before, ==, rows_after);
  g_assert_cmpstr (before, ==, after);
}

#define assert_refused(f, text, domain, code, message) \
  assert_import_refused (f, text, strlen (text), domain, code, message)

/* ------------------------------------------------------------------ */
/* The official HL7 examples                                           */

typedef struct
{
  const char *file;
  GQuark      domain;   /* 0: imports */
  int         code;
  const char *message;
} Expectation;

static void
test_hl7_examples (Fixture       *f,
                   gconstpointer  data)
{
  const char *seeds[] = {
    "patient-example.json", "patient-example-a.json",
    "practitioner-example.json", "practitioner-example-f007-sh.json",
  };
  const Expectation expectations[] = {
    { "allergyintolerance-example.json", 0, 0, NULL },
    { "allergyintolerance-medication.json", 0, 0, NULL },
    /* Patient "mom" is in no example: the allergy has no patient. */
    { "allergyintolerance-nkda.json", MAR_FHIR_ERROR, MAR_FHIR_ERROR_UNRESOLVED,
      "AllergyIntolerance/nkda: patient.reference: \"Patient/mom\" names a Patient that is "
      "neither in this data nor in the cache" },
    /* Status "unknown" is not one FHIR-PROFILE.md lists (and Patient/347 is in no example). */
    { "bundle-example.json", MAR_FHIR_ERROR, MAR_FHIR_ERROR_INVALID,
      "entry[0] MedicationRequest/3123: status: \"unknown\" is not one of active, on-hold, "
      "cancelled, stopped, completed, entered-in-error, draft" },
    /* A server's answer to a batch, not data to load. */
    { "bundle-response-medsallergies.json", MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_BUNDLE,
      "…Bundle.type: \"batch-response\" cannot be imported (a collection, batch, transaction or "
      "searchset can); nothing was imported" },
    { "medicationadministration0301.json", 0, 0, NULL },
    { "medicationadministration0302.json", 0, 0, NULL },
    { "medicationadministration0303.json", 0, 0, NULL },
    { "medicationadministration0304.json", 0, 0, NULL },
    { "medicationadministration0305.json", 0, 0, NULL },
    { "medicationadministration0306.json", 0, 0, NULL },
    { "medicationadministration0307.json", 0, 0, NULL },
    { "medicationadministration0308.json", 0, 0, NULL },
    { "medicationadministration0309.json", 0, 0, NULL },
    { "medicationadministration0310.json", 0, 0, NULL },
    { "medicationadministration0311.json", 0, 0, NULL },
    { "medicationexample0301.json", 0, 0, NULL },
    { "medicationexample0302.json", 0, 0, NULL },
    /* "2501-813-16" is 4-3-2: nine digits, no NDC (testdata/ndc notes it). */
    { "medicationexample0305.json", MAR_FHIR_ERROR, MAR_FHIR_ERROR_INVALID,
      "Medication/med0305: code.coding[0].code: \"2501-813-16\" is not an NDC (4-4-2, 5-3-2, "
      "5-4-1 or 5-4-2 digits)" },
    { "medicationexample0306.json", 0, 0, NULL },
    { "medicationexample0307.json", 0, 0, NULL },
    { "medicationexample0317.json", 0, 0, NULL },
    { "medicationexample0318.json", 0, 0, NULL },
    { "medicationrequest0301.json", 0, 0, NULL },
    { "medicationrequest0315.json", 0, 0, NULL },
    { "medicationrequest0316.json", 0, 0, NULL },
    { "medicationrequest0317.json", 0, 0, NULL },
    { "medicationrequest0318.json", 0, 0, NULL },
    { "medicationrequest0319.json", 0, 0, NULL },
    { "medicationrequest0322.json", 0, 0, NULL },
    { "medicationrequest0323.json", 0, 0, NULL },
    { "medicationrequest0325.json", 0, 0, NULL },
    { "medicationrequest0336.json", 0, 0, NULL },
    { "medicationrequest0337.json", 0, 0, NULL },
    { "medicationrequest0338.json", 0, 0, NULL },
    { "patient-example-a.json", 0, 0, NULL },
    { "patient-example.json", 0, 0, NULL },
    { "practitioner-example-f007-sh.json", 0, 0, NULL },
    { "practitioner-example.json", 0, 0, NULL },
  };
  g_autofree char *folder = hl7_path ("");
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  /* Every example has its expected outcome: a new one needs a decision. */
  g_assert_cmpuint (names->len, ==, G_N_ELEMENTS (expectations));

  /* The examples' requests and administrations are about these patients. */
  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autofree char *path = hl7_path (seeds[i]);
      import_ok (f, path, NULL);
    }

  for (guint i = 0; i < G_N_ELEMENTS (expectations); i++)
    {
      const Expectation *e = &expectations[i];
      g_autofree char *path = hl7_path (e->file);
      g_autoptr(GBytes) bytes = test_file_bytes (path);
      g_autoptr(GError) error = NULL;
      MarFhirImportOptions options = options_for (f);

      g_assert_true (g_ptr_array_find_with_equal_func (names, e->file, g_str_equal, NULL));
      g_test_message ("%s", e->file);
      if (e->domain == 0)
        {
          g_assert_true (mar_fhir_import_file (f->store, path, &options, NULL, &error));
          g_assert_no_error (error);
        }
      else
        assert_import_refused (f, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                               e->domain, e->code, e->message);
    }

  /* A few of what they became. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MarOrder) adcetris = mar_store_get_order (f->store, "medrx0316", &error);
    g_autoptr(MarOrder) lorazepam = mar_store_get_order (f->store, "medrx0315", &error);
    g_autoptr(MarOrder) nutrition = mar_store_get_order (f->store, "medrx0323", &error);
    g_autoptr(MarAdministration) in_error = mar_store_get_administration (f->store, "medadmin0303", &error);
    g_autoptr(MarProduct) vancomycin = mar_store_find_product_by_ndc (f->store, "0069-2587-10", &error);

    g_assert_no_error (error);
    /* rateRatio 1.8 mg/kg per 20 min → 0.09 mg/kg/min. */
    g_assert_cmpfloat_with_epsilon (adcetris->rate.value, 0.09, 1e-12);
    g_assert_cmpstr (adcetris->rate.unit, ==, "mg/kg/min");
    g_assert_cmpstr (adcetris->medication_product_id, ==, "MedicationRequest/medrx0316#med0306");
    g_assert_cmpuint (adcetris->count, ==, 16);
    /* doseRange and rateRange → value..high. */
    g_assert_cmpfloat (lorazepam->dose.value, ==, 0.05);
    g_assert_cmpfloat (lorazepam->dose_high.value, ==, 0.1);
    g_assert_cmpfloat (lorazepam->rate.value, ==, 2);
    g_assert_cmpfloat (lorazepam->rate_high.value, ==, 5);
    g_assert_true (lorazepam->as_needed);
    g_assert_cmpuint (nutrition->events->len, ==, 1);
    g_assert_cmpint (g_array_index (nutrition->events, gint64, 0), ==, at (f, "2015-01-15T11:00:00Z"));
    g_assert_true (in_error->removed);
    g_assert_cmpstr (vancomycin->id, ==, "med0301");
    g_assert_true (vancomycin->catalog);
  }
}

static void
test_hl7_request_without_patient (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *path = hl7_path ("medicationrequest0318.json");
  g_autoptr(GBytes) bytes = test_file_bytes (path);

  /* FHIR-PROFILE.md: an order's patient must be in the file or the cache. */
  assert_import_refused (f, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                         MAR_FHIR_ERROR, MAR_FHIR_ERROR_UNRESOLVED,
                         "MedicationRequest/medrx0318: subject.reference: \"Patient/pat1\" names a "
                         "Patient that is neither in this data nor in the cache");
}

/* ------------------------------------------------------------------ */
/* Synthea (FHIR Bulk Data NDJSON)                                     */

static void
test_synthea (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *patients = synthea_path ("Patient.000.ndjson");
  g_autofree char *allergies = synthea_path ("AllergyIntolerance.000.ndjson");
  g_autofree char *requests = synthea_path ("MedicationRequest.subset.ndjson");
  g_autoptr(GBytes) request_bytes = test_file_bytes (requests);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) patient = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  MarFhirImportStats stats;

  /* The requests' patients are in another file: alone, they are refused. */
  assert_import_refused (f, g_bytes_get_data (request_bytes, NULL), g_bytes_get_size (request_bytes),
                         MAR_FHIR_ERROR, MAR_FHIR_ERROR_UNRESOLVED,
                         "line 1 MedicationRequest/002eb5b8-2964-effd-3b09-f132017dae04: "
                         "subject.reference: \"Patient/79a66c97-6131-3213-f3c9-4606946ab056\" names "
                         "a Patient that is neither in this data nor in the cache");

  import_ok (f, patients, &stats);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_PATIENT].created, ==, 13);
  import_ok (f, allergies, &stats);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_ALLERGY_INTOLERANCE].created, ==, 11);
  import_ok (f, requests, &stats);
  g_assert_cmpuint (stats.entries, ==, 60);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_MEDICATION_REQUEST].created, ==, 60);

  import_ok (f, requests, &stats);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_MEDICATION_REQUEST].created, ==, 0);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_MEDICATION_REQUEST].unchanged, ==, 60);

  patient = mar_store_find_patient_by_mrn (f->store, "79a66c97-6131-3213-f3c9-4606946ab056", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (patient->family, ==, "Upton904");
  g_assert_cmpstr (patient->given, ==, "Marine542 Ai120");
  g_assert_cmpstr (patient->birth_date, ==, "1927-05-21");
  g_assert_cmpuint (patient->identifiers->len, ==, 5);
  orders = mar_store_list_orders (f->store, patient->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orders->len, ==, 15);
}

/* ------------------------------------------------------------------ */
/* The hand-written ward: every field FHIR-PROFILE.md lists            */

static const MarCoding *
coding_at (GPtrArray *codings,
           guint      index)
{
  g_assert_cmpuint (index, <, codings->len);
  return g_ptr_array_index (codings, index);
}

static const MarIngredient *
ingredient_at (GPtrArray *ingredients,
               guint      index)
{
  g_assert_cmpuint (index, <, ingredients->len);
  return g_ptr_array_index (ingredients, index);
}

static void
assert_quantity (const MarQuantity *quantity,
                 double             value,
                 const char        *unit)
{
  g_assert_true (quantity->set);
  g_assert_cmpfloat_with_epsilon (quantity->value, value, 1e-9);
  g_assert_cmpstr (quantity->unit, ==, unit);
}

static MarOrder *
order_named (GPtrArray  *orders,
             const char *id)
{
  for (guint i = 0; i < orders->len; i++)
    if (g_strcmp0 (((MarOrder *) g_ptr_array_index (orders, i))->id, id) == 0)
      return g_ptr_array_index (orders, i);
  g_error ("no order %s", id);
  return NULL;
}

static void
test_ward_small_read_back (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *ward = ward_small_path ();
  g_autoptr(GError) error = NULL;
  MarFhirImportStats stats;
  gint64 last_sync;

  import_ok (f, ward, &stats);
  g_assert_cmpuint (stats.entries, ==, 27);
  g_assert_cmpuint (stats.skipped, ==, 2);  /* an Organization and a blood pressure */
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_PATIENT].created, ==, 2);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_LOCATION].created, ==, 3);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_ENCOUNTER].created, ==, 1);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_OBSERVATION].created, ==, 2);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_MEDICATION].created, ==, 3);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_MEDICATION_REQUEST].created, ==, 4);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_MEDICATION_DISPENSE].created, ==, 1);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_ALLERGY_INTOLERANCE].created, ==, 2);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_PRACTITIONER].created, ==, 2);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_PRACTITIONER_ROLE].created, ==, 2);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION].created, ==, 3);

  /* RULES.md CACHE_STALE: the import counts as a sync. */
  g_assert_true (mar_store_get_last_sync (f->store, &last_sync, &error));
  g_assert_cmpint (last_sync, ==, IMPORT_NOW);

  /* Patient, by each wristband identifier. */
  {
    g_autoptr(MarPatient) p = mar_store_find_patient_by_mrn (f->store, "MRN1001", &error);
    g_autoptr(MarPatient) by_gsrn = mar_store_find_patient_by_gsrn (f->store, "806141411234567896", &error);
    g_autoptr(MarPatient) by_other = mar_store_find_patient_by_identifier (f->store, "999-12-3456", &error);
    const MarIdentifier *ss;

    g_assert_no_error (error);
    g_assert_cmpstr (by_gsrn->id, ==, "pt-001");
    g_assert_cmpstr (by_other->id, ==, "pt-001");
    g_assert_cmpstr (p->id, ==, "pt-001");
    g_assert_cmpstr (p->version, ==, "3");
    g_assert_cmpstr (p->mrn, ==, "MRN1001");
    g_assert_cmpstr (p->gsrn, ==, "806141411234567896");
    g_assert_cmpstr (p->family, ==, "Rivera");
    g_assert_cmpstr (p->given, ==, "Ana Maria");
    g_assert_cmpstr (p->birth_date, ==, "1956-03-14");
    g_assert_cmpstr (p->gender, ==, "female");
    g_assert_true (p->active);
    g_assert_false (p->removed);
    g_assert_false (p->data_incomplete);
    g_assert_false (p->data_rejected);
    g_assert_cmpstr (p->encounter_id, ==, "enc-001");
    g_assert_cmpstr (p->bed_id, ==, "loc-4w-12a");
    g_assert_cmpstr (p->bed_name, ==, "4W-12A");
    g_assert_cmpstr (p->unit_id, ==, "loc-ward-4w");
    g_assert_cmpstr (p->unit_name, ==, "4 West Medical");
    /* 154 [lb_av] = 69.853 kg (FHIR-PROFILE.md: weights in kg). */
    assert_quantity (&p->weight, 154 * 0.45359237, "kg");
    g_assert_cmpint (p->weight_time, ==, at (f, "2026-11-21T08:00:00-05:00"));
    g_assert_cmpuint (p->identifiers->len, ==, 3);
    ss = g_ptr_array_index (p->identifiers, 2);
    g_assert_cmpstr (ss->system, ==, "http://hl7.org/fhir/sid/us-ssn");
    g_assert_cmpstr (ss->value, ==, "999-12-3456");
    g_assert_cmpstr (ss->type_code, ==, "SS");
  }
  {
    g_autoptr(MarPatient) p = mar_store_find_patient_by_mrn (f->store, "MRN1002", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (p->id, ==, "pt-002");
    g_assert_false (p->active);
    g_assert_cmpstr (p->birth_date, ==, "1948");
    g_assert_cmpstr (p->gender, ==, "male");
    g_assert_null (p->bed_id);
    g_assert_false (p->weight.set);
    g_assert_cmpint (p->weight_time, ==, MAR_TIME_UNSET);
  }

  /* Locations and the encounter. */
  {
    g_autoptr(MarLocation) bed = mar_store_get_location (f->store, "loc-4w-12a", &error);
    g_autoptr(MarLocation) room = mar_store_get_location (f->store, "loc-4w-room12", &error);
    g_autoptr(MarEncounter) encounter = mar_store_get_encounter (f->store, "enc-001", &error);
    g_autoptr(MarWeight) weight = mar_store_get_latest_weight (f->store, "pt-001", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (bed->name, ==, "4W-12A");
    g_assert_cmpstr (bed->part_of_id, ==, "loc-4w-room12");
    g_assert_cmpstr (bed->physical_type, ==, "bd");
    g_assert_cmpstr (room->status, ==, "active");
    g_assert_cmpstr (encounter->patient_id, ==, "pt-001");  /* a urn:uuid reference */
    g_assert_cmpstr (encounter->status, ==, "in-progress");
    g_assert_cmpint (encounter->start, ==, at (f, "2026-11-20T14:00:00-05:00"));
    g_assert_cmpint (encounter->end, ==, MAR_TIME_UNSET);
    g_assert_cmpstr (encounter->location_id, ==, "loc-4w-12a");  /* the active one, not the ED */
    g_assert_cmpstr (weight->id, ==, "obs-wt-1");
    g_assert_cmpstr (weight->status, ==, "final");
  }

  /* Products, by GTIN-12, GTIN-13 (zero-padded to 14) and NDC. */
  {
    g_autoptr(MarProduct) heparin = mar_store_find_product_by_gtin (f->store, "00304097650521", &error);
    g_autoptr(MarProduct) by_ndc = mar_store_find_product_by_ndc (f->store, "0409765052", &error);
    g_autoptr(MarProduct) saline = mar_store_find_product_by_gtin (f->store, "0303380023042", &error);
    g_autoptr(MarProduct) piptazo = mar_store_find_product_by_gtin (f->store, "00302068862027", &error);
    const MarIngredient *ingredient;

    g_assert_no_error (error);
    g_assert_cmpstr (heparin->id, ==, "med-heparin-25k");
    g_assert_cmpstr (by_ndc->id, ==, "med-heparin-25k");
    g_assert_true (heparin->catalog);
    g_assert_false (heparin->removed);
    g_assert_cmpstr (heparin->gtin, ==, "00304097650521");
    g_assert_cmpstr (heparin->ndc, ==, "0409-7650-52");
    g_assert_cmpuint (heparin->codes->len, ==, 2);
    g_assert_cmpstr (coding_at (heparin->codes, 0)->code, ==, "304097650521");  /* as given */
    g_assert_cmpstr (heparin->name, ==, "Heparin sodium 25,000 units in 250 mL D5W");
    g_assert_cmpstr (heparin->form_system, ==, MAR_SYSTEM_SNOMED);
    g_assert_cmpstr (heparin->form_code, ==, "385219001");
    g_assert_cmpstr (heparin->form_display, ==, "Injection solution");
    assert_quantity (&heparin->amount.numerator, 250, "mL");
    assert_quantity (&heparin->amount.denominator, 1, "1");
    g_assert_cmpuint (heparin->ingredients->len, ==, 1);
    ingredient = ingredient_at (heparin->ingredients, 0);
    g_assert_cmpstr (ingredient->system, ==, MAR_SYSTEM_RXNORM);
    g_assert_cmpstr (ingredient->code, ==, "5224");
    g_assert_cmpstr (ingredient->display, ==, "heparin");
    assert_quantity (&ingredient->strength.numerator, 25000, "[iU]");
    assert_quantity (&ingredient->strength.denominator, 250, "mL");

    g_assert_cmpstr (saline->id, ==, "med-ns-1000");
    g_assert_cmpstr (saline->gtin, ==, "00303380023042");
    g_assert_cmpstr (piptazo->name, ==, "Piperacillin-tazobactam 3.375 g/50 mL bag");
    g_assert_cmpuint (piptazo->ingredients->len, ==, 2);
    assert_quantity (&ingredient_at (piptazo->ingredients, 1)->strength.numerator, 0.375, "g");
  }

  /* Orders: all four, in authoredOn order, with timing, codes and ingredients. */
  {
    g_autoptr(GPtrArray) orders = mar_store_list_orders (f->store, "pt-001", &error);
    g_autoptr(GPtrArray) products = mar_store_list_order_products (f->store, "pt-001", &error);
    const MarOrder *o;

    g_assert_no_error (error);
    g_assert_cmpuint (orders->len, ==, 4);
    g_assert_cmpstr (((MarOrder *) g_ptr_array_index (orders, 0))->id, ==, "rx-acet-prn");
    g_assert_cmpstr (((MarOrder *) g_ptr_array_index (orders, 3))->id, ==, "rx-ns");

    o = order_named (orders, "rx-piptazo");
    g_assert_cmpstr (o->version, ==, "2");
    g_assert_cmpint (o->status, ==, MAR_ORDER_STATUS_ACTIVE);
    g_assert_cmpstr (o->intent, ==, "order");
    g_assert_cmpstr (o->priority, ==, "stat");
    g_assert_cmpstr (o->patient_id, ==, "pt-001");
    g_assert_cmpstr (o->encounter_id, ==, "enc-001");
    g_assert_cmpint (o->authored_on, ==, at (f, "2026-11-21T21:45:00-05:00"));
    g_assert_cmpstr (o->text, ==, "3.375 g IV every 6 hours over 30 minutes");
    g_assert_cmpstr (o->medication_display, ==, "Piperacillin-tazobactam 3.375 g in 50 mL");
    g_assert_cmpstr (o->medication_product_id, ==, "med-pip-tazo");  /* through a urn:uuid fullUrl */
    g_assert_cmpuint (o->medication_codes->len, ==, 1);
    g_assert_cmpstr (coding_at (o->medication_codes, 0)->system, ==, MAR_SYSTEM_GTIN);
    g_assert_cmpuint (o->ingredients->len, ==, 2);
    g_assert_cmpstr (ingredient_at (o->ingredients, 0)->code, ==, "8339");
    g_assert_cmpstr (ingredient_at (o->ingredients, 1)->code, ==, "37617");
    g_assert_cmpstr (o->route_system, ==, MAR_SYSTEM_SNOMED);
    g_assert_cmpstr (o->route_code, ==, "47625008");
    g_assert_cmpstr (o->route_display, ==, "Intravenous route");
    g_assert_cmpuint (o->events->len, ==, 0);
    g_assert_cmpint (o->frequency, ==, 1);
    g_assert_cmpfloat (o->period, ==, 6);
    g_assert_cmpstr (o->period_unit, ==, "h");
    g_assert_cmpfloat (o->duration, ==, 30);
    g_assert_cmpstr (o->duration_unit, ==, "min");
    g_assert_cmpint (o->count, ==, 0);
    g_assert_cmpuint (o->times_of_day->len, ==, 4);
    g_assert_cmpint (g_array_index (o->times_of_day, int, 0), ==, 0);
    g_assert_cmpint (g_array_index (o->times_of_day, int, 1), ==, 6 * 3600);
    g_assert_cmpint (g_array_index (o->times_of_day, int, 3), ==, 18 * 3600);
    g_assert_cmpint (o->bounds_start, ==, at (f, "2026-11-22T00:00:00-05:00"));
    g_assert_cmpint (o->bounds_end, ==, at (f, "2026-11-29T00:00:00-05:00"));
    g_assert_false (o->as_needed);
    assert_quantity (&o->max_dose_per_period.numerator, 4, "doses");
    assert_quantity (&o->max_dose_per_period.denominator, 1, "d");
    assert_quantity (&o->dose, 3.375, "g");
    g_assert_false (o->dose_high.set);
    assert_quantity (&o->rate, 100, "mL/h");
    g_assert_false (o->rate_high.set);
    g_assert_false (o->removed);
    g_assert_false (mar_order_is_continuous (o));

    /* rateRatio 18 [iU]/kg per 1 h → 18 "[iU]/kg/h"; a rate and no
     * frequency: a continuous infusion. */
    o = order_named (orders, "rx-heparin");
    assert_quantity (&o->rate, 18, "[iU]/kg/h");
    g_assert_true (mar_order_is_continuous (o));
    g_assert_cmpint (o->bounds_start, ==, at (f, "2026-11-21T20:30:00-05:00"));
    g_assert_cmpint (o->bounds_end, ==, MAR_TIME_UNSET);
    g_assert_null (o->priority);
    g_assert_null (o->encounter_id);
    g_assert_cmpstr (o->medication_product_id, ==, "med-heparin-25k");
    g_assert_cmpuint (o->medication_codes->len, ==, 2);
    g_assert_cmpstr (ingredient_at (o->ingredients, 0)->code, ==, "5224");

    /* Coded by ingredient; ranges; events; a date as authoredOn. */
    o = order_named (orders, "rx-ns");
    g_assert_cmpint (o->status, ==, MAR_ORDER_STATUS_ON_HOLD);
    g_assert_cmpstr (o->intent, ==, "original-order");
    g_assert_cmpstr (o->priority, ==, "routine");
    g_assert_null (o->medication_product_id);
    g_assert_cmpstr (o->medication_display, ==, "0.9% sodium chloride");
    g_assert_cmpuint (o->medication_codes->len, ==, 2);
    g_assert_cmpstr (coding_at (o->medication_codes, 0)->code, ==, "9863");
    g_assert_cmpstr (coding_at (o->medication_codes, 0)->display, ==, "sodium chloride");
    g_assert_cmpstr (coding_at (o->medication_codes, 1)->system, ==, MAR_SYSTEM_SNOMED);
    g_assert_cmpuint (o->ingredients->len, ==, 0);
    g_assert_cmpint (o->authored_on, ==, at (f, "2026-11-22T00:00:00-05:00"));
    g_assert_cmpuint (o->events->len, ==, 2);
    g_assert_cmpint (g_array_index (o->events, gint64, 0), ==, at (f, "2026-11-22T08:00:00-05:00"));
    g_assert_cmpint (g_array_index (o->events, gint64, 1), ==, at (f, "2026-11-22T20:00:00-05:00"));
    assert_quantity (&o->dose, 500, "mL");
    assert_quantity (&o->dose_high, 1000, "mL");
    assert_quantity (&o->rate, 75, "mL/h");
    assert_quantity (&o->rate_high, 125, "mL/h");
    g_assert_false (o->as_needed);

    /* A contained Medication; PRN by concept; RxNorm preferred. */
    o = order_named (orders, "rx-acet-prn");
    g_assert_cmpstr (o->medication_product_id, ==, "MedicationRequest/rx-acet-prn#apap");
    g_assert_cmpuint (o->medication_codes->len, ==, 0);
    g_assert_cmpuint (o->ingredients->len, ==, 1);
    g_assert_cmpstr (ingredient_at (o->ingredients, 0)->system, ==, MAR_SYSTEM_RXNORM);
    g_assert_cmpstr (ingredient_at (o->ingredients, 0)->code, ==, "161");
    assert_quantity (&ingredient_at (o->ingredients, 0)->strength.numerator, 10, "mg");
    g_assert_true (o->as_needed);
    g_assert_cmpint (o->count, ==, 4);
    assert_quantity (&o->dose, 1000, "mg");
    g_assert_cmpstr (o->text, ==, "1 g IV every 6 hours as needed for pain");

    g_assert_cmpuint (products->len, ==, 3);
    g_assert_cmpstr (((MarProduct *) g_ptr_array_index (products, 0))->id, ==,
                     "MedicationRequest/rx-acet-prn#apap");
    g_assert_false (((MarProduct *) g_ptr_array_index (products, 0))->catalog);
    assert_quantity (&((MarProduct *) g_ptr_array_index (products, 0))->amount.numerator, 100, "mL");
    g_assert_cmpstr (((MarProduct *) g_ptr_array_index (products, 1))->id, ==, "med-heparin-25k");
    g_assert_cmpstr (((MarProduct *) g_ptr_array_index (products, 2))->id, ==, "med-pip-tazo");
  }

  /* The pharmacy bag label. */
  {
    g_autoptr(MarDispense) d = mar_store_find_dispense_by_label (f->store, "PL-000123", &error);
    g_autoptr(MarProduct) bag = NULL;
    g_autoptr(MarDispense) by_other = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (d->id, ==, "disp-001");
    g_assert_cmpstr (d->version, ==, "1");
    g_assert_cmpstr (d->label, ==, "PL-000123");
    g_assert_cmpstr (d->status, ==, "completed");
    g_assert_cmpstr (d->patient_id, ==, "pt-001");
    g_assert_cmpstr (d->order_id, ==, "rx-piptazo");
    g_assert_cmpstr (d->product_id, ==, "MedicationDispense/disp-001#bag");
    g_assert_cmpstr (d->beyond_use, ==, "2026-11-23T02:00:00-05:00");
    g_assert_cmpstr (d->lot, ==, "CMP-2211-07");
    g_assert_cmpint (d->when_prepared, ==, at (f, "2026-11-22T01:30:00-05:00"));
    assert_quantity (&d->quantity, 50, "mL");
    g_assert_false (d->removed);

    bag = mar_store_get_product (f->store, d->product_id, &error);
    g_assert_no_error (error);
    g_assert_false (bag->catalog);
    g_assert_cmpstr (bag->name, ==, "Piperacillin-tazobactam 3.375 g in 50 mL NS (compounded)");
    g_assert_cmpuint (bag->ingredients->len, ==, 2);
    assert_quantity (&bag->amount.numerator, 50, "mL");

    /* Only the pharmacy label identifier is the bag's label. */
    by_other = mar_store_find_dispense_by_label (f->store, "RX-77", &error);
    g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* Allergies. */
  {
    g_autoptr(GPtrArray) allergies = mar_store_list_allergies (f->store, "pt-001", &error);
    g_autoptr(GPtrArray) nkda = mar_store_list_allergies (f->store, "pt-002", &error);
    const MarAllergy *a;

    g_assert_no_error (error);
    g_assert_cmpuint (allergies->len, ==, 1);
    a = g_ptr_array_index (allergies, 0);
    g_assert_cmpstr (a->id, ==, "alg-001");
    g_assert_cmpstr (a->patient_id, ==, "pt-001");
    g_assert_cmpstr (a->clinical_status, ==, "active");
    g_assert_cmpstr (a->verification_status, ==, "confirmed");
    g_assert_cmpuint (a->codings->len, ==, 2);
    g_assert_cmpstr (coding_at (a->codings, 0)->code, ==, "7980");
    g_assert_cmpstr (coding_at (a->codings, 1)->code, ==, "373270004");
    g_assert_cmpstr (a->text, ==, "Penicillin");
    g_assert_cmpstr (a->criticality, ==, "high");
    g_assert_cmpstr (a->category, ==, "medication");
    g_assert_cmpstr (a->reactions, ==, "Urticaria, Anaphylaxis");
    g_assert_false (a->removed);

    g_assert_cmpuint (nkda->len, ==, 1);
    a = g_ptr_array_index (nkda, 0);
    g_assert_cmpstr (coding_at (a->codings, 0)->code, ==, "409137002");
    g_assert_cmpstr (a->text, ==, "No known drug allergy");
    g_assert_null (a->verification_status);
    g_assert_null (a->criticality);
  }

  /* Staff: the badge identifier, the name, the role from PractitionerRole. */
  {
    g_autoptr(MarStaff) nurse = mar_store_find_staff_by_badge (f->store, "B1001", &error);
    g_autoptr(MarStaff) gone = mar_store_find_staff_by_badge (f->store, "B1999", &error);
    g_autoptr(MarStaffRole) role = mar_store_get_staff_role (f->store, "role-1", &error);
    g_autoptr(MarStaff) by_npi = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (nurse->id, ==, "prac-nurse-1");
    g_assert_cmpstr (nurse->badge, ==, "B1001");
    g_assert_cmpstr (nurse->name, ==, "Jordan Lee");
    g_assert_true (nurse->active);
    g_assert_cmpint (nurse->role, ==, MAR_ROLE_CHARGE_NURSE);
    g_assert_false (gone->active);
    g_assert_cmpstr (gone->name, ==, "Sam Former");
    g_assert_cmpint (gone->role, ==, MAR_ROLE_NONE);  /* its role is inactive */
    g_assert_cmpstr (role->staff_id, ==, "prac-nurse-1");
    g_assert_cmpstr (role->location_id, ==, "loc-ward-4w");
    g_assert_cmpuint (role->codes->len, ==, 2);
    g_assert_true (role->active);

    by_npi = mar_store_find_staff_by_badge (f->store, "9999999999", &error);
    g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* Administrations charted elsewhere: since a time, plus every running one. */
  {
    g_autoptr(GPtrArray) recent = mar_store_list_administrations (f->store, "pt-001",
                                                                   at (f, "2026-11-19T00:00:00-05:00"),
                                                                   &error);
    g_autoptr(GPtrArray) bag_uses = mar_store_list_administrations_by_bag (f->store, "PL-000123", &error);
    g_autoptr(MarAdministration) older = mar_store_get_administration (f->store, "admin-002", &error);
    const MarAdministration *a;

    g_assert_no_error (error);
    g_assert_cmpuint (recent->len, ==, 2);
    a = g_ptr_array_index (recent, 0);
    g_assert_cmpstr (a->id, ==, "admin-003");  /* on hold since long ago */
    g_assert_cmpstr (a->status, ==, "on-hold");
    g_assert_cmpstr (a->bag_id, ==, "010030409765052121SN0042");
    g_assert_cmpstr (a->product_id, ==, "med-heparin-25k");
    a = g_ptr_array_index (recent, 1);
    g_assert_cmpstr (a->id, ==, "admin-001");
    g_assert_cmpstr (a->version, ==, "1");
    g_assert_cmpstr (a->source, ==, "urn:bedside-mar:terminal:4W-02");
    g_assert_cmpstr (a->patient_id, ==, "pt-001");
    g_assert_cmpstr (a->order_id, ==, "rx-piptazo");
    g_assert_cmpstr (a->order_version, ==, "2");
    g_assert_cmpstr (a->status, ==, "in-progress");
    g_assert_cmpint (a->start, ==, at (f, "2026-11-22T02:05:00-05:00"));
    g_assert_cmpint (a->end, ==, MAR_TIME_UNSET);
    g_assert_cmpint (a->due_time, ==, MAR_TIME_UNSET);
    g_assert_cmpstr (a->bag_id, ==, "PL-000123");
    g_assert_cmpstr (a->product_id, ==, "MedicationAdministration/admin-001#scanned");
    g_assert_cmpstr (a->gtin, ==, "00302068862027");
    assert_quantity (&a->dose, 50, "mL");
    assert_quantity (&a->rate, 100, "mL/h");
    g_assert_cmpstr (a->performer_id, ==, "prac-nurse-1");  /* not the verifier */
    g_assert_false (a->partial);
    g_assert_false (a->removed);

    g_assert_cmpuint (bag_uses->len, ==, 1);
    g_assert_cmpstr (older->source, ==, "import:ward-small.json");
    g_assert_null (older->product_id);
    g_assert_cmpstr (older->order_id, ==, "rx-acet-prn");
    assert_quantity (&older->rate, 100.0 / 15, "mL/min");
    g_assert_cmpint (older->start, ==, at (f, "2026-11-18T09:00:00-05:00"));
  }

  /* The resource as received is kept, unknown fields included. */
  {
    g_autofree char *json = mar_store_dup_resource_json (f->store, "MedicationAdministration",
                                                         "admin-001", &error);

    g_assert_no_error (error);
    g_assert_nonnull (strstr (json, "\"futureField\":{\"kept\":\"ignored\"}"));
    g_assert_true (g_str_has_prefix (json, "{\"resourceType\":\"MedicationAdministration\""));
  }
}

/* ------------------------------------------------------------------ */
/* Re-import, order, rollback, removal                                 */

static char *
ward_text (void)
{
  g_autofree char *path = ward_small_path ();
  g_autoptr(GBytes) bytes = test_file_bytes (path);

  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static char *
replace (const char *text,
         const char *old,
         const char *new)
{
  g_auto(GStrv) parts = g_strsplit (text, old, -1);

  g_assert_cmpuint (g_strv_length (parts), ==, 2);  /* exactly one occurrence */
  return g_strjoinv (new, parts);
}

static void
test_reimport (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *ward = ward_small_path ();
  g_autofree char *text = ward_text ();
  g_autofree char *newer_version = NULL;
  g_autofree char *newer = NULL;
  g_autofree char *older_version = NULL;
  g_autofree char *older = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) patient = NULL;
  MarFhirImportOptions options = options_for (f);
  MarFhirImportStats stats;

  import_ok (f, ward, &stats);
  import_ok (f, ward, &stats);
  for (guint t = 1; t < MAR_FHIR_N_RESOURCE_TYPES; t++)
    {
      g_assert_cmpuint (stats.counts[t].created, ==, 0);
      g_assert_cmpuint (stats.counts[t].updated, ==, 0);
    }
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_MEDICATION_REQUEST].unchanged, ==, 4);

  /* A newer version updates the row in place. */
  newer_version = replace (text, "\"versionId\": \"3\"", "\"versionId\": \"4\"");
  newer = replace (newer_version, "\"family\": \"Rivera\"", "\"family\": \"Rivera-Cruz\"");
  g_assert_true (mar_fhir_import_data (f->store, newer, strlen (newer), "newer.json", &options, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_PATIENT].updated, ==, 1);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_PATIENT].unchanged, ==, 1);
  patient = mar_store_get_patient (f->store, "pt-001", &error);
  g_assert_cmpstr (patient->family, ==, "Rivera-Cruz");
  g_assert_cmpstr (patient->version, ==, "4");
  g_clear_pointer (&patient, mar_patient_free);

  /* An older one never overwrites it. */
  older_version = replace (text, "\"versionId\": \"3\"", "\"versionId\": \"2\"");
  older = replace (older_version, "\"family\": \"Rivera\"", "\"family\": \"Stale\"");
  g_assert_true (mar_fhir_import_data (f->store, older, strlen (older), "older.json", &options, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_PATIENT].updated, ==, 0);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_PATIENT].unchanged, ==, 2);
  patient = mar_store_get_patient (f->store, "pt-001", &error);
  g_assert_cmpstr (patient->family, ==, "Rivera-Cruz");
  g_assert_cmpstr (patient->version, ==, "4");
}

static void
test_order_does_not_matter (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *text = ward_text ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *reversed_text = NULL;
  g_autofree char *other_path = g_build_filename (f->folder, "reversed.db", NULL);
  g_autofree char *forward = NULL;
  g_autofree char *backward = NULL;
  g_autoptr(MarStore) other = NULL;
  MarFhirImportOptions options = options_for (f);
  JsonArray *entries, *reversed;
  JsonObject *bundle;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  bundle = json_node_get_object (json_parser_get_root (parser));
  entries = json_object_get_array_member (bundle, "entry");
  reversed = json_array_new ();
  for (guint i = json_array_get_length (entries); i > 0; i--)
    json_array_add_element (reversed, json_node_copy (json_array_get_element (entries, i - 1)));
  json_object_set_array_member (bundle, "entry", reversed);
  reversed_text = json_to_string (json_parser_get_root (parser), TRUE);

  import_text_ok (f, text);
  other = mar_store_open (other_path, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (mar_fhir_import_data (other, reversed_text, strlen (reversed_text), "inline.json",
                                       &options, NULL, &error));
  g_assert_no_error (error);

  forward = test_database_digest (f->path, NULL);
  backward = test_database_digest (other_path, NULL);
  g_assert_cmpstr (forward, ==, backward);
}

static void
test_rollback (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *ward = ward_small_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) patient = NULL;

  import_ok (f, ward, NULL);

  /* Four good resources and a bad fifth: nothing of it stays. */
  assert_refused (f,
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
    "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p-new\",\"identifier\":[{\"type\":{\"coding\":"
    "[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]},\"value\":\"MRN9\"}]}},"
    "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"pt-002\",\"meta\":{\"versionId\":\"9\"},\"active\":true}},"
    "{\"resource\":{\"resourceType\":\"Location\",\"id\":\"loc-new\",\"name\":\"New\"}},"
    "{\"resource\":{\"resourceType\":\"Practitioner\",\"id\":\"prac-nurse-1\",\"meta\":{\"versionId\":\"7\"},\"active\":false}},"
    "{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"rx-bad\",\"status\":\"active\","
    "\"intent\":\"order\",\"subject\":{\"reference\":\"Patient/p-new\"},"
    "\"medicationCodeableConcept\":{\"text\":\"x\"},\"authoredOn\":\"next tuesday\"}}]}",
    MAR_FHIR_ERROR, MAR_FHIR_ERROR_INVALID,
    "entry[4] MedicationRequest/rx-bad: authoredOn: expected a FHIR date or dateTime, got \"next tuesday\"");

  patient = mar_store_find_patient_by_mrn (f->store, "MRN9", &error);
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
}

static void
test_delete_marks_removed (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *ward = ward_small_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) patient = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  MarFhirImportOptions options = options_for (f);
  MarFhirImportStats stats;
  const char *batch =
    "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
    "{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/pt-002\"}},"
    "{\"request\":{\"method\":\"DELETE\",\"url\":\"MedicationRequest/rx-ns\"}},"
    "{\"request\":{\"method\":\"DELETE\",\"url\":\"Organization/org-1\"}},"
    "{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/never-was\"}},"
    "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/pt-001\"}}]}";

  import_ok (f, ward, NULL);
  g_assert_true (mar_fhir_import_data (f->store, batch, strlen (batch), "batch.json", &options, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_PATIENT].removed, ==, 1);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_PATIENT].unchanged, ==, 1);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_MEDICATION_REQUEST].removed, ==, 1);
  g_assert_cmpuint (stats.skipped, ==, 2);

  /* Marked removed, never deleted (RULES.md, The record). */
  patient = mar_store_find_patient_by_mrn (f->store, "MRN1002", &error);
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  patient = mar_store_get_patient (f->store, "pt-002", &error);
  g_assert_no_error (error);
  g_assert_true (patient->removed);
  orders = mar_store_list_orders (f->store, "pt-001", &error);
  g_assert_cmpuint (orders->len, ==, 3);
}

static void
test_transaction_bundle (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orders = NULL;

  import_text_ok (f,
    "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
    "{\"fullUrl\":\"urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427\","
    " \"resource\":{\"resourceType\":\"Patient\",\"id\":\"t1\"},"
    " \"request\":{\"method\":\"PUT\",\"url\":\"Patient/t1\"}},"
    "{\"fullUrl\":\"urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca428\","
    " \"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"t-rx\",\"status\":\"active\","
    "  \"intent\":\"order\",\"subject\":{\"reference\":\"urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427\"},"
    "  \"medicationCodeableConcept\":{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"11124\"}]}},"
    " \"request\":{\"method\":\"POST\",\"url\":\"MedicationRequest\"}}]}");
  orders = mar_store_list_orders (f->store, "t1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orders->len, ==, 1);
}

static void
test_shift (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *ward = ward_small_path ();
  g_autoptr(GError) error = NULL;
  MarFhirImportOptions options = options_for (f);
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(MarPatient) patient = NULL;
  g_autoptr(MarDispense) dispense = NULL;
  g_autofree char *json = NULL;
  const MarOrder *ns;
  int year, month, day, hour, minute;

  /* 30 days back crosses the end of DST (2026-11-01): 08:00 stays 08:00. */
  options.shift_seconds = -30 * 86400;
  g_assert_true (mar_fhir_import_file (f->store, ward, &options, NULL, &error));
  g_assert_no_error (error);

  orders = mar_store_list_orders (f->store, "pt-001", &error);
  ns = order_named (orders, "rx-ns");
  mar_time_to_local (f->tz, g_array_index (ns->events, gint64, 0), &year, &month, &day, &hour, &minute, NULL);
  g_assert_cmpint (year, ==, 2026);
  g_assert_cmpint (month, ==, 10);
  g_assert_cmpint (day, ==, 23);
  g_assert_cmpint (hour, ==, 8);
  g_assert_cmpint (minute, ==, 0);
  g_assert_cmpint (ns->authored_on, ==, at (f, "2026-10-23"));
  g_assert_cmpint (order_named (orders, "rx-piptazo")->bounds_end, ==, at (f, "2026-10-30T00:00:00-04:00"));

  /* Never the birth date. */
  patient = mar_store_find_patient_by_mrn (f->store, "MRN1001", &error);
  g_assert_cmpstr (patient->birth_date, ==, "1956-03-14");
  g_assert_cmpint (patient->weight_time, ==, at (f, "2026-10-22T08:00:00-04:00"));

  /* Text dates move too, and the stored JSON says the same. */
  dispense = mar_store_find_dispense_by_label (f->store, "PL-000123", &error);
  g_assert_cmpstr (dispense->beyond_use, ==, "2026-10-24T02:00:00-04:00");
  json = mar_store_dup_resource_json (f->store, "Patient", "pt-001", &error);
  g_assert_nonnull (strstr (json, "\"lastUpdated\":\"2026-10-22T07:00:00-04:00\""));
  g_assert_nonnull (strstr (json, "\"birthDate\":\"1956-03-14\""));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------ */
/* What breaks the profile (docs/fhir-import.md)                       */

#define MR_TYPE "{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]}"
#define PATIENT(id) \
  "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"" id "\",\"identifier\":[{\"type\":" MR_TYPE \
  ",\"value\":\"MRN-" id "\"}]}}"
#define BUNDLE(entries) "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[" entries "]}"
#define ORDER(body) \
  "{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"o1\"," body "}}"
#define ORDER_OK_FIELDS \
  "\"status\":\"active\",\"intent\":\"order\",\"subject\":{\"reference\":\"Patient/p1\"}," \
  "\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"11124\"}]}"

typedef struct
{
  const char *name;
  const char *bundle;
  int         code;
  const char *message;
} Refusal;

static const Refusal refusals[] = {
  { "patient-without-id",
    BUNDLE ("{\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"X\"}]}}"),
    MAR_FHIR_ERROR_INVALID,
    "entry[0] Patient without id: id: missing (every resource needs the server's id; an entry that "
    "asks the server to assign one cannot be cached)" },
  { "bad-id",
    BUNDLE ("{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p 1\"}}"),
    MAR_FHIR_ERROR_INVALID, "entry[0] Patient/p 1: id: \"p 1\" is not a FHIR id" },
  { "request-without-subject",
    BUNDLE (PATIENT ("p1") "," ORDER ("\"status\":\"active\",\"intent\":\"order\","
                                      "\"medicationCodeableConcept\":{\"text\":\"x\"}")),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] MedicationRequest/o1: subject: missing (a reference to a Patient is required)" },
  { "request-without-status",
    BUNDLE (PATIENT ("p1") "," ORDER ("\"intent\":\"order\",\"subject\":{\"reference\":\"Patient/p1\"},"
                                      "\"medicationCodeableConcept\":{\"text\":\"x\"}")),
    MAR_FHIR_ERROR_INVALID, "entry[1] MedicationRequest/o1: status: missing" },
  { "request-unknown-status",
    BUNDLE (PATIENT ("p1") "," ORDER ("\"status\":\"paused\",\"intent\":\"order\","
                                      "\"subject\":{\"reference\":\"Patient/p1\"},"
                                      "\"medicationCodeableConcept\":{\"text\":\"x\"}")),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] MedicationRequest/o1: status: \"paused\" is not one of active, on-hold, cancelled, "
    "stopped, completed, entered-in-error, draft" },
  { "request-without-intent",
    BUNDLE (PATIENT ("p1") "," ORDER ("\"status\":\"active\",\"subject\":{\"reference\":\"Patient/p1\"},"
                                      "\"medicationCodeableConcept\":{\"text\":\"x\"}")),
    MAR_FHIR_ERROR_INVALID, "entry[1] MedicationRequest/o1: intent: missing" },
  { "request-without-medication",
    BUNDLE (PATIENT ("p1") "," ORDER ("\"status\":\"active\",\"intent\":\"order\","
                                      "\"subject\":{\"reference\":\"Patient/p1\"}")),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] MedicationRequest/o1: medication[x]: missing (medicationCodeableConcept or "
    "medicationReference)" },
  { "gtin-check-digit",
    BUNDLE ("{\"resource\":{\"resourceType\":\"Medication\",\"id\":\"m1\",\"code\":{\"coding\":["
            "{\"system\":\"http://hl7.org/fhir/sid/ndc\",\"code\":\"0409-7650-52\"},"
            "{\"system\":\"https://www.gs1.org/gtin\",\"code\":\"00304097650522\"}]}}}"),
    MAR_FHIR_ERROR_INVALID,
    "entry[0] Medication/m1: code.coding[1].code: \"00304097650522\" is not a GTIN (8, 12, 13 or "
    "14 digits with a valid GS1 check digit)" },
  { "gtin-length",
    BUNDLE ("{\"resource\":{\"resourceType\":\"Medication\",\"id\":\"m1\",\"code\":{\"coding\":["
            "{\"system\":\"https://www.gs1.org/gtin\",\"code\":\"3040976505\"}]}}}"),
    MAR_FHIR_ERROR_INVALID,
    "entry[0] Medication/m1: code.coding[0].code: \"3040976505\" is not a GTIN (8, 12, 13 or 14 "
    "digits with a valid GS1 check digit)" },
  { "ndc-malformed",
    BUNDLE ("{\"resource\":{\"resourceType\":\"Medication\",\"id\":\"m1\",\"code\":{\"coding\":["
            "{\"system\":\"http://hl7.org/fhir/sid/ndc\",\"code\":\"409-7650-52\"}]}}}"),
    MAR_FHIR_ERROR_INVALID,
    "entry[0] Medication/m1: code.coding[0].code: \"409-7650-52\" is not an NDC (4-4-2, 5-3-2, "
    "5-4-1 or 5-4-2 digits)" },
  { "gsrn-check-digit",
    BUNDLE ("{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\",\"identifier\":["
            "{\"system\":\"https://www.gs1.org/gsrn\",\"value\":\"806141411234567890\"}]}}"),
    MAR_FHIR_ERROR_INVALID,
    "entry[0] Patient/p1: identifier[0].value: \"806141411234567890\" is not a GS1 GSRN (18 digits "
    "with a valid check digit)" },
  { "reference-to-nothing",
    BUNDLE (ORDER ("\"status\":\"active\",\"intent\":\"order\",\"subject\":{\"reference\":\"Patient/ghost\"},"
                   "\"medicationCodeableConcept\":{\"text\":\"x\"}")),
    MAR_FHIR_ERROR_UNRESOLVED,
    "entry[0] MedicationRequest/o1: subject.reference: \"Patient/ghost\" names a Patient that is "
    "neither in this data nor in the cache" },
  { "urn-uuid-to-nothing",
    BUNDLE (ORDER ("\"status\":\"active\",\"intent\":\"order\","
                   "\"subject\":{\"reference\":\"urn:uuid:9a1f0c1e-0000-4000-8000-000000000001\"},"
                   "\"medicationCodeableConcept\":{\"text\":\"x\"}")),
    MAR_FHIR_ERROR_INVALID,
    "entry[0] MedicationRequest/o1: subject.reference: \"urn:uuid:9a1f0c1e-0000-4000-8000-000000000001\" "
    "names no entry of this bundle" },
  { "subject-of-another-type",
    BUNDLE (ORDER ("\"status\":\"active\",\"intent\":\"order\",\"subject\":{\"reference\":\"Group/ward\"},"
                   "\"medicationCodeableConcept\":{\"text\":\"x\"}")),
    MAR_FHIR_ERROR_INVALID,
    "entry[0] MedicationRequest/o1: subject.reference: expected a reference to a Patient, got "
    "\"Group/ward\"" },
  { "conditional-subject",
    BUNDLE (ORDER ("\"status\":\"active\",\"intent\":\"order\","
                   "\"subject\":{\"reference\":\"Patient?identifier=MRN1\"},"
                   "\"medicationCodeableConcept\":{\"text\":\"x\"}")),
    MAR_FHIR_ERROR_INVALID,
    "entry[0] MedicationRequest/o1: subject.reference: \"Patient?identifier=MRN1\" is not a "
    "reference this terminal can follow" },
  { "contained-to-nothing",
    BUNDLE (PATIENT ("p1") "," ORDER ("\"status\":\"active\",\"intent\":\"order\","
                                      "\"subject\":{\"reference\":\"Patient/p1\"},"
                                      "\"medicationReference\":{\"reference\":\"#med9\"}")),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] MedicationRequest/o1: medicationReference.reference: \"#med9\" names no contained "
    "resource" },
  { "catalog-medication-to-nothing",
    BUNDLE (PATIENT ("p1") "," ORDER ("\"status\":\"active\",\"intent\":\"order\","
                                      "\"subject\":{\"reference\":\"Patient/p1\"},"
                                      "\"medicationReference\":{\"reference\":\"Medication/none\"}")),
    MAR_FHIR_ERROR_UNRESOLVED,
    "entry[1] MedicationRequest/o1: medicationReference.reference: \"Medication/none\" names a "
    "Medication that is neither in this data nor in the cache" },
  { "time-of-day",
    BUNDLE (PATIENT ("p1") "," ORDER (ORDER_OK_FIELDS ",\"dosageInstruction\":[{\"timing\":{\"repeat\":"
                                      "{\"frequency\":2,\"period\":1,\"periodUnit\":\"d\","
                                      "\"timeOfDay\":[\"08:00:00\",\"8pm\"]}}}]")),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] MedicationRequest/o1: dosageInstruction[0].timing.repeat.timeOfDay[1]: expected a "
    "time of day (hh:mm:ss), got \"8pm\"" },
  { "period-unit",
    BUNDLE (PATIENT ("p1") "," ORDER (ORDER_OK_FIELDS ",\"dosageInstruction\":[{\"timing\":{\"repeat\":"
                                      "{\"frequency\":1,\"period\":8,\"periodUnit\":\"hours\"}}}]")),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] MedicationRequest/o1: dosageInstruction[0].timing.repeat.periodUnit: \"hours\" is not "
    "one of s, min, h, d, wk, mo, a" },
  { "rate-over-zero",
    BUNDLE (PATIENT ("p1") "," ORDER (ORDER_OK_FIELDS ",\"dosageInstruction\":[{\"doseAndRate\":[{"
                                      "\"rateRatio\":{\"numerator\":{\"value\":100,\"code\":\"mL\"},"
                                      "\"denominator\":{\"value\":0,\"code\":\"h\"}}}]}]")),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] MedicationRequest/o1: dosageInstruction[0].doseAndRate[0].rateRatio.denominator.value: "
    "a ratio cannot be over zero" },
  { "event-not-a-date",
    BUNDLE (PATIENT ("p1") "," ORDER (ORDER_OK_FIELDS ",\"dosageInstruction\":[{\"timing\":"
                                      "{\"event\":[\"2026-11-22T08:00:00-05:00\",\"2026-13-01\"]}}]")),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] MedicationRequest/o1: dosageInstruction[0].timing.event[1]: expected a FHIR date or "
    "dateTime, got \"2026-13-01\"" },
  { "weight-unit",
    BUNDLE (PATIENT ("p1") ",{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"w1\","
            "\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"29463-7\"}]},"
            "\"subject\":{\"reference\":\"Patient/p1\"},\"effectiveDateTime\":\"2026-11-21\","
            "\"valueQuantity\":{\"value\":11,\"code\":\"[stone_av]\"}}}"),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] Observation/w1: valueQuantity.code: \"[stone_av]\" is not a unit of body weight this "
    "terminal reads (kg, g, [lb_av], [oz_av])" },
  { "weight-without-time",
    BUNDLE (PATIENT ("p1") ",{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"w1\","
            "\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"29463-7\"}]},"
            "\"subject\":{\"reference\":\"Patient/p1\"},\"valueQuantity\":{\"value\":70,\"code\":\"kg\"}}}"),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] Observation/w1: effective[x]: missing (a body weight needs the time it was measured)" },
  { "dispense-without-subject",
    BUNDLE ("{\"resource\":{\"resourceType\":\"MedicationDispense\",\"id\":\"d1\",\"status\":\"completed\","
            "\"medicationCodeableConcept\":{\"text\":\"x\"}}}"),
    MAR_FHIR_ERROR_INVALID,
    "entry[0] MedicationDispense/d1: subject: missing (a reference to a Patient is required)" },
  { "allergy-criticality",
    BUNDLE (PATIENT ("p1") ",{\"resource\":{\"resourceType\":\"AllergyIntolerance\",\"id\":\"a1\","
            "\"patient\":{\"reference\":\"Patient/p1\"},\"criticality\":\"severe\"}}"),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] AllergyIntolerance/a1: criticality: \"severe\" is not one of low, high, unable-to-assess" },
  { "allergy-verification",
    BUNDLE (PATIENT ("p1") ",{\"resource\":{\"resourceType\":\"AllergyIntolerance\",\"id\":\"a1\","
            "\"patient\":{\"reference\":\"Patient/p1\"},\"verificationStatus\":{\"coding\":[{\"system\":"
            "\"http://terminology.hl7.org/CodeSystem/allergyintolerance-verification\",\"code\":\"maybe\"}]}}}"),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] AllergyIntolerance/a1: verificationStatus: \"maybe\" is not one of unconfirmed, "
    "confirmed, refuted, entered-in-error" },
  { "encounter-without-status",
    BUNDLE (PATIENT ("p1") ",{\"resource\":{\"resourceType\":\"Encounter\",\"id\":\"e1\","
            "\"subject\":{\"reference\":\"Patient/p1\"}}}"),
    MAR_FHIR_ERROR_INVALID, "entry[1] Encounter/e1: status: missing" },
  { "role-without-practitioner",
    BUNDLE ("{\"resource\":{\"resourceType\":\"PractitionerRole\",\"id\":\"r1\","
            "\"practitioner\":{\"reference\":\"Practitioner/nobody\"}}}"),
    MAR_FHIR_ERROR_UNRESOLVED,
    "entry[0] PractitionerRole/r1: practitioner.reference: \"Practitioner/nobody\" names a "
    "Practitioner that is neither in this data nor in the cache" },
  { "administration-without-time",
    BUNDLE (PATIENT ("p1") ",{\"resource\":{\"resourceType\":\"MedicationAdministration\",\"id\":\"a1\","
            "\"status\":\"completed\",\"subject\":{\"reference\":\"Patient/p1\"},"
            "\"medicationCodeableConcept\":{\"text\":\"x\"}}}"),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] MedicationAdministration/a1: effective[x]: missing (effectiveDateTime or "
    "effectivePeriod.start)" },
  { "gender",
    BUNDLE ("{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"F\"}}"),
    MAR_FHIR_ERROR_INVALID, "entry[0] Patient/p1: gender: \"F\" is not one of male, female, other, unknown" },
  { "birth-date-with-time",
    BUNDLE ("{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\",\"birthDate\":\"1956-03-14T10:00:00Z\"}}"),
    MAR_FHIR_ERROR_INVALID,
    "entry[0] Patient/p1: birthDate: expected a FHIR date, got \"1956-03-14T10:00:00Z\"" },
  { "active-not-boolean",
    BUNDLE ("{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\",\"active\":\"yes\"}}"),
    MAR_FHIR_ERROR_INVALID, "entry[0] Patient/p1: active: expected true or false, got \"yes\"" },
  { "infinite-number",
    BUNDLE (PATIENT ("p1") "," ORDER (ORDER_OK_FIELDS ",\"dosageInstruction\":[{\"doseAndRate\":[{"
                                      "\"doseQuantity\":{\"value\":1e400,\"code\":\"mg\"}}]}]")),
    MAR_FHIR_ERROR_INVALID,
    "entry[1] MedicationRequest/o1: dosageInstruction[0].doseAndRate[0].doseQuantity.value: "
    "expected a finite number" },
};

static void
test_refusal (Fixture       *f,
              gconstpointer  data)
{
  const Refusal *refusal = data;
  g_autofree char *ward = ward_small_path ();

  /* Refused on top of a ward, so "unchanged" means something. */
  import_ok (f, ward, NULL);
  assert_refused (f, refusal->bundle, MAR_FHIR_ERROR, refusal->code, refusal->message);
}

/* The example of issue 3, down to the entry index. */
static void
test_refusal_names_entry_and_field (Fixture       *f,
                                    gconstpointer  data)
{
  assert_refused (f,
    BUNDLE (PATIENT ("p0") "," PATIENT ("p1") "," PATIENT ("p2") "," PATIENT ("p3") "," PATIENT ("p4") ","
            PATIENT ("p5") "," PATIENT ("p6") "," PATIENT ("p7") "," PATIENT ("p8") "," PATIENT ("p9") ","
            PATIENT ("p10") "," PATIENT ("p11") ","
            "{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"medrx0318\","
            "\"status\":\"active\",\"intent\":\"order\",\"subject\":{\"reference\":\"Patient/p3\"},"
            "\"medicationCodeableConcept\":{\"text\":\"vancomycin\"},"
            "\"dosageInstruction\":[{\"doseAndRate\":[{\"doseQuantity\":{\"value\":\"five\",\"code\":\"mg\"}}]}]}}"),
    MAR_FHIR_ERROR, MAR_FHIR_ERROR_INVALID,
    "entry[12] MedicationRequest/medrx0318: dosageInstruction[0].doseAndRate[0].doseQuantity.value: "
    "expected a number, got \"five\"");
}

/* References FHIR-PROFILE.md lets dangle. */
static void
test_references_that_may_dangle (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarAdministration) administration = NULL;
  g_autoptr(MarDispense) dispense = NULL;
  g_autoptr(MarPatient) patient = NULL;

  import_text_ok (f,
    BUNDLE (PATIENT ("p1") ","
            "{\"resource\":{\"resourceType\":\"MedicationAdministration\",\"id\":\"a1\",\"status\":\"completed\","
            "\"subject\":{\"reference\":\"Patient/p1\"},\"medicationReference\":{\"reference\":\"Medication/elsewhere\"},"
            "\"effectiveDateTime\":\"2026-11-22T08:00:00Z\",\"request\":{\"reference\":\"MedicationRequest/old\"},"
            "\"performer\":[{\"actor\":{\"reference\":\"Practitioner/agency-nurse\"}}],"
            "\"context\":{\"reference\":\"Encounter/elsewhere\"}}},"
            "{\"resource\":{\"resourceType\":\"MedicationDispense\",\"id\":\"d1\",\"status\":\"completed\","
            "\"identifier\":[{\"system\":\"urn:bedside-mar:pharmacy-label\",\"value\":\"PL-9\"}],"
            "\"subject\":{\"reference\":\"Patient/p1\"},\"authorizingPrescription\":[{\"reference\":\"MedicationRequest/not-pulled\"}],"
            "\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"11124\"}],\"text\":\"vancomycin 1 g\"}}},"
            "{\"resource\":{\"resourceType\":\"Encounter\",\"id\":\"e1\",\"status\":\"in-progress\","
            "\"subject\":{\"reference\":\"Patient/p1\"},\"location\":[{\"location\":{\"reference\":\"Location/unknown-bed\"}}]}}"));

  administration = mar_store_get_administration (f->store, "a1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (administration->product_id, ==, "elsewhere");
  g_assert_cmpstr (administration->order_id, ==, "old");
  g_assert_cmpstr (administration->performer_id, ==, "agency-nurse");

  /* A coded-only bag gets its own product, never a catalog one. */
  dispense = mar_store_find_dispense_by_label (f->store, "PL-9", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dispense->order_id, ==, "not-pulled");
  g_assert_cmpstr (dispense->product_id, ==, "MedicationDispense/d1#medicationCodeableConcept");
  {
    g_autoptr(MarProduct) product = mar_store_get_product (f->store, dispense->product_id, &error);

    g_assert_no_error (error);
    g_assert_false (product->catalog);
    g_assert_cmpstr (product->name, ==, "vancomycin 1 g");
    g_assert_cmpstr (coding_at (product->codes, 0)->code, ==, "11124");
  }

  patient = mar_store_get_patient (f->store, "p1", &error);
  g_assert_cmpstr (patient->bed_id, ==, "unknown-bed");
  g_assert_null (patient->unit_id);
}

static void
test_unknown_fields (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) patient = NULL;
  MarFhirImportOptions options = options_for (f);
  MarFhirImportStats stats;
  const char *text =
    BUNDLE ("{\"fullUrl\":\"x\",\"search\":{\"mode\":\"match\"},\"unknownEntryField\":1,"
            "\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\","
            "\"identifier\":[{\"type\":" MR_TYPE ",\"value\":\"M1\",\"period\":{\"start\":\"2001\"},\"x\":[1,2]}],"
            "\"modifierExtension\":[{\"url\":\"http://example.org/x\",\"valueBoolean\":true}],"
            "\"_gender\":{\"extension\":[]},\"gender\":\"other\",\"newR6Field\":{\"deep\":{\"deeper\":null}},"
            "\"name\":[{\"family\":\"Q\",\"given\":[\"A\"],\"suffix\":[\"Jr\"],\"_family\":{}}]}},"
            "{\"resource\":{\"resourceType\":\"Organization\",\"id\":\"o\"}},"
            "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"c\",\"subject\":{\"reference\":\"Patient/p1\"}}},"
            "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"hr\",\"status\":\"final\","
            "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},\"valueQuantity\":{\"value\":\"n/a\"}}}");

  g_assert_true (mar_fhir_import_data (f->store, text, strlen (text), "unknown.json", &options, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.skipped, ==, 3);
  patient = mar_store_find_patient_by_mrn (f->store, "M1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (patient->gender, ==, "other");
}

/* ------------------------------------------------------------------ */
/* Files that are not FHIR data                                         */

static void
test_malformed_files (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *ward = ward_text ();
  const char not_utf8[] = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{\"family\":\"M\xfcller\"}]}";
  const char with_nul[] = "{\"resourceType\":\"Patient\",\0\"id\":\"p1\"}";

  import_text_ok (f, ward);

  assert_import_refused (f, not_utf8, sizeof not_utf8 - 1, MAR_FHIR_IMPORT_ERROR,
                         MAR_FHIR_IMPORT_ERROR_NOT_UTF8,
                         "inline.json is not UTF-8 text (line 1, byte 56): FHIR JSON must be UTF-8; "
                         "nothing was imported");
  assert_import_refused (f, with_nul, sizeof with_nul - 1, MAR_FHIR_IMPORT_ERROR,
                         MAR_FHIR_IMPORT_ERROR_NOT_UTF8,
                         "inline.json contains a NUL byte (line 1, byte 26): it is not a FHIR JSON "
                         "text file; nothing was imported");
  /* Cut short half way. */
  assert_import_refused (f, ward, strlen (ward) / 2, MAR_FHIR_IMPORT_ERROR,
                         MAR_FHIR_IMPORT_ERROR_NOT_JSON, "…the JSON is damaged or cut short");
  assert_import_refused (f, "", 0, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_EMPTY,
                         "inline.json is empty; nothing was imported");
  assert_refused (f, " \n\t\n", MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_EMPTY,
                  "inline.json is empty; nothing was imported");
  assert_refused (f, "[{\"resourceType\":\"Patient\",\"id\":\"p1\"}]", MAR_FHIR_IMPORT_ERROR,
                  MAR_FHIR_IMPORT_ERROR_NOT_FHIR,
                  "inline.json is JSON but not a FHIR resource or Bundle (no resourceType); nothing "
                  "was imported");
  assert_refused (f, "{\"patients\":[]}", MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_FHIR,
                  "inline.json is JSON but not a FHIR resource or Bundle (no resourceType); nothing "
                  "was imported");
  assert_refused (f, "{\n \"resourceType\": \"Patient\", \"id\": \"a\"\n}\n{\n \"resourceType\": \"Patient\", \"id\": \"b\"\n}\n",
                  MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_JSON,
                  "inline.json: more text follows the end of the JSON document (line 3): a JSON file "
                  "holds one document (an NDJSON file one resource per line); nothing was imported");
  assert_refused (f, "{\"resourceType\": \"Patient\", \"id\": \"a\"} trailing words",
                  MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_JSON,
                  "inline.json: more text follows the end of the JSON document (line 1): a JSON file "
                  "holds one document (an NDJSON file one resource per line); nothing was imported");
  assert_refused (f, "{\"resourceType\": \"Patient\", \"id\": \"a}{\\\"\"}",
                  MAR_FHIR_ERROR, MAR_FHIR_ERROR_INVALID,
                  "Patient/a}{\": id: \"a}{\"\" is not a FHIR id");
  assert_refused (f, "{\"resourceType\":\"Organization\",\"id\":\"o1\"}", MAR_FHIR_IMPORT_ERROR,
                  MAR_FHIR_IMPORT_ERROR_NOT_FHIR,
                  "inline.json holds a resource of type Organization, which this terminal does not "
                  "read; nothing was imported");
  assert_refused (f, "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":[]}", MAR_FHIR_IMPORT_ERROR,
                  MAR_FHIR_IMPORT_ERROR_BUNDLE,
                  "inline.json: Bundle.type: \"history\" cannot be imported (a collection, batch, "
                  "transaction or searchset can); nothing was imported");
  assert_refused (f, "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":{}}", MAR_FHIR_IMPORT_ERROR,
                  MAR_FHIR_IMPORT_ERROR_NOT_FHIR,
                  "inline.json: Bundle.entry: expected a list; nothing was imported");
  assert_refused (f, "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"id\":\"x\"}}]}",
                  MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_FHIR,
                  "inline.json: entry[0].resource: not a FHIR resource (no resourceType); nothing was "
                  "imported");
  assert_refused (f, "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"resource\":"
                  "{\"resourceType\":\"Patient\",\"id\":\"pt-001\"},\"request\":{\"method\":\"PATCH\",\"url\":\"Patient/pt-001\"}}]}",
                  MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_BUNDLE,
                  "inline.json: entry[0]: request.method: a PATCH cannot be applied by an import (send "
                  "the whole resource with PUT); nothing was imported");
  assert_refused (f, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
                  "{\"method\":\"DELETE\",\"url\":\"Patient?identifier=MRN1001\"}}]}",
                  MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_BUNDLE,
                  "inline.json: entry[0]: request.url: \"Patient?identifier=MRN1001\" does not name one "
                  "resource (Type/id; conditional deletes are not supported); nothing was imported");
}

static void
test_ndjson (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) patient = NULL;
  MarFhirImportOptions options = options_for (f);
  MarFhirImportStats stats;
  const char *crlf =
    "{\"resourceType\":\"Patient\",\"id\":\"a\",\"identifier\":[{\"type\":" MR_TYPE ",\"value\":\"MA\"}]}\r\n"
    "\r\n"
    "{\"resourceType\":\"Patient\",\"id\":\"b\",\"identifier\":[{\"type\":" MR_TYPE ",\"value\":\"MB\"}]}\r\n";

  g_assert_true (mar_fhir_import_data (f->store, crlf, strlen (crlf), "p.ndjson", &options, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.counts[MAR_FHIR_RESOURCE_PATIENT].created, ==, 2);
  patient = mar_store_find_patient_by_mrn (f->store, "MB", &error);
  g_assert_no_error (error);

  /* NDJSON without the extension is told by its shape. */
  assert_refused (f,
                  "{\"resourceType\":\"Patient\",\"id\":\"c\"}\n"
                  "{\"resourceType\":\"Patient\",\"id\":\"d\"\n"
                  "{\"resourceType\":\"Patient\",\"id\":\"e\"}\n",
                  MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_JSON,
                  "…inline.json: line 2: the JSON is damaged or cut short");
  assert_refused (f,
                  "{\"resourceType\":\"Patient\",\"id\":\"c\"}\n"
                  "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}\n",
                  MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_FHIR,
                  "inline.json: line 2: a Bundle inside an NDJSON file (NDJSON holds one resource per "
                  "line); nothing was imported");
  assert_refused (f,
                  "{\"resourceType\":\"Patient\",\"id\":\"c\"}\n"
                  "{\"resourceType\":\"Patient\",\"id\":\"d\",\"gender\":\"F\"}\n",
                  MAR_FHIR_ERROR, MAR_FHIR_ERROR_INVALID,
                  "line 2 Patient/d: gender: \"F\" is not one of male, female, other, unknown");
}

static void
test_files_on_disk (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->folder, "missing.json", NULL);
  g_autofree char *huge = g_build_filename (f->folder, "huge.json", NULL);
  g_autofree char *empty = g_build_filename (f->folder, "empty.json", NULL);
  g_autofree char *before = test_database_digest (f->path, NULL);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  MarFhirImportOptions options = options_for (f);
  int fd;

  g_assert_false (mar_fhir_import_file (f->store, missing, &options, NULL, &error));
  g_assert_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "There is no file"));
  g_clear_error (&error);

  g_assert_false (mar_fhir_import_file (f->store, f->folder, &options, NULL, &error));
  g_assert_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_A_FILE);
  g_assert_nonnull (strstr (error->message, "is a folder"));
  g_clear_error (&error);

  g_assert_false (mar_fhir_import_file (f->store, "/dev/zero", &options, NULL, &error));
  g_assert_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_A_FILE);
  g_clear_error (&error);

  /* A sparse file above the limit: refused before a byte is read. */
  fd = g_open (huge, O_CREAT | O_WRONLY, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) MAR_FHIR_IMPORT_MAX_SIZE + 1), ==, 0);
  close (fd);
  g_assert_false (mar_fhir_import_file (f->store, huge, &options, NULL, &error));
  g_assert_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "is larger than 256 MiB"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_false (mar_fhir_import_file (f->store, empty, &options, NULL, &error));
  g_assert_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_EMPTY);

  after = test_database_digest (f->path, NULL);
  g_assert_cmpstr (before, ==, after);
}

/* ------------------------------------------------------------------ */
/* Pieces                                                              */

static void
test_parse_reference (void)
{
  g_autoptr(GHashTable) full_urls = g_hash_table_new (g_str_hash, g_str_equal);
  struct { const char *text; const char *type; const char *id; const char *version; } good[] = {
    { "Patient/123", "Patient", "123", NULL },
    { "Patient/123/_history/4", "Patient", "123", "4" },
    { "https://fhir.example.org/r4/Patient/abc-1.2", "Patient", "abc-1.2", NULL },
    { "https://fhir.example.org/r4/MedicationRequest/rx/_history/2", "MedicationRequest", "rx", "2" },
    { "urn:uuid:6f1c2e0a-2b1d-4c39-9a7e-0d5b8a1f0001", "Patient", "pt-001", NULL },
  };
  const char *bad[] = {
    "", "#med1", "Patient", "Patient/", "patient/123", "Patient/12 3",
    "Patient?identifier=x|1", "urn:uuid:00000000-0000-0000-0000-000000000000",
    "urn:oid:1.2.3", "https://host", "Patient/123/_history/",
  };

  g_hash_table_insert (full_urls, "urn:uuid:6f1c2e0a-2b1d-4c39-9a7e-0d5b8a1f0001", "Patient/pt-001");
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *type = NULL, *id = NULL, *version = NULL;

      g_assert_true (mar_fhir_parse_reference (good[i].text, full_urls, &type, &id, &version));
      g_assert_cmpstr (type, ==, good[i].type);
      g_assert_cmpstr (id, ==, good[i].id);
      g_assert_cmpstr (version, ==, good[i].version);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *type = NULL, *id = NULL, *version = NULL;

      g_test_message ("%s", bad[i]);
      g_assert_false (mar_fhir_parse_reference (bad[i], full_urls, &type, &id, &version));
      g_assert_null (type);
      g_assert_null (id);
      g_assert_null (version);
    }
}

static void
test_json_numbers (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;

  g_assert_true (json_parser_load_from_data (parser,
    "{\"a\":0.1,\"b\":33.33,\"c\":12345678901234,\"d\":1.0,\"e\":-2.5e-7,\"f\":\"M\\u00fcller \\\"x\\\"\\n\\u0001\","
    "\"g\":[true,false,null]}", -1, NULL));
  text = mar_fhir_node_to_string (json_parser_get_root (parser));
  g_assert_cmpstr (text, ==,
                   "{\"a\":0.1,\"b\":33.33,\"c\":12345678901234,\"d\":1,\"e\":-2.5e-07,"
                   "\"f\":\"M\xc3\xbcller \\\"x\\\"\\n\\u0001\",\"g\":[true,false,null]}");
}

static void
test_patient_id_for_quarantine (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) full_urls = g_hash_table_new (g_str_hash, g_str_equal);
  struct { const char *json; const char *patient; } cases[] = {
    { "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"F\"}", "p1" },
    { "{\"resourceType\":\"MedicationRequest\",\"status\":\"??\",\"subject\":{\"reference\":\"Patient/p2\"}}", "p2" },
    { "{\"resourceType\":\"AllergyIntolerance\",\"patient\":{\"reference\":\"urn:uuid:1\"}}", "p3" },
    { "{\"resourceType\":\"MedicationRequest\",\"subject\":{\"reference\":\"Group/g\"}}", NULL },
    { "{\"resourceType\":\"Practitioner\",\"id\":\"n1\"}", NULL },
  };

  g_hash_table_insert (full_urls, "urn:uuid:1", "Patient/p3");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *patient = NULL;

      g_assert_true (json_parser_load_from_data (parser, cases[i].json, -1, NULL));
      patient = mar_fhir_dup_patient_id (json_node_get_object (json_parser_get_root (parser)), full_urls);
      g_assert_cmpstr (patient, ==, cases[i].patient);
    }
}

static void
test_resource_types (void)
{
  for (int t = 1; t < MAR_FHIR_N_RESOURCE_TYPES; t++)
    g_assert_cmpint (mar_fhir_resource_type_from_name (mar_fhir_resource_type_to_name (t)), ==, t);
  g_assert_cmpint (mar_fhir_resource_type_from_name ("Organization"), ==, MAR_FHIR_RESOURCE_UNKNOWN);
  g_assert_cmpint (mar_fhir_resource_type_from_name (NULL), ==, MAR_FHIR_RESOURCE_UNKNOWN);
}

int
main (int   argc,
      char *argv[])
{
  /* Each fixture makes its own folder (g_dir_make_tmp); not
   * G_TEST_OPTION_ISOLATE_DIRS, whose g_set_user_dirs() leaks in GLib 2.74
   * and would fail the AddressSanitizer run. */
  g_test_init (&argc, &argv, NULL);

  TEST_F ("/core/fhir-import/hl7-examples", test_hl7_examples);
  TEST_F ("/core/fhir-import/hl7-examples/request-without-patient", test_hl7_request_without_patient);
  TEST_F ("/core/fhir-import/synthea", test_synthea);
  TEST_F ("/core/fhir-import/ward-small/read-back", test_ward_small_read_back);
  TEST_F ("/core/fhir-import/reimport", test_reimport);
  TEST_F ("/core/fhir-import/order-does-not-matter", test_order_does_not_matter);
  TEST_F ("/core/fhir-import/rollback", test_rollback);
  TEST_F ("/core/fhir-import/delete-marks-removed", test_delete_marks_removed);
  TEST_F ("/core/fhir-import/transaction-bundle", test_transaction_bundle);
  TEST_F ("/core/fhir-import/shift", test_shift);
  TEST_F ("/core/fhir-import/refused/names-entry-and-field", test_refusal_names_entry_and_field);
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/fhir-import/refused/%s", refusals[i].name);
      g_test_add (path, Fixture, &refusals[i], fixture_setup, test_refusal, fixture_teardown);
    }
  TEST_F ("/core/fhir-import/references-that-may-dangle", test_references_that_may_dangle);
  TEST_F ("/core/fhir-import/unknown-fields", test_unknown_fields);
  TEST_F ("/core/fhir-import/malformed-files", test_malformed_files);
  TEST_F ("/core/fhir-import/ndjson", test_ndjson);
  TEST_F ("/core/fhir-import/files-on-disk", test_files_on_disk);
  g_test_add_func ("/core/fhir/parse-reference", test_parse_reference);
  g_test_add_func ("/core/fhir/json-numbers", test_json_numbers);
  g_test_add_func ("/core/fhir/resource-types", test_resource_types);
  g_test_add_func ("/core/fhir/patient-id-for-quarantine", test_patient_id_for_quarantine);

  return g_test_run ();
}
