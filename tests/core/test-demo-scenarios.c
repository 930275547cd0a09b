/* test-demo-scenarios.c — the demo ward's scenario table, verified end to end
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * data/demo/scenarios.json lists, for the demo ward, which wristband and
 * which product to scan and the verdict RULES.md requires. Each scenario is
 * one test case here, run through the same path as the app and marctl:
 * import (FHIR), parse the scans, read the facts from the store, run the
 * engine. Both the bracketed form and the raw scanner form (AIM identifier,
 * GS separators) of each product scan are checked.
 *
 * The ward is imported once per way of being "now" and shared by the
 * cases (verification only reads). Two ways of being "now" are checked: at the bundle's anchor after a
 * plain import, and at a moment days later after an import moved to that
 * moment (marctl import --shift-to-now), except for scenarios the table
 * marks as depending on wall-clock times that do not move.
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "mar-fhir-import.h"
#include "mar-time.h"
#include "mar-verifier.h"
#include "store-test-util.h"

typedef struct
{
  char           *folder;
  MarStore       *store;
  MarVerifier    *verifier;
  GTimeZone      *tz;
  gint64          now;
} Ward;

static JsonObject *scenarios_root;
/* Verification only reads: one imported ward per way of being "now". */
static struct
{
  gboolean opened;
  Ward     ward;
} wards[2];

static void
ward_open (Ward     *ward,
           gboolean  shifted)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarDrugLibrary) library = mar_drug_library_new_default ();
  g_autofree char *path = NULL;
  g_autofree char *bundle = g_test_build_filename (G_TEST_DIST, "..", "data", "demo", "demo-ward.json", NULL);
  const char *anchor = json_object_get_string_member (scenarios_root, "anchor");
  MarFhirImportOptions options = { 0 };
  MarScanOptions scan_options = { 0 };
  gint64 anchor_time;

  ward->folder = test_make_folder ();
  path = g_build_filename (ward->folder, "mar.db", NULL);
  ward->tz = g_time_zone_new_identifier (json_object_get_string_member (scenarios_root, "time_zone"));
  g_assert_nonnull (ward->tz);
  g_assert_true (mar_time_parse_fhir (anchor, ward->tz, &anchor_time, NULL, NULL));

  /* 40 days and 7 hours later: across a month boundary, at another time
   * of day, so both the day shift and the minute shift are exercised. */
  ward->now = shifted ? anchor_time + 40 * 86400 + 7 * 3600 + 17 * 60 : anchor_time;

  ward->store = mar_store_open (path, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  options.time_zone = ward->tz;
  options.now = ward->now - 60;
  options.shift_to = shifted ? ward->now : 0;
  g_assert_true (mar_fhir_import_file (ward->store, bundle, &options, NULL, &error));
  g_assert_no_error (error);

  ward->verifier = mar_verifier_new (ward->store, library, ward->tz, &scan_options);
}

static void
ward_close (Ward *ward)
{
  g_clear_object (&ward->verifier);
  g_clear_object (&ward->store);
  g_clear_pointer (&ward->tz, g_time_zone_unref);
  test_remove_folder (ward->folder);
  g_free (ward->folder);
}

static JsonObject *
verify (Ward       *ward,
        const char *patient,
        const char *product)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarScanResult) patient_scan = NULL;
  g_autoptr(MarScanResult) product_scan = NULL;
  g_autoptr(MarVerification) verification = NULL;
  g_autoptr(JsonNode) node = NULL;

  patient_scan = mar_verifier_resolve_scan (ward->verifier, patient, -1, MAR_SCAN_SOURCE_SCANNER,
                                            ward->now, &error);
  g_assert_no_error (error);
  product_scan = mar_verifier_resolve_scan (ward->verifier, product, -1, MAR_SCAN_SOURCE_SCANNER,
                                            ward->now, &error);
  g_assert_no_error (error);
  verification = mar_verifier_verify (ward->verifier, patient_scan, product_scan, ward->now, &error);
  g_assert_no_error (error);

  /* Through JSON, as marctl verify --json prints it: the same object. */
  node = mar_verification_to_json (verification, ward->tz);
  return json_object_ref (json_node_get_object (node));
}

static gboolean
has_finding (JsonObject *result,
             const char *code,
             const char *severity)
{
  JsonArray *findings = json_object_get_array_member (result, "findings");

  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *finding = json_array_get_object_element (findings, i);

      if (g_str_equal (json_object_get_string_member (finding, "code"), code) &&
          g_str_equal (json_object_get_string_member (finding, "severity"), severity))
        return TRUE;
    }
  return FALSE;
}

static void
check_scenario (JsonObject *scenario,
                JsonObject *result,
                const char *form)
{
  const char *id = json_object_get_string_member (scenario, "id");
  const char *kind = json_object_get_string_member (scenario, "kind");
  JsonArray *codes = json_object_get_array_member (scenario, "codes");
  JsonNode *order = json_object_get_member (scenario, "order");
  JsonNode *result_order = json_object_get_member (result, "order");

  g_test_message ("%s (%s): %s", id, form, json_object_get_string_member (scenario, "title"));

  if (g_str_equal (kind, "open-infusion"))
    {
      /* RULES.md, BAG_ALREADY_USED: re-scanning a running bag opens it. */
      g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "open-infusion");
      g_assert_cmpstr (json_object_get_string_member (result, "open_administration"), ==,
                       json_object_get_string_member (scenario, "running_administration"));
      g_assert_false (has_finding (result, "BAG_ALREADY_USED", "block"));
      g_assert_false (has_finding (result, "BAG_STILL_INFUSING", "block"));
      return;
    }

  g_assert_cmpstr (json_object_get_string_member (result, "verdict"), ==,
                   json_object_get_string_member (scenario, "verdict"));
  for (guint i = 0; i < json_array_get_length (codes); i++)
    {
      JsonObject *code = json_array_get_object_element (codes, i);
      const char *name = json_object_get_string_member (code, "code");
      const char *severity = json_object_get_string_member (code, "severity");

      if (!has_finding (result, name, severity))
        g_error ("%s (%s): expected finding %s (%s) is missing", id, form, name, severity);
    }
  if (!JSON_NODE_HOLDS_NULL (order))
    {
      g_assert_false (JSON_NODE_HOLDS_NULL (result_order));
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result_order), "id"), ==,
                       json_node_get_string (order));
    }
}

static void
run_scenario (gconstpointer data,
              gboolean      shifted)
{
  JsonObject *scenario = (JsonObject *) data;
  const char *patient_scan = NULL;
  Ward *ward = &wards[shifted].ward;

  if (json_object_has_member (scenario, "patient_scan_raw") &&
      !json_object_get_null_member (scenario, "patient_scan_raw"))
    patient_scan = json_object_get_string_member (scenario, "patient_scan_raw");
  else
    patient_scan = json_object_get_string_member (scenario, "patient_scan");

  if (!wards[shifted].opened)
    {
      ward_open (ward, shifted);
      wards[shifted].opened = TRUE;
    }
  {
    g_autoptr(JsonObject) result = verify (ward, patient_scan,
                                           json_object_get_string_member (scenario, "product_scan"));
    check_scenario (scenario, result, "bracketed");
  }
  if (!json_object_get_null_member (scenario, "product_scan_raw"))
    {
      g_autoptr(JsonObject) result = verify (ward, patient_scan,
                                             json_object_get_string_member (scenario, "product_scan_raw"));
      check_scenario (scenario, result, "raw");
    }
}

static void
test_scenario_at_anchor (gconstpointer data)
{
  run_scenario (data, FALSE);
}

static void
test_scenario_shifted (gconstpointer data)
{
  run_scenario (data, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JsonArray *scenarios;

  g_test_init (&argc, &argv, NULL);

  path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo", "scenarios.json", NULL);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  scenarios_root = json_node_get_object (json_parser_get_root (parser));
  scenarios = json_object_get_array_member (scenarios_root, "scenarios");

  for (guint i = 0; i < json_array_get_length (scenarios); i++)
    {
      JsonObject *scenario = json_array_get_object_element (scenarios, i);
      const char *id = json_object_get_string_member (scenario, "id");
      g_autofree char *at_anchor = g_strdup_printf ("/core/demo-scenarios/anchor/%s", id);
      g_autofree char *shifted = g_strdup_printf ("/core/demo-scenarios/shifted/%s", id);

      g_test_add_data_func (at_anchor, scenario, test_scenario_at_anchor);
      if (!json_object_get_boolean_member (scenario, "anchor_only"))
        g_test_add_data_func (shifted, scenario, test_scenario_shifted);
    }

  {
    int status = g_test_run ();

    for (guint i = 0; i < G_N_ELEMENTS (wards); i++)
      if (wards[i].opened)
        ward_close (&wards[i].ward);
    return status;
  }
}
