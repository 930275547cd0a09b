/* test-drug-library.c — the local drug library: default, validation, override
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mar-drug-library.h"

#define RXNORM MAR_SYSTEM_RXNORM
#define SNOMED MAR_SYSTEM_SNOMED

static void
test_default_loads (void)
{
  g_autoptr(MarDrugLibrary) library = mar_drug_library_new_default ();
  const MarTimeWindows *w;

  g_assert_cmpint (mar_drug_library_get_format_version (library), ==, 1);
  g_assert_cmpstr (mar_drug_library_get_version (library), ==, "2026.3");
  g_assert_cmpstr (mar_drug_library_get_name (library), ==, "Bedside MAR default drug library");

  /* RULES.md defaults. */
  w = mar_drug_library_get_time_windows (library);
  g_assert_cmpint (w->time_critical_minutes, ==, 30);
  g_assert_cmpint (w->frequent_minutes, ==, 60);
  g_assert_cmpint (w->daily_minutes, ==, 120);
  g_assert_cmpint (w->first_dose_late_minutes, ==, 30);
  g_assert_cmpint (mar_drug_library_get_weight_max_age (library), ==, 30 * 86400);
  g_assert_cmpint (mar_drug_library_get_cache_stale_limit (library), ==, 15 * 60);
  g_assert_cmpint (mar_drug_library_get_clock_skew_limit (library), ==, 5 * 60);
  g_assert_cmpint (mar_drug_library_get_high_criticality_allergy_policy (library), ==, MAR_ALLERGY_POLICY_BLOCK);
  g_assert_cmpfloat (mar_drug_library_get_dose_tolerance_percent (library), ==, 0);
  g_assert_cmpfloat (mar_drug_library_get_rate_tolerance (library), ==, 0);
}

static void
test_default_queries (void)
{
  g_autoptr(MarDrugLibrary) library = mar_drug_library_new_default ();
  const MarDrugClass *klass;
  const MarRateLimit *limit;
  GPtrArray *ingredients;
  GPtrArray *rules;
  gboolean potassium_threshold = FALSE, opioid_continuous = FALSE;

  g_assert_true (mar_drug_library_is_iv_route (library, SNOMED, "47625008"));
  g_assert_true (mar_drug_library_is_iv_route (library, SNOMED, "255560000"));
  g_assert_false (mar_drug_library_is_iv_route (library, SNOMED, "26643006"));
  g_assert_false (mar_drug_library_is_iv_route (library, RXNORM, "47625008"));
  g_assert_false (mar_drug_library_is_iv_route (library, SNOMED, NULL));

  g_assert_true (mar_drug_library_is_non_iv_form (library, SNOMED, "385055001"));
  g_assert_false (mar_drug_library_is_non_iv_form (library, SNOMED, "385219001"));

  g_assert_true (mar_drug_library_is_time_critical (library, RXNORM, "253182"));
  g_assert_false (mar_drug_library_is_time_critical (library, RXNORM, "11124"));
  g_assert_true (mar_drug_library_is_diluent (library, RXNORM, "9863"));
  g_assert_true (mar_drug_library_is_diluent (library, RXNORM, "4850"));
  g_assert_false (mar_drug_library_is_diluent (library, RXNORM, "8591"));
  g_assert_true (mar_drug_library_is_negation (library, SNOMED, "409137002"));
  g_assert_true (mar_drug_library_is_negation (library, SNOMED, "716186003"));

  /* NDCs compare in the 5-4-2 form, whatever the published hyphenation. */
  ingredients = mar_drug_library_lookup_code (library, MAR_SYSTEM_NDC, "0069-2587-10");
  g_assert_nonnull (ingredients);
  g_assert_cmpuint (ingredients->len, ==, 1);
  g_assert_cmpstr (((MarCoding *) g_ptr_array_index (ingredients, 0))->code, ==, "11124");
  g_assert_true (mar_drug_library_lookup_code (library, MAR_SYSTEM_NDC, "00069-2587-10") == ingredients);
  g_assert_true (mar_drug_library_lookup_code (library, MAR_SYSTEM_NDC, "00069258710") == ingredients);
  g_assert_null (mar_drug_library_lookup_code (library, MAR_SYSTEM_NDC, "0069-2587-11"));

  ingredients = mar_drug_library_lookup_code (library, MAR_SYSTEM_NDC, "0206-8862-02");
  g_assert_nonnull (ingredients);
  g_assert_cmpuint (ingredients->len, ==, 2);

  /* GTIN-12 pads to GTIN-14. */
  g_assert_nonnull (mar_drug_library_lookup_code (library, MAR_SYSTEM_GTIN, "809080001040"));
  g_assert_nonnull (mar_drug_library_lookup_code (library, MAR_SYSTEM_GTIN, "00809080001040"));

  klass = mar_drug_library_lookup_class (library, SNOMED, "373270004");
  g_assert_nonnull (klass);
  g_assert_cmpstr (klass->id, ==, "penicillins");
  g_assert_cmpuint (klass->ingredients->len, >=, 4);
  /* An allergy to penicillin G counts for the class (cross-sensitivity). */
  g_assert_true (mar_drug_library_lookup_class (library, RXNORM, "7980") == klass);
  g_assert_null (mar_drug_library_lookup_class (library, RXNORM, "11124"));

  rules = mar_drug_library_get_high_alert_rules (library);
  g_assert_cmpuint (rules->len, ==, 6);
  for (guint i = 0; i < rules->len; i++)
    {
      MarHighAlertRule *rule = g_ptr_array_index (rules, i);

      if (g_str_equal (rule->reason, "Potassium concentrate"))
        {
          potassium_threshold = rule->has_threshold;
          g_assert_cmpfloat_with_epsilon (rule->threshold_base, 0.1, 1e-12);
        }
      if (g_str_equal (rule->reason, "Opioid infusion"))
        {
          opioid_continuous = rule->continuous_only;
          g_assert_cmpuint (rule->ingredients->len, ==, 3);
        }
    }
  g_assert_true (potassium_threshold);
  g_assert_true (opioid_continuous);

  limit = mar_drug_library_get_rate_limit (library, RXNORM, "5224");
  g_assert_nonnull (limit);
  g_assert_true (limit->unit.per_kg);
  g_assert_true (limit->has_hard_high);
  g_assert_cmpfloat (limit->hard_high, ==, 40);
  g_assert_null (mar_drug_library_get_rate_limit (library, RXNORM, "11124"));
}

/* Validation: each case edits the default file and expects one error. */

typedef void (*Edit) (JsonObject *root);

static JsonNode *
default_json (void)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (MAR_DRUG_LIBRARY_RESOURCE, 0, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_nonnull (bytes);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                             (gssize) g_bytes_get_size (bytes), NULL));
  return json_node_copy (json_parser_get_root (parser));
}

static GBytes *
to_bytes (JsonNode *root)
{
  gsize length;
  char *data = json_to_string (root, FALSE);

  length = strlen (data);
  return g_bytes_new_take (data, length);
}

static JsonObject *
array_object (JsonObject *root,
              const char *array,
              guint       index)
{
  return json_array_get_object_element (json_object_get_array_member (root, array), index);
}

static guint
find_rule (JsonObject *root,
           const char *reason)
{
  JsonArray *rules = json_object_get_array_member (root, "high_alert");

  for (guint i = 0; i < json_array_get_length (rules); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (rules, i), "reason"), reason))
      return i;
  g_assert_not_reached ();
}

static void
expect_invalid (Edit        edit,
                int         code,
                const char *message)
{
  g_autoptr(JsonNode) root = default_json ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarDrugLibrary) library = NULL;

  edit (json_node_get_object (root));
  bytes = to_bytes (root);
  library = mar_drug_library_new_from_bytes (bytes, &error);
  g_assert_null (library);
  g_assert_error (error, MAR_DRUG_LIBRARY_ERROR, code);
  if (!g_str_has_prefix (error->message, message))
    g_error ("expected \"%s…\", got \"%s\"", message, error->message);
}

static void edit_no_version (JsonObject *r) { json_object_remove_member (r, "format_version"); }
static void edit_version_string (JsonObject *r) { json_object_set_string_member (r, "format_version", "1"); }
static void edit_version_zero (JsonObject *r) { json_object_set_int_member (r, "format_version", 0); }
static void edit_version_newer (JsonObject *r) { json_object_set_int_member (r, "format_version", 2); json_object_set_int_member (r, "new_thing", 1); }
static void edit_unknown_top (JsonObject *r) { json_object_set_int_member (r, "time_window", 1); }
static void edit_no_name (JsonObject *r) { json_object_remove_member (r, "name"); }
static void edit_empty_name (JsonObject *r) { json_object_set_string_member (r, "name", ""); }
static void edit_version_number (JsonObject *r) { json_object_set_int_member (r, "library_version", 3); }
static void edit_description_number (JsonObject *r) { json_object_set_int_member (r, "description", 3); }
static void edit_no_iv_routes (JsonObject *r) { json_object_set_array_member (r, "iv_routes", json_array_new ()); }
static void edit_iv_routes_object (JsonObject *r) { json_object_set_object_member (r, "iv_routes", json_object_new ()); }
static void edit_coding_no_code (JsonObject *r) { json_object_remove_member (array_object (r, "iv_routes", 0), "code"); }
static void edit_coding_typo (JsonObject *r) { json_object_set_string_member (array_object (r, "iv_routes", 1), "sytem", "x"); }
static void edit_coding_string (JsonObject *r) { json_array_add_string_element (json_object_get_array_member (r, "non_iv_forms"), "385055001"); }
static void edit_window_zero (JsonObject *r) { json_object_set_int_member (json_object_get_object_member (r, "time_windows"), "daily_minutes", 0); }
static void edit_window_fraction (JsonObject *r) { json_object_set_double_member (json_object_get_object_member (r, "time_windows"), "frequent_minutes", 60.5); }
static void edit_window_typo (JsonObject *r) { json_object_set_int_member (json_object_get_object_member (r, "time_windows"), "stat_minutes", 30); }
static void edit_window_missing (JsonObject *r) { json_object_remove_member (json_object_get_object_member (r, "time_windows"), "first_dose_late_minutes"); }
static void edit_windows_missing (JsonObject *r) { json_object_remove_member (r, "time_windows"); }

static void
edit_time_critical_twice (JsonObject *r)
{
  JsonArray *list = json_object_get_array_member (r, "time_critical_ingredients");
  JsonNode *copy = json_node_copy (json_array_get_element (list, 0));

  json_array_add_element (list, copy);
}

static void edit_no_negations (JsonObject *r) { json_object_remove_member (r, "negation_codes"); }

static void
edit_class_duplicate_id (JsonObject *r)
{
  json_object_set_string_member (array_object (r, "drug_classes", 1), "id", "penicillins");
}

static void
edit_class_code_twice (JsonObject *r)
{
  JsonObject *first_code = json_array_get_object_element (json_object_get_array_member (array_object (r, "drug_classes", 0), "codes"), 0);
  JsonArray *codes = json_object_get_array_member (array_object (r, "drug_classes", 1), "codes");
  JsonObject *copy = json_object_new ();

  json_object_set_string_member (copy, "system", json_object_get_string_member (first_code, "system"));
  json_object_set_string_member (copy, "code", json_object_get_string_member (first_code, "code"));
  json_array_add_object_element (codes, copy);
}

static void edit_class_no_ingredients (JsonObject *r) { json_object_set_array_member (array_object (r, "drug_classes", 0), "ingredients", json_array_new ()); }
static void edit_class_no_name (JsonObject *r) { json_object_remove_member (array_object (r, "drug_classes", 2), "name"); }
static void edit_class_not_object (JsonObject *r) { json_array_add_int_element (json_object_get_array_member (r, "drug_classes"), 7); }

static void
edit_code_map_twice (JsonObject *r)
{
  JsonArray *map = json_object_get_array_member (r, "code_map");
  JsonObject *copy = json_object_new ();
  JsonObject *code = json_object_new ();
  JsonArray *ingredients = json_array_new ();
  JsonObject *ingredient = json_object_new ();

  /* The same NDC as entry 0, written with the 5-4-2 padding. */
  json_object_set_string_member (code, "system", MAR_SYSTEM_NDC);
  json_object_set_string_member (code, "code", "00069-2587-10");
  json_object_set_string_member (ingredient, "system", RXNORM);
  json_object_set_string_member (ingredient, "code", "11124");
  json_array_add_object_element (ingredients, ingredient);
  json_object_set_object_member (copy, "code", code);
  json_object_set_array_member (copy, "ingredients", ingredients);
  json_array_add_object_element (map, copy);
}

static void edit_code_map_no_ingredients (JsonObject *r) { json_object_remove_member (array_object (r, "code_map", 2), "ingredients"); }
static void edit_code_map_no_code (JsonObject *r) { json_object_remove_member (array_object (r, "code_map", 1), "code"); }

static void
edit_rule_unknown_class (JsonObject *r)
{
  json_object_set_string_member (array_object (r, "high_alert", find_rule (r, "Chemotherapy")), "class", "chemo");
}

static void
edit_rule_both (JsonObject *r)
{
  json_object_set_string_member (array_object (r, "high_alert", find_rule (r, "Heparin")), "class", "opioids");
}

static void
edit_rule_neither (JsonObject *r)
{
  json_object_remove_member (array_object (r, "high_alert", find_rule (r, "Insulin")), "ingredient");
}

static void
edit_rule_threshold_unit (JsonObject *r)
{
  JsonObject *rule = array_object (r, "high_alert", find_rule (r, "Potassium concentrate"));

  json_object_set_string_member (json_object_get_object_member (rule, "above_concentration"), "unit", "meq");
}

static void
edit_rule_threshold_negative (JsonObject *r)
{
  JsonObject *rule = array_object (r, "high_alert", find_rule (r, "Potassium concentrate"));

  json_object_set_double_member (json_object_get_object_member (rule, "above_concentration"), "value", -0.1);
}

static void
edit_rule_threshold_on_class (JsonObject *r)
{
  JsonObject *rule = array_object (r, "high_alert", find_rule (r, "Opioid infusion"));
  JsonObject *threshold = json_object_new ();

  json_object_set_double_member (threshold, "value", 1);
  json_object_set_string_member (threshold, "unit", "mg/mL");
  json_object_set_object_member (rule, "above_concentration", threshold);
}

static void
edit_rule_continuous_string (JsonObject *r)
{
  json_object_set_string_member (array_object (r, "high_alert", find_rule (r, "Opioid infusion")), "continuous_only", "yes");
}

static void
edit_rule_no_reason (JsonObject *r)
{
  json_object_remove_member (array_object (r, "high_alert", find_rule (r, "Magnesium sulfate")), "reason");
}

static void edit_rate_negative (JsonObject *r) { json_object_set_double_member (array_object (r, "rate_limits", 3), "hard_high", -1); }
static void edit_rate_string (JsonObject *r) { json_object_set_string_member (array_object (r, "rate_limits", 3), "hard_high", "4"); }
static void edit_rate_unit (JsonObject *r) { json_object_set_string_member (array_object (r, "rate_limits", 0), "unit", "[iU]/kg"); }
static void edit_rate_unit_volume (JsonObject *r) { json_object_set_string_member (array_object (r, "rate_limits", 0), "unit", "mL"); }
static void edit_rate_soft_order (JsonObject *r) { json_object_set_double_member (array_object (r, "rate_limits", 0), "soft_low", 30); }
static void edit_rate_soft_above_hard (JsonObject *r) { json_object_set_double_member (array_object (r, "rate_limits", 0), "soft_high", 41); }

static void
edit_rate_none (JsonObject *r)
{
  JsonObject *limit = array_object (r, "rate_limits", 2);

  json_object_remove_member (limit, "soft_high");
  json_object_remove_member (limit, "hard_high");
}

static void edit_rate_typo (JsonObject *r) { json_object_set_double_member (array_object (r, "rate_limits", 1), "hard_hihg", 60); }

static void
edit_rate_twice (JsonObject *r)
{
  JsonArray *limits = json_object_get_array_member (r, "rate_limits");

  json_array_add_element (limits, json_node_copy (json_array_get_element (limits, 0)));
}

static void edit_weight_age_zero (JsonObject *r) { json_object_set_int_member (r, "weight_max_age_days", 0); }
static void edit_stale_missing (JsonObject *r) { json_object_remove_member (r, "cache_stale_minutes"); }
static void edit_skew_huge (JsonObject *r) { json_object_set_int_member (r, "clock_skew_minutes", 1000); }
static void edit_policy (JsonObject *r) { json_object_set_string_member (r, "allergy_high_criticality", "maybe"); }
static void edit_dose_tolerance_negative (JsonObject *r) { json_object_set_double_member (r, "dose_tolerance_percent", -1); }
static void edit_dose_tolerance_huge (JsonObject *r) { json_object_set_double_member (r, "dose_tolerance_percent", 60); }
static void edit_rate_tolerance_missing (JsonObject *r) { json_object_remove_member (r, "rate_tolerance_ml_per_h"); }

static void
test_validation_errors (void)
{
  struct { Edit edit; int code; const char *message; } cases[] = {
    { edit_no_version, MAR_DRUG_LIBRARY_ERROR_INVALID, "format_version: missing" },
    { edit_version_string, MAR_DRUG_LIBRARY_ERROR_INVALID, "format_version: must be a whole number" },
    { edit_version_zero, MAR_DRUG_LIBRARY_ERROR_INVALID, "format_version: must be a whole number" },
    { edit_version_newer, MAR_DRUG_LIBRARY_ERROR_NEWER_FORMAT, "format_version: 2 is newer" },
    { edit_unknown_top, MAR_DRUG_LIBRARY_ERROR_INVALID, "time_window: unknown key" },
    { edit_no_name, MAR_DRUG_LIBRARY_ERROR_INVALID, "name: missing" },
    { edit_empty_name, MAR_DRUG_LIBRARY_ERROR_INVALID, "name: must not be empty" },
    { edit_version_number, MAR_DRUG_LIBRARY_ERROR_INVALID, "library_version: must be a string" },
    { edit_description_number, MAR_DRUG_LIBRARY_ERROR_INVALID, "description: must be a string" },
    { edit_no_iv_routes, MAR_DRUG_LIBRARY_ERROR_INVALID, "iv_routes: must not be empty" },
    { edit_iv_routes_object, MAR_DRUG_LIBRARY_ERROR_INVALID, "iv_routes: must be a list" },
    { edit_coding_no_code, MAR_DRUG_LIBRARY_ERROR_INVALID, "iv_routes[0].code: missing" },
    { edit_coding_typo, MAR_DRUG_LIBRARY_ERROR_INVALID, "iv_routes[1].sytem: unknown key" },
    { edit_coding_string, MAR_DRUG_LIBRARY_ERROR_INVALID, "non_iv_forms[11]: must be a coding" },
    { edit_window_zero, MAR_DRUG_LIBRARY_ERROR_INVALID, "time_windows.daily_minutes: must be a whole number from 1 to 720" },
    { edit_window_fraction, MAR_DRUG_LIBRARY_ERROR_INVALID, "time_windows.frequent_minutes: must be a whole number" },
    { edit_window_typo, MAR_DRUG_LIBRARY_ERROR_INVALID, "time_windows.stat_minutes: unknown key" },
    { edit_window_missing, MAR_DRUG_LIBRARY_ERROR_INVALID, "time_windows.first_dose_late_minutes: missing" },
    { edit_windows_missing, MAR_DRUG_LIBRARY_ERROR_INVALID, "time_windows: missing" },
    { edit_time_critical_twice, MAR_DRUG_LIBRARY_ERROR_INVALID, "time_critical_ingredients[2].code: 253182 is listed twice" },
    { edit_no_negations, MAR_DRUG_LIBRARY_ERROR_INVALID, "negation_codes: missing" },
    { edit_class_duplicate_id, MAR_DRUG_LIBRARY_ERROR_INVALID, "drug_classes[1].id: \"penicillins\" is used by another class" },
    { edit_class_code_twice, MAR_DRUG_LIBRARY_ERROR_INVALID, "drug_classes[1].codes[1].code: 373270004 already belongs to another class" },
    { edit_class_no_ingredients, MAR_DRUG_LIBRARY_ERROR_INVALID, "drug_classes[0].ingredients: must not be empty" },
    { edit_class_no_name, MAR_DRUG_LIBRARY_ERROR_INVALID, "drug_classes[2].name: missing" },
    { edit_class_not_object, MAR_DRUG_LIBRARY_ERROR_INVALID, "drug_classes[7]: must be an object" },
    { edit_code_map_twice, MAR_DRUG_LIBRARY_ERROR_INVALID, "code_map[19].code: 00069-2587-10 is mapped twice" },
    { edit_code_map_no_ingredients, MAR_DRUG_LIBRARY_ERROR_INVALID, "code_map[2].ingredients: missing" },
    { edit_code_map_no_code, MAR_DRUG_LIBRARY_ERROR_INVALID, "code_map[1].code: missing" },
    { edit_rule_unknown_class, MAR_DRUG_LIBRARY_ERROR_INVALID, "high_alert[4].class: no class in drug_classes has the id \"chemo\"" },
    { edit_rule_both, MAR_DRUG_LIBRARY_ERROR_INVALID, "high_alert[0]: needs exactly one of" },
    { edit_rule_neither, MAR_DRUG_LIBRARY_ERROR_INVALID, "high_alert[1]: needs exactly one of" },
    { edit_rule_threshold_unit, MAR_DRUG_LIBRARY_ERROR_INVALID, "high_alert[2].above_concentration.unit: \"meq\" is not a concentration unit" },
    { edit_rule_threshold_negative, MAR_DRUG_LIBRARY_ERROR_INVALID, "high_alert[2].above_concentration.value: must be a positive number" },
    { edit_rule_threshold_on_class, MAR_DRUG_LIBRARY_ERROR_INVALID, "high_alert[3].above_concentration: applies to an \"ingredient\" rule only" },
    { edit_rule_continuous_string, MAR_DRUG_LIBRARY_ERROR_INVALID, "high_alert[3].continuous_only: must be true or false" },
    { edit_rule_no_reason, MAR_DRUG_LIBRARY_ERROR_INVALID, "high_alert[5].reason: missing" },
    { edit_rate_negative, MAR_DRUG_LIBRARY_ERROR_INVALID, "rate_limits[3].hard_high: must be a positive number" },
    { edit_rate_string, MAR_DRUG_LIBRARY_ERROR_INVALID, "rate_limits[3].hard_high: must be a positive number" },
    { edit_rate_unit, MAR_DRUG_LIBRARY_ERROR_INVALID, "rate_limits[0].unit: \"[iU]/kg\" is not a rate unit" },
    { edit_rate_unit_volume, MAR_DRUG_LIBRARY_ERROR_INVALID, "rate_limits[0].unit: \"mL\" is not a rate unit" },
    { edit_rate_soft_order, MAR_DRUG_LIBRARY_ERROR_INVALID, "rate_limits[0].soft_low: must be below soft_high" },
    { edit_rate_soft_above_hard, MAR_DRUG_LIBRARY_ERROR_INVALID, "rate_limits[0].soft_high: must not be above hard_high" },
    { edit_rate_none, MAR_DRUG_LIBRARY_ERROR_INVALID, "rate_limits[2]: needs at least one of" },
    { edit_rate_typo, MAR_DRUG_LIBRARY_ERROR_INVALID, "rate_limits[1].hard_hihg: unknown key" },
    { edit_rate_twice, MAR_DRUG_LIBRARY_ERROR_INVALID, "rate_limits[9].ingredient.code: 5224 already has rate limits" },
    { edit_weight_age_zero, MAR_DRUG_LIBRARY_ERROR_INVALID, "weight_max_age_days: must be a whole number from 1 to 365" },
    { edit_stale_missing, MAR_DRUG_LIBRARY_ERROR_INVALID, "cache_stale_minutes: missing" },
    { edit_skew_huge, MAR_DRUG_LIBRARY_ERROR_INVALID, "clock_skew_minutes: must be a whole number from 1 to 60" },
    { edit_policy, MAR_DRUG_LIBRARY_ERROR_INVALID, "allergy_high_criticality: must be \"block\" or \"warn\"" },
    { edit_dose_tolerance_negative, MAR_DRUG_LIBRARY_ERROR_INVALID, "dose_tolerance_percent: must be a number, zero or more" },
    { edit_dose_tolerance_huge, MAR_DRUG_LIBRARY_ERROR_INVALID, "dose_tolerance_percent: must be below 50" },
    { edit_rate_tolerance_missing, MAR_DRUG_LIBRARY_ERROR_INVALID, "rate_tolerance_ml_per_h: missing" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    expect_invalid (cases[i].edit, cases[i].code, cases[i].message);
}

static void
test_not_json (void)
{
  const char *inputs[] = { "", "{", "[1, 2]", "\"library\"", "{\"format_version\": 1,}" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (inputs[i], strlen (inputs[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(MarDrugLibrary) library = mar_drug_library_new_from_bytes (bytes, &error);

      g_assert_null (library);
      g_assert_nonnull (error);
      g_assert_true (error->domain == MAR_DRUG_LIBRARY_ERROR);
      g_assert_true (error->code == MAR_DRUG_LIBRARY_ERROR_PARSE || error->code == MAR_DRUG_LIBRARY_ERROR_INVALID);
    }

  {
    static const char latin1[] = "{\"name\": \"caf\xe9\"}";
    g_autoptr(GBytes) bytes = g_bytes_new_static (latin1, sizeof latin1 - 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(MarDrugLibrary) library = mar_drug_library_new_from_bytes (bytes, &error);

    g_assert_null (library);
    g_assert_error (error, MAR_DRUG_LIBRARY_ERROR, MAR_DRUG_LIBRARY_ERROR_PARSE);
  }
}

/* IT keeps an override file: a hospital that softens high-criticality
 * allergies to a warning and narrows the daily window. */
static void
test_override_file (void)
{
  g_autoptr(JsonNode) root = default_json ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarDrugLibrary) library = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mar-drug-library-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *json = NULL;
  JsonObject *object = json_node_get_object (root);

  g_assert_no_error (error);
  json_object_set_string_member (object, "library_version", "2026.2-st-elsewhere");
  json_object_set_string_member (object, "allergy_high_criticality", "warn");
  json_object_set_int_member (json_object_get_object_member (object, "time_windows"), "daily_minutes", 90);
  json_object_set_double_member (object, "rate_tolerance_ml_per_h", 0.05);
  json = json_to_string (root, TRUE);
  path = g_build_filename (dir, "drug-library.json", NULL);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));

  library = mar_drug_library_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mar_drug_library_get_version (library), ==, "2026.2-st-elsewhere");
  g_assert_cmpint (mar_drug_library_get_high_criticality_allergy_policy (library), ==, MAR_ALLERGY_POLICY_WARN);
  g_assert_cmpint (mar_drug_library_get_time_windows (library)->daily_minutes, ==, 90);
  g_assert_cmpfloat (mar_drug_library_get_rate_tolerance (library), ==, 0.05);

  /* A broken override names the file and the field; the caller keeps the
   * library it had. */
  json_object_set_double_member (array_object (object, "rate_limits", 3), "hard_high", 0);
  g_free (json);
  json = json_to_string (root, TRUE);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  {
    g_autoptr(MarDrugLibrary) broken = mar_drug_library_new_from_file (path, &error);

    g_assert_null (broken);
    g_assert_error (error, MAR_DRUG_LIBRARY_ERROR, MAR_DRUG_LIBRARY_ERROR_INVALID);
    g_assert_true (g_str_has_prefix (error->message, path));
    g_assert_nonnull (strstr (error->message, "rate_limits[3].hard_high: must be a positive number"));
    g_clear_error (&error);
  }
  g_assert_cmpstr (mar_drug_library_get_version (library), ==, "2026.2-st-elsewhere");

  g_assert_cmpint (g_unlink (path), ==, 0);
  {
    g_autoptr(MarDrugLibrary) missing = mar_drug_library_new_from_file (path, &error);

    g_assert_null (missing);
    g_assert_error (error, MAR_DRUG_LIBRARY_ERROR, MAR_DRUG_LIBRARY_ERROR_READ);
  }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_refcount (void)
{
  MarDrugLibrary *library = mar_drug_library_new_default ();

  g_assert_true (mar_drug_library_ref (library) == library);
  mar_drug_library_unref (library);
  g_assert_cmpstr (mar_drug_library_get_name (library), !=, NULL);
  mar_drug_library_unref (library);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/drug-library/default/loads", test_default_loads);
  g_test_add_func ("/core/drug-library/default/queries", test_default_queries);
  g_test_add_func ("/core/drug-library/validation/errors", test_validation_errors);
  g_test_add_func ("/core/drug-library/validation/not-json", test_not_json);
  g_test_add_func ("/core/drug-library/override-file", test_override_file);
  g_test_add_func ("/core/drug-library/refcount", test_refcount);

  return g_test_run ();
}
