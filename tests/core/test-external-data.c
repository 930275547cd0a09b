/* test-external-data.c — verdicts on data we did not write
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 3: the verification gives RULES.md's verdicts on the official HL7
 * FHIR R4 examples and on Synthea's records, imported as they are, with
 * only a small catalog of our own (tests/data/bundles/external-catalog.json)
 * for the products a nurse would scan.
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "mar-fhir-import.h"
#include "mar-time.h"
#include "mar-verifier.h"
#include "store-test-util.h"

typedef struct
{
  char        *folder;
  MarStore    *store;
  GTimeZone   *tz;
  gint64       now;
} Fixture;

static void
fixture_open (Fixture    *f,
              const char *now)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->folder = test_make_folder ();
  path = g_build_filename (f->folder, "mar.db", NULL);
  f->tz = g_time_zone_new_identifier ("America/New_York");
  g_assert_true (mar_time_parse_user (now, f->tz, &f->now));
  f->store = mar_store_open (path, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->tz, g_time_zone_unref);
  test_remove_folder (f->folder);
  g_free (f->folder);
}

static void
import (Fixture    *f,
        const char *first,
        ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *path = NULL;
  MarFhirImportOptions options = { .time_zone = f->tz, .now = f->now - 60 };
  va_list args;

  g_ptr_array_add (parts, (char *) g_test_get_dir (G_TEST_DIST));
  g_ptr_array_add (parts, (char *) "data");
  va_start (args, first);
  for (const char *p = first; p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (parts, (char *) p);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  path = g_build_filenamev ((char **) parts->pdata);

  g_assert_true (mar_fhir_import_file (f->store, path, &options, NULL, &error));
  g_assert_no_error (error);
}

/* The default library plus the code map entries IT adds for its orders
 * (RULES.md: an order coded at clinical-drug level maps through the drug
 * library's code → ingredients map). */
static MarDrugLibrary *
library_with_map (const char *code,
                  const char *ingredient)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_resources_lookup_data ("/org/bedsidemar/core/drug-library.json", 0, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GBytes) edited = NULL;
  g_autofree char *text = NULL;
  g_autofree char *entry = NULL;
  gsize length;
  JsonArray *map;
  MarDrugLibrary *library;

  g_assert_no_error (error);
  if (code == NULL)
    return mar_drug_library_new_from_bytes (bytes, &error);

  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  map = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "code_map");
  entry = g_strdup_printf ("{\"code\":{\"system\":\"" MAR_SYSTEM_RXNORM "\",\"code\":\"%s\"},"
                           "\"ingredients\":[{\"system\":\"" MAR_SYSTEM_RXNORM "\",\"code\":\"%s\"}]}",
                           code, ingredient);
  json_array_add_element (map, json_from_string (entry, &error));
  g_assert_no_error (error);
  json_generator_set_root (generator, json_parser_get_root (parser));
  text = json_generator_to_data (generator, &length);
  edited = g_bytes_new_take (g_steal_pointer (&text), length);
  library = mar_drug_library_new_from_bytes (edited, &error);
  g_assert_no_error (error);
  return library;
}

static MarVerification *
verify (Fixture        *f,
        MarDrugLibrary *library,
        const char     *patient,
        const char     *product)
{
  g_autoptr(GError) error = NULL;
  MarScanOptions options = { 0 };
  g_autoptr(MarVerifier) verifier = mar_verifier_new (f->store, library, f->tz, &options);
  g_autoptr(MarScanResult) wristband = NULL;
  g_autoptr(MarScanResult) bag = NULL;
  MarVerification *verification;

  wristband = mar_verifier_resolve_scan (verifier, patient, -1, MAR_SCAN_SOURCE_SCANNER, f->now, &error);
  g_assert_no_error (error);
  bag = mar_verifier_resolve_scan (verifier, product, -1, MAR_SCAN_SOURCE_SCANNER, f->now, &error);
  g_assert_no_error (error);
  verification = mar_verifier_verify (verifier, wristband, bag, f->now, &error);
  g_assert_no_error (error);
  return verification;
}

static MarSeverity
severity_of (MarVerdict *verdict,
             const char *code)
{
  GPtrArray *findings = mar_verdict_get_findings (verdict);

  for (guint i = 0; i < findings->len; i++)
    if (g_str_equal (mar_finding_get_code (g_ptr_array_index (findings, i)), code))
      return mar_finding_get_severity (g_ptr_array_index (findings, i));
  g_error ("expected finding %s is missing", code);
  return MAR_SEVERITY_INFO;
}

#define VANCOMYCIN_VIAL "(01)00300692587101(17)161231(10)HL7A(21)V1"

/* HL7 example medicationrequest0318: vancomycin 500 mg IV q6h, ordered
 * 2015-01-15 for Patient/pat1 (MRN 654321) as a contained Medication coded
 * only by NDC 0069-2587-10. A vial whose GTIN carries that NDC is found
 * through the NDC, maps to vancomycin, and is the dose. */
static void
test_hl7_vancomycin_on_time (void)
{
  Fixture f = { 0 };
  g_autoptr(MarDrugLibrary) library = library_with_map (NULL, NULL);
  g_autoptr(MarVerification) verification = NULL;
  MarVerdict *verdict;

  fixture_open (&f, "2015-01-15T06:00");
  import (&f, "shared", "fhir-r4", "hl7-spec-examples", "patient-example-a.json", NULL);
  import (&f, "shared", "fhir-r4", "hl7-spec-examples", "medicationrequest0318.json", NULL);
  import (&f, "bundles", "external-catalog.json", NULL);

  verification = verify (&f, library, "654321", VANCOMYCIN_VIAL);
  verdict = mar_verification_get_verdict (verification);
  g_assert_cmpint (mar_verdict_get_kind (verdict), ==, MAR_VERDICT_PASS);
  g_assert_cmpstr (mar_verdict_get_order_id (verdict), ==, "medrx0318");
  g_assert_cmpint (mar_verdict_get_minutes_from_due (verdict), ==, 0);
  /* The example gives pat1 no allergy information at all. */
  g_assert_cmpint (severity_of (verdict, "ALLERGIES_NOT_ASSESSED"), ==, MAR_SEVERITY_INFO);
  fixture_close (&f);
}

/* The same dose a minute past its ±60 min window (q6h: ISMP's window for
 * "every 4 hours up to more often than daily"). */
static void
test_hl7_vancomycin_late (void)
{
  Fixture f = { 0 };
  g_autoptr(MarDrugLibrary) library = library_with_map (NULL, NULL);
  g_autoptr(MarVerification) verification = NULL;
  MarVerdict *verdict;

  fixture_open (&f, "2015-01-15T07:01");
  import (&f, "shared", "fhir-r4", "hl7-spec-examples", "patient-example-a.json", NULL);
  import (&f, "shared", "fhir-r4", "hl7-spec-examples", "medicationrequest0318.json", NULL);
  import (&f, "bundles", "external-catalog.json", NULL);

  verification = verify (&f, library, "654321", VANCOMYCIN_VIAL);
  verdict = mar_verification_get_verdict (verification);
  g_assert_cmpint (mar_verdict_get_kind (verdict), ==, MAR_VERDICT_WARN);
  g_assert_cmpint (severity_of (verdict, "TIME_LATE"), ==, MAR_SEVERITY_WARN);
  g_assert_cmpint (mar_verdict_get_minutes_from_due (verdict), ==, 61);
  fixture_close (&f);
}

/* Synthea: a patient with a low-criticality allergy to RxNorm 10831
 * (sulfamethoxazole / trimethoprim, a multi-ingredient code the drug
 * library maps) is scanned with an IV SMX-TMP vial: ALLERGY, a warning; and
 * no order of theirs is for it. */
static void
test_synthea_allergy_multi_ingredient (void)
{
  Fixture f = { 0 };
  g_autoptr(MarDrugLibrary) library = library_with_map (NULL, NULL);
  g_autoptr(MarVerification) verification = NULL;
  MarVerdict *verdict;

  fixture_open (&f, "2026-11-22T08:00");
  import (&f, "shared", "fhir-r4", "synthea-bulk-10-patients", "Patient.000.ndjson", NULL);
  import (&f, "shared", "fhir-r4", "synthea-bulk-10-patients", "AllergyIntolerance.000.ndjson", NULL);
  import (&f, "shared", "fhir-r4", "synthea-bulk-10-patients", "MedicationRequest.subset.ndjson", NULL);
  import (&f, "bundles", "external-catalog.json", NULL);

  verification = verify (&f, library, "a5cb8ce9-cec6-6b23-0990-cbaf753578a4",
                         "(01)00614141990016(17)301231(10)ST1(21)S1");
  verdict = mar_verification_get_verdict (verification);
  g_assert_cmpint (mar_verdict_get_kind (verdict), ==, MAR_VERDICT_BLOCK);
  g_assert_cmpint (severity_of (verdict, "ALLERGY"), ==, MAR_SEVERITY_WARN);
  g_assert_cmpint (severity_of (verdict, "NO_ACTIVE_ORDER"), ==, MAR_SEVERITY_BLOCK);
  fixture_close (&f);
}

/* Synthea: an active lisinopril 10 mg oral tablet order (RxNorm SCD 314076,
 * mapped by the site's library) found by a tablet scan: the order is not an
 * IV order and a tablet cannot go IV — never a pass on this terminal. */
static void
test_synthea_oral_order (void)
{
  Fixture f = { 0 };
  g_autoptr(MarDrugLibrary) library = library_with_map ("314076", "29046");
  g_autoptr(MarVerification) verification = NULL;
  MarVerdict *verdict;

  fixture_open (&f, "2026-11-22T08:00");
  import (&f, "shared", "fhir-r4", "synthea-bulk-10-patients", "Patient.000.ndjson", NULL);
  import (&f, "shared", "fhir-r4", "synthea-bulk-10-patients", "MedicationRequest.subset.ndjson", NULL);
  import (&f, "bundles", "external-catalog.json", NULL);

  verification = verify (&f, library, "6a4160eb-a793-2f86-2302-378626f46cce",
                         "(01)00614141990023(17)301231(10)LS1(21)S2");
  verdict = mar_verification_get_verdict (verification);
  g_assert_cmpint (mar_verdict_get_kind (verdict), ==, MAR_VERDICT_BLOCK);
  g_assert_nonnull (mar_verdict_get_order_id (verdict));
  g_assert_cmpint (severity_of (verdict, "ROUTE_MISMATCH"), ==, MAR_SEVERITY_BLOCK);
  fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/external/hl7/vancomycin-on-time", test_hl7_vancomycin_on_time);
  g_test_add_func ("/core/external/hl7/vancomycin-late", test_hl7_vancomycin_late);
  g_test_add_func ("/core/external/synthea/allergy-multi-ingredient", test_synthea_allergy_multi_ingredient);
  g_test_add_func ("/core/external/synthea/oral-order", test_synthea_oral_order);

  return g_test_run ();
}
