/* mar-record-bag.c — what the record keeps about a bag when it is first documented
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RULES.md, The record: "each administration keeps the order's version and
 * a snapshot of what was verified". The bag's description (what it is,
 * whose, for which order, how much it holds) goes into the entry that
 * first documents it; the replay reads it back from there. Also here: the
 * "unable to scan" rules, which only replace the scan.
 */

#define G_LOG_DOMAIN "mar-record"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-record-private.h"
#include "mar-store-private.h"

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* The container's volume: the catalog's Medication.amount, else the
 * pharmacy's dispensed quantity. */
static double
bag_volume_ml (const MarProduct  *product,
               const MarDispense *dispense)
{
  double ml;

  if (product != NULL && product->amount.numerator.set &&
      mar_quantity_convert (&product->amount.numerator, "mL", &ml) && ml > 0)
    return ml;
  if (dispense != NULL && dispense->quantity.set &&
      mar_quantity_convert (&dispense->quantity, "mL", &ml) && ml > 0)
    return ml;
  return 0;
}

static char *
scan_expiry (const MarScan *scan)
{
  GDate date;

  if (scan == NULL || !mar_scan_get_expiry_date (scan, &date))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date));
}

JsonNode *
mar_record_bag_description (MarVerification *verification,
                            const char      *uuid,
                            gint64           previous)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  MarVerdict *verdict = mar_verification_get_verdict (verification);
  const MarPatient *patient = mar_verification_get_patient (verification);
  const MarOrder *order = mar_verification_get_order (verification);
  const MarProduct *product = mar_verification_get_product (verification);
  const MarDispense *dispense = mar_verification_get_dispense (verification);
  MarScan *scan = mar_scan_result_get_scan (mar_verification_get_product_scan (verification));
  g_autofree char *expiry = scan_expiry (scan);
  const char *medication = NULL;
  MarQuantity dose = { 0 };

  if (product != NULL && product->name != NULL)
    medication = product->name;
  else if (order != NULL)
    medication = order->medication_display;

  json_builder_begin_object (builder);
  add_string (builder, "uuid", uuid);
  add_string (builder, "patient", patient != NULL ? patient->id : NULL);
  add_string (builder, "encounter", patient != NULL ? patient->encounter_id : NULL);
  add_string (builder, "order", order != NULL ? order->id : NULL);
  add_string (builder, "order_version", order != NULL ? order->version : NULL);
  add_string (builder, "product", mar_verdict_get_product_id (verdict));
  add_string (builder, "dispense", mar_verdict_get_dispense_id (verdict));
  add_string (builder, "bag_id", mar_verdict_get_bag_id (verdict));
  if (dispense != NULL)
    {
      /* A pharmacy bag: its label is its identity; the lot and the
       * beyond-use date are the pharmacy's. */
      add_string (builder, "lot", dispense->lot);
      add_string (builder, "expiry", dispense->beyond_use);
    }
  else if (scan != NULL && mar_scan_get_syntax (scan) == MAR_SCAN_SYNTAX_GS1)
    {
      add_string (builder, "gtin", mar_scan_get_gtin (scan));
      add_string (builder, "lot", mar_scan_get_lot (scan));
      add_string (builder, "serial", mar_scan_get_serial (scan));
      add_string (builder, "expiry", expiry);
    }
  else if (product != NULL)
    add_string (builder, "gtin", product->gtin);
  add_string (builder, "medication", medication);

  json_builder_set_member_name (builder, "medication_codes");
  json_builder_begin_array (builder);
  for (guint i = 0; product != NULL && product->codes != NULL && i < product->codes->len; i++)
    {
      const MarCoding *c = g_ptr_array_index (product->codes, i);

      json_builder_begin_object (builder);
      add_string (builder, "system", c->system);
      add_string (builder, "code", c->code);
      add_string (builder, "display", c->display);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "continuous");
  json_builder_add_boolean_value (builder, order != NULL && mar_order_is_continuous (order));
  json_builder_set_member_name (builder, "requires_witness");
  json_builder_add_boolean_value (builder, (mar_verdict_get_requirements (verdict) & MAR_REQUIRES_WITNESS) != 0);
  if (mar_verdict_get_due_time (verdict) != MAR_TIME_UNSET)
    {
      json_builder_set_member_name (builder, "due_time");
      json_builder_add_int_value (builder, mar_verdict_get_due_time (verdict));
    }
  json_builder_set_member_name (builder, "partial");
  json_builder_add_boolean_value (builder, mar_verdict_is_partial (verdict));
  /* What this container holds of the ordered drug: the engine adds up
   * partial containers of one dose from it (RULES.md, DOSE_PARTIAL). */
  if (mar_verdict_get_container_dose (verdict, &dose) && dose.set)
    {
      json_builder_set_member_name (builder, "container_dose");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "value");
      json_builder_add_double_value (builder, dose.value);
      add_string (builder, "unit", dose.unit);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "bag_volume_ml");
  json_builder_add_double_value (builder, bag_volume_ml (product, dispense));
  if (previous != 0)
    {
      json_builder_set_member_name (builder, "previous");
      json_builder_add_int_value (builder, previous);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
mar_record_scan_is_keyed (MarScanResult *scan)
{
  MarScan *parsed = mar_scan_result_get_scan (scan);

  return parsed != NULL && mar_scan_get_source (parsed) == MAR_SCAN_SOURCE_KEYED;
}

gboolean
mar_record_check_unable_to_scan (const MarUnableToScan  *unable,
                                 MarScanResult          *patient_scan,
                                 MarScanResult          *product_scan,
                                 GError                **error)
{
  const struct { const char *reason; MarScanResult *scan; const char *what; } slots[] = {
    { unable->patient_reason, patient_scan, _("the patient") },
    { unable->product_reason, product_scan, _("the product") },
  };

  if (unable->patient_reason == NULL && unable->product_reason == NULL)
    {
      g_set_error_literal (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                           _("“Unable to scan” needs the reason the wristband or the bag could not "
                             "be scanned"));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      if (slots[i].reason == NULL)
        continue;
      if (!mar_record_check_reason (MAR_VOCABULARY_UNABLE_TO_SCAN, slots[i].reason, NULL, FALSE, error))
        return FALSE;
      /* It replaces only the scan: what the nurse picked or typed instead
       * must name something, and then goes through the full verification.
       * The damaged code's BARCODE_INVALID is what it replaces; a typed
       * code that cannot be read is typed again. */
      if (mar_scan_result_get_kind (slots[i].scan) == MAR_SCAN_KIND_UNREADABLE)
        {
          g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                       _("What was typed for %s cannot be read (%s): type it again"),
                       slots[i].what, mar_scan_result_get_error (slots[i].scan));
          return FALSE;
        }
      if (!mar_record_scan_is_keyed (slots[i].scan))
        {
          g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                       _("“Unable to scan” %s, yet it was scanned: pick or type it instead"),
                       slots[i].what);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
name_matches (const MarPatient *patient,
              const char       *given)
{
  g_autofree char *full = NULL;
  g_autofree char *typed = g_utf8_casefold (given, -1);
  g_autofree char *family = patient->family != NULL ? g_utf8_casefold (patient->family, -1) : NULL;

  g_strstrip (typed);
  if (family != NULL && g_str_equal (typed, family))
    return TRUE;
  full = g_strdup_printf ("%s, %s", patient->family != NULL ? patient->family : "",
                          patient->given != NULL ? patient->given : "");
  {
    g_autofree char *folded = g_utf8_casefold (full, -1);
    return g_str_equal (typed, folded);
  }
}

void
mar_record_confirm_identifiers (const MarUnableToScan *unable,
                                const MarPatient      *patient,
                                MarRecordCheck        *check)
{
  guint given = 0;
  const char *wrong = NULL;

  if (patient == NULL)
    return;  /* PATIENT_UNKNOWN already says it */

  /* RULES.md: two patient identifiers confirmed with the patient, each
   * matching the record (The Joint Commission, NPSG.01.01.01). */
  if (unable->confirmed_name != NULL && *unable->confirmed_name != '\0')
    {
      given++;
      if (!name_matches (patient, unable->confirmed_name))
        wrong = _("the name");
    }
  if (unable->confirmed_birth_date != NULL && *unable->confirmed_birth_date != '\0')
    {
      given++;
      if (g_strcmp0 (unable->confirmed_birth_date, patient->birth_date) != 0)
        wrong = _("the date of birth");
    }
  if (unable->confirmed_mrn != NULL && *unable->confirmed_mrn != '\0')
    {
      given++;
      if (g_strcmp0 (unable->confirmed_mrn, patient->mrn) != 0)
        wrong = _("the medical record number");
    }

  if (wrong != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The patient's identifiers do not match the record "
                                                    "(%s differs): check who the patient is"), wrong);
      mar_record_check_add (check, "IDENTIFIERS_NOT_CONFIRMED", MAR_SEVERITY_BLOCK, MAR_RIGHT_PATIENT,
                            message);
    }
  else if (given < 2)
    mar_record_check_add (check, "IDENTIFIERS_NOT_CONFIRMED", MAR_SEVERITY_BLOCK, MAR_RIGHT_PATIENT,
                          _("Without a scan, confirm two identifiers with the patient (name, date of "
                            "birth, medical record number)"));
}

JsonNode *
mar_record_unable_to_scan_to_json (const MarUnableToScan *unable)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "patient_reason", unable->patient_reason);
  add_string (builder, "product_reason", unable->product_reason);
  json_builder_set_member_name (builder, "confirmed");
  json_builder_begin_array (builder);
  if (unable->confirmed_name != NULL && *unable->confirmed_name != '\0')
    json_builder_add_string_value (builder, "name");
  if (unable->confirmed_birth_date != NULL && *unable->confirmed_birth_date != '\0')
    json_builder_add_string_value (builder, "birth_date");
  if (unable->confirmed_mrn != NULL && *unable->confirmed_mrn != '\0')
    json_builder_add_string_value (builder, "mrn");
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
