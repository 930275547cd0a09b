/* mar-verifier.c — from two scans to a verdict, with the facts from the cache
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-verifier"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mar-quantity.h"
#include "mar-time.h"
#include "mar-verifier.h"

/* FHIR-PROFILE.md: administrations of the last 72 h (plus every running
 * one) are what the rules look at. */
#define ADMINISTRATION_HISTORY_SECONDS (72 * 3600)

#define SETTING_DRUG_LIBRARY "drug-library"

struct _MarScanResult
{
  gatomicrefcount  ref_count;
  MarScanKind      kind;
  MarScan         *scan;
  char            *error;
  MarPatient      *patient;
  MarProduct      *product;
  MarDispense     *dispense;
  MarStaff        *staff;
};

struct _MarVerification
{
  gatomicrefcount  ref_count;
  gint64           time;
  MarVerdict      *verdict;
  MarScanResult   *patient_scan;
  MarScanResult   *product_scan;
  MarPatient      *patient;
  MarOrder        *order;        /* the matched order, or NULL */
  MarProduct      *product;
  MarDispense     *dispense;
};

struct _MarVerifier
{
  GObject          parent_instance;
  MarStore        *store;
  MarDrugLibrary  *library;
  GTimeZone       *time_zone;
  char            *mrn_prefix;
  gunichar         gs_replacement;
  gboolean         clock_skew_known;
  gint64           clock_skew;
};

G_DEFINE_FINAL_TYPE (MarVerifier, mar_verifier, G_TYPE_OBJECT)

/* MarScanResult --------------------------------------------------------- */

static MarScanResult *
mar_scan_result_new (void)
{
  MarScanResult *result = g_new0 (MarScanResult, 1);

  g_atomic_ref_count_init (&result->ref_count);
  return result;
}

MarScanResult *
mar_scan_result_ref (MarScanResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  g_atomic_ref_count_inc (&result->ref_count);
  return result;
}

void
mar_scan_result_unref (MarScanResult *result)
{
  if (result == NULL || !g_atomic_ref_count_dec (&result->ref_count))
    return;
  g_clear_pointer (&result->scan, mar_scan_unref);
  g_free (result->error);
  mar_patient_free (result->patient);
  mar_product_free (result->product);
  mar_dispense_free (result->dispense);
  mar_staff_free (result->staff);
  g_free (result);
}

MarScanKind
mar_scan_result_get_kind (const MarScanResult *result)
{
  g_return_val_if_fail (result != NULL, MAR_SCAN_KIND_UNREADABLE);
  return result->kind;
}

MarScan *
mar_scan_result_get_scan (const MarScanResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->scan;
}

const char *
mar_scan_result_get_error (const MarScanResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->error;
}

const MarPatient *
mar_scan_result_get_patient (const MarScanResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->patient;
}

const MarProduct *
mar_scan_result_get_product (const MarScanResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->product;
}

const MarDispense *
mar_scan_result_get_dispense (const MarScanResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->dispense;
}

const MarStaff *
mar_scan_result_get_staff (const MarScanResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->staff;
}

/* MarVerification ------------------------------------------------------- */

MarVerification *
mar_verification_ref (MarVerification *verification)
{
  g_return_val_if_fail (verification != NULL, NULL);
  g_atomic_ref_count_inc (&verification->ref_count);
  return verification;
}

void
mar_verification_unref (MarVerification *verification)
{
  if (verification == NULL || !g_atomic_ref_count_dec (&verification->ref_count))
    return;
  g_clear_pointer (&verification->verdict, mar_verdict_unref);
  g_clear_pointer (&verification->patient_scan, mar_scan_result_unref);
  g_clear_pointer (&verification->product_scan, mar_scan_result_unref);
  mar_patient_free (verification->patient);
  mar_order_free (verification->order);
  mar_product_free (verification->product);
  mar_dispense_free (verification->dispense);
  g_free (verification);
}

MarVerdict *
mar_verification_get_verdict (const MarVerification *verification)
{
  g_return_val_if_fail (verification != NULL, NULL);
  return verification->verdict;
}

const MarPatient *
mar_verification_get_patient (const MarVerification *verification)
{
  g_return_val_if_fail (verification != NULL, NULL);
  return verification->patient;
}

const MarOrder *
mar_verification_get_order (const MarVerification *verification)
{
  g_return_val_if_fail (verification != NULL, NULL);
  return verification->order;
}

const MarProduct *
mar_verification_get_product (const MarVerification *verification)
{
  g_return_val_if_fail (verification != NULL, NULL);
  return verification->product;
}

const MarDispense *
mar_verification_get_dispense (const MarVerification *verification)
{
  g_return_val_if_fail (verification != NULL, NULL);
  return verification->dispense;
}

MarScanResult *
mar_verification_get_patient_scan (const MarVerification *verification)
{
  g_return_val_if_fail (verification != NULL, NULL);
  return verification->patient_scan;
}

MarScanResult *
mar_verification_get_product_scan (const MarVerification *verification)
{
  g_return_val_if_fail (verification != NULL, NULL);
  return verification->product_scan;
}

gint64
mar_verification_get_time (const MarVerification *verification)
{
  g_return_val_if_fail (verification != NULL, MAR_TIME_UNSET);
  return verification->time;
}

/* JSON ------------------------------------------------------------------ */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       t,
          GTimeZone   *tz)
{
  g_autofree char *text = t != MAR_TIME_UNSET ? mar_time_format_iso (t, tz) : NULL;

  add_string (builder, name, text);
}

static void
add_quantity (JsonBuilder       *builder,
              const char        *name,
              const MarQuantity *quantity)
{
  json_builder_set_member_name (builder, name);
  if (!quantity->set)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "value");
  json_builder_add_double_value (builder, quantity->value);
  json_builder_set_member_name (builder, "unit");
  json_builder_add_string_value (builder, quantity->unit);
  json_builder_end_object (builder);
}

static void
add_patient (JsonBuilder      *builder,
             const MarPatient *patient,
             GTimeZone        *tz)
{
  g_autofree char *name = NULL;

  json_builder_set_member_name (builder, "patient");
  if (patient == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  name = mar_patient_dup_display_name (patient);
  json_builder_begin_object (builder);
  add_string (builder, "id", patient->id);
  add_string (builder, "mrn", patient->mrn);
  add_string (builder, "name", name);
  add_string (builder, "birth_date", patient->birth_date);
  add_string (builder, "gender", patient->gender);
  add_string (builder, "bed", patient->bed_name);
  add_string (builder, "unit", patient->unit_name);
  json_builder_set_member_name (builder, "weight_kg");
  if (patient->weight.set)
    json_builder_add_double_value (builder, patient->weight.value);
  else
    json_builder_add_null_value (builder);
  add_time (builder, "weight_time", patient->weight_time, tz);
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, patient->active && !patient->removed);
  json_builder_end_object (builder);
}

static void
add_order (JsonBuilder    *builder,
           const MarOrder *order,
           GTimeZone      *tz)
{
  json_builder_set_member_name (builder, "order");
  if (order == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  add_string (builder, "id", order->id);
  add_string (builder, "version", order->version);
  add_string (builder, "status", mar_order_status_to_string (order->status));
  add_string (builder, "medication", order->medication_display);
  add_quantity (builder, "dose", &order->dose);
  add_quantity (builder, "rate", &order->rate);
  add_string (builder, "route", order->route_display != NULL ? order->route_display : order->route_code);
  add_string (builder, "priority", order->priority);
  add_string (builder, "instructions", order->text);
  json_builder_set_member_name (builder, "prn");
  json_builder_add_boolean_value (builder, order->as_needed);
  json_builder_set_member_name (builder, "continuous");
  json_builder_add_boolean_value (builder, mar_order_is_continuous (order));
  add_time (builder, "authored_on", order->authored_on, tz);
  json_builder_end_object (builder);
}

static void
add_product (JsonBuilder         *builder,
             const MarProduct    *product,
             const MarDispense   *dispense,
             const MarScanResult *scan_result,
             GTimeZone           *tz)
{
  MarScan *scan = scan_result != NULL ? scan_result->scan : NULL;
  GDate expiry;

  json_builder_set_member_name (builder, "product");
  if (product == NULL && dispense == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  if (product != NULL)
    {
      add_string (builder, "id", product->id);
      add_string (builder, "name", product->name);
      add_string (builder, "gtin", product->gtin);
      add_string (builder, "ndc", product->ndc);
      add_quantity (builder, "volume", &product->amount.numerator);
    }
  if (dispense != NULL)
    {
      add_string (builder, "bag_label", dispense->label);
      add_string (builder, "beyond_use", dispense->beyond_use);
    }
  if (scan != NULL && mar_scan_get_syntax (scan) == MAR_SCAN_SYNTAX_GS1)
    {
      add_string (builder, "lot", mar_scan_get_lot (scan));
      add_string (builder, "serial", mar_scan_get_serial (scan));
      if (mar_scan_get_expiry_date (scan, &expiry))
        {
          char text[16];

          g_snprintf (text, sizeof text, "%04u-%02u-%02u",
                      g_date_get_year (&expiry), g_date_get_month (&expiry), g_date_get_day (&expiry));
          add_string (builder, "expiry", text);
        }
    }
  json_builder_end_object (builder);
}

static const char *
scan_kind_to_string (MarScanKind kind)
{
  switch (kind)
    {
    case MAR_SCAN_KIND_UNREADABLE: return "unreadable";
    case MAR_SCAN_KIND_UNKNOWN: return "unknown";
    case MAR_SCAN_KIND_WRISTBAND: return "wristband";
    case MAR_SCAN_KIND_PRODUCT: return "product";
    case MAR_SCAN_KIND_BAG_LABEL: return "bag-label";
    case MAR_SCAN_KIND_BADGE: return "badge";
    default: return "unknown";
    }
}

static void
add_scan (JsonBuilder         *builder,
          const char          *name,
          const MarScanResult *result)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  add_string (builder, "kind", scan_kind_to_string (result->kind));
  add_string (builder, "display", result->scan != NULL ? mar_scan_get_display (result->scan) : NULL);
  add_string (builder, "symbology", result->scan != NULL ? mar_scan_get_symbology (result->scan) : NULL);
  json_builder_set_member_name (builder, "keyed");
  json_builder_add_boolean_value (builder, result->scan != NULL &&
                                  mar_scan_get_source (result->scan) == MAR_SCAN_SOURCE_KEYED);
  if (result->error != NULL)
    add_string (builder, "error", result->error);
  json_builder_end_object (builder);
}

JsonNode *
mar_verification_to_json (const MarVerification *verification,
                          GTimeZone             *time_zone)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  MarVerdict *verdict;
  GPtrArray *findings;
  MarRequirement requires;
  MarQuantity remaining;

  g_return_val_if_fail (verification != NULL, NULL);
  g_return_val_if_fail (time_zone != NULL, NULL);

  verdict = verification->verdict;
  findings = mar_verdict_get_findings (verdict);
  requires = mar_verdict_get_requirements (verdict);

  json_builder_begin_object (builder);
  add_string (builder, "verdict", mar_verdict_kind_to_string (mar_verdict_get_kind (verdict)));
  add_time (builder, "at", verification->time, time_zone);
  add_patient (builder, verification->patient, time_zone);
  add_order (builder, verification->order, time_zone);
  add_product (builder, verification->product, verification->dispense,
               verification->product_scan, time_zone);

  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < findings->len; i++)
    {
      const MarFinding *finding = g_ptr_array_index (findings, i);

      json_builder_begin_object (builder);
      add_string (builder, "right", mar_right_to_string (mar_finding_get_right (finding)));
      add_string (builder, "severity", mar_severity_to_string (mar_finding_get_severity (finding)));
      add_string (builder, "code", mar_finding_get_code (finding));
      add_string (builder, "message", mar_finding_get_message (finding));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "requires");
  json_builder_begin_array (builder);
  if (requires & MAR_REQUIRES_WITNESS)
    json_builder_add_string_value (builder, "witness");
  if (requires & MAR_REQUIRES_REASON)
    json_builder_add_string_value (builder, "override-reason");
  if (requires & MAR_REQUIRES_PRN_REASON)
    json_builder_add_string_value (builder, "prn-reason");
  json_builder_end_array (builder);

  add_time (builder, "due_time", mar_verdict_get_due_time (verdict), time_zone);
  json_builder_set_member_name (builder, "minutes_from_due");
  if (mar_verdict_get_due_time (verdict) != MAR_TIME_UNSET)
    json_builder_add_int_value (builder, mar_verdict_get_minutes_from_due (verdict));
  else
    json_builder_add_null_value (builder);
  add_string (builder, "outcome",
              mar_verdict_get_outcome (verdict) == MAR_VERDICT_OUTCOME_OPEN_INFUSION
              ? "open-infusion" : "new-administration");
  add_string (builder, "open_administration", mar_verdict_get_open_administration_id (verdict));
  add_string (builder, "bag_id", mar_verdict_get_bag_id (verdict));
  if (mar_verdict_is_partial (verdict) && mar_verdict_get_remaining_dose (verdict, &remaining))
    add_quantity (builder, "remaining_dose", &remaining);
  add_string (builder, "drug_library", mar_verdict_get_drug_library_version (verdict));

  json_builder_set_member_name (builder, "scans");
  json_builder_begin_object (builder);
  add_scan (builder, "patient", verification->patient_scan);
  add_scan (builder, "product", verification->product_scan);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* MarVerifier ----------------------------------------------------------- */

static void
mar_verifier_finalize (GObject *object)
{
  MarVerifier *self = MAR_VERIFIER (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->library, mar_drug_library_unref);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_clear_pointer (&self->mrn_prefix, g_free);

  G_OBJECT_CLASS (mar_verifier_parent_class)->finalize (object);
}

static void
mar_verifier_class_init (MarVerifierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mar_verifier_finalize;
}

static void
mar_verifier_init (MarVerifier *self)
{
}

MarVerifier *
mar_verifier_new (MarStore             *store,
                  MarDrugLibrary       *library,
                  GTimeZone            *time_zone,
                  const MarScanOptions *scan_options)
{
  MarVerifier *self;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);
  g_return_val_if_fail (library != NULL, NULL);
  g_return_val_if_fail (time_zone != NULL, NULL);

  self = g_object_new (MAR_TYPE_VERIFIER, NULL);
  self->store = g_object_ref (store);
  self->library = mar_drug_library_ref (library);
  self->time_zone = g_time_zone_ref (time_zone);
  if (scan_options != NULL)
    {
      self->mrn_prefix = g_strdup (scan_options->mrn_prefix);
      self->gs_replacement = scan_options->gs_replacement;
    }
  return self;
}

MarStore *
mar_verifier_get_store (MarVerifier *self)
{
  g_return_val_if_fail (MAR_IS_VERIFIER (self), NULL);
  return self->store;
}

MarDrugLibrary *
mar_verifier_get_library (MarVerifier *self)
{
  g_return_val_if_fail (MAR_IS_VERIFIER (self), NULL);
  return self->library;
}

GTimeZone *
mar_verifier_get_time_zone (MarVerifier *self)
{
  g_return_val_if_fail (MAR_IS_VERIFIER (self), NULL);
  return self->time_zone;
}

void
mar_verifier_set_clock_skew (MarVerifier *self,
                             gboolean     known,
                             gint64       skew)
{
  g_return_if_fail (MAR_IS_VERIFIER (self));
  self->clock_skew_known = known;
  self->clock_skew = known ? skew : 0;
}

/* A look-up that found nothing is not an error here: the verdict says so. */
static gboolean
not_found_is_fine (GError **local_error,
                   GError **error)
{
  if (*local_error == NULL)
    return TRUE;
  if (g_error_matches (*local_error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND))
    {
      g_clear_error (local_error);
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (local_error));
  return FALSE;
}

static gboolean
resolve_gs1 (MarVerifier   *self,
             MarScanResult *result,
             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *gtin = mar_scan_get_gtin (result->scan);
  const char *gsrn = mar_scan_get_gsrn (result->scan);

  if (gtin != NULL)
    {
      const char *ndc = mar_scan_get_ndc (result->scan);

      /* A GTIN is a product code whether or not the catalog has it: in the
       * wristband slot it is WRONG_BARCODE_KIND, in the product slot an
       * unknown one is PRODUCT_UNKNOWN. */
      result->kind = MAR_SCAN_KIND_PRODUCT;
      result->product = mar_store_find_product_by_gtin (self->store, gtin, &local_error);
      if (!not_found_is_fine (&local_error, error))
        return FALSE;
      /* Catalogs often carry only the NDC of a US product; the GTIN's
       * embedded NDC (GS1 US: "03" + NDC-10) finds it. */
      if (result->product == NULL && ndc != NULL)
        {
          result->product = mar_store_find_product_by_ndc (self->store, ndc, &local_error);
          if (!not_found_is_fine (&local_error, error))
            return FALSE;
        }
      return TRUE;
    }

  if (gsrn != NULL)
    {
      result->kind = MAR_SCAN_KIND_WRISTBAND;
      result->patient = mar_store_find_patient_by_gsrn (self->store, gsrn, &local_error);
      return not_found_is_fine (&local_error, error);
    }

  /* Other GS1 keys (an SSCC on a shipping case, a GLN) name nothing a
   * nurse scans at the bedside. */
  result->kind = MAR_SCAN_KIND_UNKNOWN;
  return TRUE;
}

static gboolean
resolve_plain (MarVerifier   *self,
               MarScanResult *result,
               GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *identifier = mar_scan_get_identifier (result->scan);

  /* A wristband is the commonest scan, then the bag, then a badge. The
   * namespaces do not overlap in practice (MRNs are digits, labels and
   * badges carry prefixes), and the order only matters if a hospital
   * reuses one value in two of them. */
  result->patient = mar_store_find_patient_by_mrn (self->store, identifier, &local_error);
  if (!not_found_is_fine (&local_error, error))
    return FALSE;
  if (result->patient != NULL)
    {
      result->kind = MAR_SCAN_KIND_WRISTBAND;
      return TRUE;
    }

  /* A configured wristband prefix says what this is even if the MRN is not
   * in the cache: PATIENT_UNKNOWN, not PRODUCT_UNKNOWN. */
  if (mar_scan_has_mrn_prefix (result->scan))
    {
      result->kind = MAR_SCAN_KIND_WRISTBAND;
      return TRUE;
    }

  result->dispense = mar_store_find_dispense_by_label (self->store, identifier, &local_error);
  if (!not_found_is_fine (&local_error, error))
    return FALSE;
  if (result->dispense != NULL)
    {
      result->kind = MAR_SCAN_KIND_BAG_LABEL;
      if (result->dispense->product_id != NULL)
        {
          result->product = mar_store_get_product (self->store, result->dispense->product_id, &local_error);
          if (!not_found_is_fine (&local_error, error))
            return FALSE;
        }
      return TRUE;
    }

  result->staff = mar_store_find_staff_by_badge (self->store, identifier, &local_error);
  if (!not_found_is_fine (&local_error, error))
    return FALSE;
  if (result->staff != NULL)
    {
      result->kind = MAR_SCAN_KIND_BADGE;
      return TRUE;
    }

  /* Other identifier systems on the patient (a visit number some
   * hospitals print on bands). */
  result->patient = mar_store_find_patient_by_identifier (self->store, identifier, &local_error);
  if (!not_found_is_fine (&local_error, error))
    return FALSE;
  result->kind = result->patient != NULL ? MAR_SCAN_KIND_WRISTBAND : MAR_SCAN_KIND_UNKNOWN;
  return TRUE;
}

MarScanResult *
mar_verifier_resolve_scan (MarVerifier   *self,
                           const char    *data,
                           gssize         length,
                           MarScanSource  source,
                           gint64         now,
                           GError       **error)
{
  g_autoptr(MarScanResult) result = mar_scan_result_new ();
  g_autoptr(GError) parse_error = NULL;
  MarScanOptions options = {
    .gs_replacement = self->gs_replacement,
    .mrn_prefix = self->mrn_prefix,
    .reference_time = now,
  };
  gboolean ok;

  g_return_val_if_fail (MAR_IS_VERIFIER (self), NULL);

  result->scan = mar_scan_parse (data != NULL ? data : "", data != NULL ? length : 0,
                                 &options, &parse_error);
  if (result->scan == NULL)
    {
      result->kind = MAR_SCAN_KIND_UNREADABLE;
      result->error = g_strdup (parse_error->message);
      return g_steal_pointer (&result);
    }
  mar_scan_set_source (result->scan, source);

  if (!mar_store_begin_read (self->store, error))
    return NULL;
  if (mar_scan_get_syntax (result->scan) == MAR_SCAN_SYNTAX_GS1)
    ok = resolve_gs1 (self, result, error);
  else
    ok = resolve_plain (self, result, error);
  mar_store_rollback (self->store);

  if (!ok)
    return NULL;
  return g_steal_pointer (&result);
}

static void
fill_scan_fact (MarScanFact         *fact,
                const MarScanResult *result)
{
  GDate expiry;

  fact->kind = result->kind;
  fact->error_message = result->error;
  if (result->scan == NULL)
    return;

  fact->display = mar_scan_get_display (result->scan);
  fact->keyed = mar_scan_get_source (result->scan) == MAR_SCAN_SOURCE_KEYED;
  if (mar_scan_get_syntax (result->scan) != MAR_SCAN_SYNTAX_GS1)
    return;

  fact->gtin = mar_scan_get_gtin (result->scan);
  fact->lot = mar_scan_get_lot (result->scan);
  fact->serial = mar_scan_get_serial (result->scan);
  if (mar_scan_get_expiry_date (result->scan, &expiry))
    {
      fact->expiry_year = g_date_get_year (&expiry);
      fact->expiry_month = g_date_get_month (&expiry);
      fact->expiry_day = g_date_get_day (&expiry);
    }
  fact->has_expiry_time = mar_scan_get_expiry_time (result->scan,
                                                    &fact->expiry_time_year,
                                                    &fact->expiry_time_month,
                                                    &fact->expiry_time_day,
                                                    &fact->expiry_time_hour,
                                                    &fact->expiry_time_minute);
}

static GPtrArray *
borrow_all (GPtrArray *owned)
{
  GPtrArray *borrowed = g_ptr_array_sized_new (owned != NULL ? owned->len : 0);

  for (guint i = 0; owned != NULL && i < owned->len; i++)
    g_ptr_array_add (borrowed, g_ptr_array_index (owned, i));
  return borrowed;
}

/* Reads every fact in one read transaction, so the verdict is about one
 * consistent state of the cache even while sync writes beside us. */
static gboolean
read_facts (MarVerifier    *self,
            MarScanResult  *patient_scan,
            MarScanResult  *product_scan,
            gint64          now,
            MarVerifyFacts *facts,
            GPtrArray     **orders,
            GPtrArray     **order_products,
            GPtrArray     **allergies,
            GPtrArray     **administrations,
            GPtrArray     **administration_products,
            GPtrArray     **bag_uses,
            GError        **error)
{
  const MarPatient *patient = patient_scan->kind == MAR_SCAN_KIND_WRISTBAND ? patient_scan->patient : NULL;
  g_autofree char *bag_id = NULL;

  if (!mar_store_get_last_sync (self->store, &facts->last_sync, error))
    return FALSE;

  if (patient != NULL)
    {
      *orders = mar_store_list_orders (self->store, patient->id, error);
      if (*orders == NULL)
        return FALSE;
      *order_products = mar_store_list_order_products (self->store, patient->id, error);
      if (*order_products == NULL)
        return FALSE;
      *allergies = mar_store_list_allergies (self->store, patient->id, error);
      if (*allergies == NULL)
        return FALSE;
      *administrations = mar_store_list_administrations (self->store, patient->id,
                                                         now - ADMINISTRATION_HISTORY_SECONDS, error);
      if (*administrations == NULL)
        return FALSE;
      *administration_products = mar_store_list_administration_products (self->store, patient->id,
                                                                         now - ADMINISTRATION_HISTORY_SECONDS,
                                                                         error);
      if (*administration_products == NULL)
        return FALSE;
    }

  bag_id = mar_verify_dup_bag_id (&facts->product_scan,
                                  product_scan->kind == MAR_SCAN_KIND_BAG_LABEL ? product_scan->dispense : NULL);
  if (bag_id != NULL)
    {
      *bag_uses = mar_store_list_administrations_by_bag (self->store, bag_id, error);
      if (*bag_uses == NULL)
        return FALSE;
    }
  return TRUE;
}

MarVerification *
mar_verifier_verify (MarVerifier   *self,
                     MarScanResult *patient_scan,
                     MarScanResult *product_scan,
                     gint64         now,
                     GError       **error)
{
  g_autoptr(MarVerification) verification = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GPtrArray) order_products = NULL;
  g_autoptr(GPtrArray) allergies = NULL;
  g_autoptr(GPtrArray) administrations = NULL;
  g_autoptr(GPtrArray) administration_products = NULL;
  g_autoptr(GPtrArray) bag_uses = NULL;
  g_autoptr(GPtrArray) borrowed_orders = NULL;
  g_autoptr(GPtrArray) borrowed_products = NULL;
  g_autoptr(GPtrArray) borrowed_allergies = NULL;
  g_autoptr(GPtrArray) borrowed_administrations = NULL;
  g_autoptr(GPtrArray) borrowed_administration_products = NULL;
  g_autoptr(GPtrArray) borrowed_bag_uses = NULL;
  MarVerifyFacts facts = { 0 };
  const char *order_id;
  gboolean ok;

  g_return_val_if_fail (MAR_IS_VERIFIER (self), NULL);
  g_return_val_if_fail (patient_scan != NULL, NULL);
  g_return_val_if_fail (product_scan != NULL, NULL);

  facts.now = now;
  facts.time_zone = self->time_zone;
  facts.library = self->library;
  facts.last_sync = MAR_TIME_UNSET;
  facts.clock_skew_known = self->clock_skew_known;
  facts.clock_skew = self->clock_skew;
  fill_scan_fact (&facts.patient_scan, patient_scan);
  fill_scan_fact (&facts.product_scan, product_scan);

  if (!mar_store_begin_read (self->store, error))
    return NULL;
  ok = read_facts (self, patient_scan, product_scan, now, &facts,
                   &orders, &order_products, &allergies, &administrations,
                   &administration_products, &bag_uses, error);
  mar_store_rollback (self->store);
  if (!ok)
    return NULL;

  borrowed_orders = borrow_all (orders);
  borrowed_products = borrow_all (order_products);
  borrowed_allergies = borrow_all (allergies);
  borrowed_administrations = borrow_all (administrations);
  borrowed_administration_products = borrow_all (administration_products);
  borrowed_bag_uses = borrow_all (bag_uses);

  facts.patient = patient_scan->kind == MAR_SCAN_KIND_WRISTBAND ? patient_scan->patient : NULL;
  facts.orders = borrowed_orders;
  facts.order_products = borrowed_products;
  facts.allergies = borrowed_allergies;
  facts.administrations = borrowed_administrations;
  facts.administration_products = borrowed_administration_products;
  facts.product = product_scan->product;
  facts.dispense = product_scan->kind == MAR_SCAN_KIND_BAG_LABEL ? product_scan->dispense : NULL;
  facts.bag_uses = borrowed_bag_uses;

  verification = g_new0 (MarVerification, 1);
  g_atomic_ref_count_init (&verification->ref_count);
  verification->time = now;
  verification->verdict = mar_verify (&facts);
  verification->patient_scan = mar_scan_result_ref (patient_scan);
  verification->product_scan = mar_scan_result_ref (product_scan);

  /* Copies for the caller: the scan results keep their own. */
  if (facts.patient != NULL)
    verification->patient = mar_store_get_patient (self->store, facts.patient->id, NULL);
  if (product_scan->product != NULL)
    verification->product = mar_store_get_product (self->store, product_scan->product->id, NULL);
  if (facts.dispense != NULL)
    verification->dispense = mar_store_get_dispense (self->store, facts.dispense->id, NULL);

  order_id = mar_verdict_get_order_id (verification->verdict);
  for (guint i = 0; order_id != NULL && orders != NULL && i < orders->len; i++)
    {
      MarOrder *order = g_ptr_array_index (orders, i);

      if (g_strcmp0 (order->id, order_id) == 0)
        {
          verification->order = g_ptr_array_steal_index (orders, i);
          break;
        }
    }

  return g_steal_pointer (&verification);
}

/* The drug library ------------------------------------------------------ */

MarDrugLibrary *
mar_drug_library_load_installed (MarStore  *store,
                                 GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);

  json = mar_store_dup_setting (store, SETTING_DRUG_LIBRARY, &local_error);
  if (json == NULL)
    {
      if (!g_error_matches (local_error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      return mar_drug_library_new_default ();
    }

  {
    gsize length = strlen (json);

    bytes = g_bytes_new_take (g_steal_pointer (&json), length);
  }
  return mar_drug_library_new_from_bytes (bytes, error);
}

gboolean
mar_drug_library_install (MarStore    *store,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(MarDrugLibrary) library = NULL;
  g_autofree char *contents = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* Validate first: an invalid file never replaces the library in force. */
  library = mar_drug_library_new_from_file (path, error);
  if (library == NULL)
    return FALSE;
  if (!g_file_get_contents (path, &contents, NULL, error))
    return FALSE;
  return mar_store_set_setting (store, SETTING_DRUG_LIBRARY, contents, error);
}
