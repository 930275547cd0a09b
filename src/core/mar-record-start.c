/* mar-record-start.c — a bag prepared at the bedside, started, or hung as the next bag
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The start is where the five rights are checked for real: the full
 * verification (mar-verifier.h) and the rate check (mar_verify_rate) run
 * inside the action's write transaction at the clinical time. A block
 * refuses; each warning goes on only with a reason from its list
 * (RULES.md severities); the witness rule applies to high-alert drugs.
 */

#define G_LOG_DOMAIN "mar-record"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "mar-record-private.h"
#include "mar-store-private.h"

/* The verification of the two scans at the clinical time, with what
 * "unable to scan" asks for; its findings go into @check. */
static MarVerification *
verify_scans (MarRecordAction        *action,
              MarScanResult          *patient_scan,
              MarScanResult          *product_scan,
              const MarUnableToScan  *unable,
              MarRecordCheck         *check,
              GError                **error)
{
  MarRecord *self = action->record;
  g_autoptr(MarVerification) verification = NULL;

  g_return_val_if_fail (patient_scan != NULL && product_scan != NULL, NULL);

  if (unable != NULL && !mar_record_check_unable_to_scan (unable, patient_scan, product_scan, error))
    return NULL;
  verification = mar_verifier_verify (self->verifier, patient_scan, product_scan, action->at, error);
  if (verification == NULL)
    return NULL;
  check->verification = mar_verification_ref (verification);
  mar_record_check_add_verdict (check, mar_verification_get_verdict (verification));
  if (unable != NULL)
    mar_record_confirm_identifiers (unable, mar_verification_get_patient (verification), check);
  return g_steal_pointer (&verification);
}

/* The local bag a re-scanned running bag opens (RULES.md,
 * BAG_ALREADY_USED): by its administration, else by its bag id. */
static gboolean
find_open_infusion (MarStore         *store,
                    const MarVerdict *verdict,
                    const char       *patient_id,
                    gint64           *id,
                    GError          **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (store,
    "SELECT id FROM infusions WHERE uuid = ?1 "
    "UNION ALL SELECT id FROM infusions WHERE bag_id = ?2 AND patient_id = ?3 "
    "  AND state IN ('infusing', 'paused') LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, mar_verdict_get_open_administration_id (verdict), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, mar_verdict_get_bag_id (verdict), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, patient_id, -1, SQLITE_TRANSIENT);
  rc = mar_store_step (store, stmt, error);
  if (rc < 0)
    return FALSE;
  *id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

/* The patient's bag with this bag id prepared at the bedside (available). */
static gboolean
find_prepared (MarStore     *store,
               const char   *bag_id,
               const char   *patient_id,
               gint64       *id,
               GError      **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  *id = 0;
  if (bag_id == NULL)
    return TRUE;
  stmt = mar_store_prepare (store,
    "SELECT id FROM infusions WHERE bag_id = ?1 AND patient_id = ?2 AND state = 'available' "
    "ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, bag_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_TRANSIENT);
  rc = mar_store_step (store, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    *id = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static void
add_keyed (JsonBuilder   *builder,
           MarScanResult *patient_scan,
           MarScanResult *product_scan)
{
  json_builder_set_member_name (builder, "keyed");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "patient");
  json_builder_add_boolean_value (builder, mar_record_scan_is_keyed (patient_scan));
  json_builder_set_member_name (builder, "product");
  json_builder_add_boolean_value (builder, mar_record_scan_is_keyed (product_scan));
  json_builder_end_object (builder);
}

/* RULES.md, The record: keyed entries and unable-to-scan events go to the
 * variance log. */
static gboolean
add_scan_variances (MarRecordAction        *action,
                    gint64                  seq,
                    MarScanResult          *patient_scan,
                    MarScanResult          *product_scan,
                    const MarUnableToScan  *unable,
                    const char             *patient_id,
                    gint64                  infusion_id,
                    GError                **error)
{
  if (mar_record_scan_is_keyed (patient_scan) &&
      !mar_record_action_add_variance (action, seq, "keyed", "patient", NULL, NULL, G_MININT64,
                                       patient_id, infusion_id, error))
    return FALSE;
  if (mar_record_scan_is_keyed (product_scan) &&
      !mar_record_action_add_variance (action, seq, "keyed", "product", NULL, NULL, G_MININT64,
                                       patient_id, infusion_id, error))
    return FALSE;
  if (unable != NULL && unable->patient_reason != NULL &&
      !mar_record_action_add_variance (action, seq, "unable-to-scan", "patient", unable->patient_reason,
                                       NULL, G_MININT64, patient_id, infusion_id, error))
    return FALSE;
  if (unable != NULL && unable->product_reason != NULL &&
      !mar_record_action_add_variance (action, seq, "unable-to-scan", "product", unable->product_reason,
                                       NULL, G_MININT64, patient_id, infusion_id, error))
    return FALSE;
  return TRUE;
}

MarInfusion *
mar_record_prepare (MarRecord               *self,
                    const MarRecordContext  *context,
                    MarScanResult           *patient_scan,
                    MarScanResult           *product_scan,
                    const MarUnableToScan   *unable_to_scan,
                    MarRecordCheck         **check_out,
                    GError                 **error)
{
  g_auto(MarRecordAction) action = { 0 };
  g_autoptr(MarRecordCheck) check = mar_record_check_new ();
  g_autoptr(MarVerification) verification = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  MarInfusion *infusion = NULL;
  const MarPatient *patient;
  gint64 id, seq;

  g_return_val_if_fail (MAR_IS_RECORD (self), NULL);

  if (!mar_record_action_begin (self, context, &action, error))
    goto out;
  verification = verify_scans (&action, patient_scan, product_scan, unable_to_scan, check, error);
  if (verification == NULL)
    goto out;
  if (mar_verdict_get_outcome (mar_verification_get_verdict (verification)) == MAR_VERDICT_OUTCOME_OPEN_INFUSION)
    {
      patient = mar_verification_get_patient (verification);
      if (find_open_infusion (self->store, mar_verification_get_verdict (verification), patient->id,
                              &check->open_infusion, error))
        g_set_error_literal (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OPEN_INFUSION,
                             _("This bag is already infusing for this patient: open it"));
      goto out;
    }
  /* Warnings are shown here; their reasons are given at the start. */
  if (mar_record_check_get_kind (check) == MAR_VERDICT_BLOCK)
    {
      mar_record_check_settle (check, error);
      goto out;
    }

  patient = mar_verification_get_patient (verification);
  if (!mar_record_next_infusion_id (self->store, &id, error))
    goto out;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "bag");
  json_builder_add_value (builder, mar_record_bag_description (verification, uuid, 0));
  add_keyed (builder, patient_scan, product_scan);
  if (unable_to_scan != NULL)
    {
      json_builder_set_member_name (builder, "unable_to_scan");
      json_builder_add_value (builder, mar_record_unable_to_scan_to_json (unable_to_scan));
    }
  json_builder_set_member_name (builder, "verification");
  json_builder_add_value (builder, mar_verification_to_json (verification, self->time_zone));
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);

  if (!mar_record_action_append (&action, MAR_ENTRY_BAG_PREPARED, id, patient->id, NULL, 0, payload,
                                 &seq, error) ||
      !add_scan_variances (&action, seq, patient_scan, product_scan, unable_to_scan, patient->id, id, error) ||
      !mar_record_action_finish (&action, id, &infusion, error))
    goto out;

out:
  if (check_out != NULL)
    *check_out = g_steal_pointer (&check);
  return infusion;
}

/* The rate check (RULES.md, Dose, route, rate) at start and rate change:
 * its findings go into @check; @snapshot (nullable) receives what it said,
 * for the entry. */
gboolean
mar_record_check_rate (MarRecord          *self,
                       const MarInfusion  *bag,
                       MarVerification    *verification,
                       gint64              at,
                       double              rate_ml_per_h,
                       MarRecordCheck     *check,
                       JsonNode          **snapshot,
                       GError            **error)
{
  g_autoptr(MarPatient) patient = NULL;
  g_autoptr(MarOrder) order = NULL;
  g_autoptr(MarProduct) product = NULL;
  g_autoptr(MarDispense) dispense = NULL;
  g_autoptr(MarVerdict) verdict = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  MarRateFacts facts = { .now = at, .library = self->library, .rate_ml_per_h = rate_ml_per_h };
  GPtrArray *findings;
  double low, high;

  if (verification != NULL)
    {
      facts.patient = mar_verification_get_patient (verification);
      facts.order = mar_verification_get_order (verification);
      facts.product = mar_verification_get_product (verification);
      facts.dispense = mar_verification_get_dispense (verification);
    }
  else
    {
      /* A running bag: the order, the bag and the weight as the cache
       * holds them now (a new weight changes a per-kg rate). */
      if ((patient = mar_store_get_patient (self->store, bag->patient_id, error)) == NULL ||
          (bag->order_id != NULL && (order = mar_store_get_order (self->store, bag->order_id, error)) == NULL) ||
          (bag->product_id != NULL && (product = mar_store_get_product (self->store, bag->product_id, error)) == NULL) ||
          (bag->dispense_id != NULL && (dispense = mar_store_get_dispense (self->store, bag->dispense_id, error)) == NULL))
        return FALSE;
      facts.patient = patient;
      facts.order = order;
      facts.product = product;
      facts.dispense = dispense;
    }
  if (facts.order == NULL || facts.product == NULL)
    return TRUE;  /* no order or no product: the verification already blocks */

  verdict = mar_verify_rate (&facts);
  mar_record_check_add_verdict (check, verdict);
  if (snapshot == NULL)
    return TRUE;

  findings = mar_verdict_get_findings (verdict);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, mar_verdict_kind_to_string (mar_verdict_get_kind (verdict)));
  if (mar_verdict_get_ordered_rate (verdict, &low, &high))
    {
      json_builder_set_member_name (builder, "ordered_ml_h");
      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, low);
      json_builder_add_double_value (builder, high);
      json_builder_end_array (builder);
    }
  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < findings->len; i++)
    {
      const MarFinding *f = g_ptr_array_index (findings, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, mar_finding_get_code (f));
      json_builder_set_member_name (builder, "severity");
      json_builder_add_string_value (builder, mar_severity_to_string (mar_finding_get_severity (f)));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, mar_finding_get_message (f));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  *snapshot = json_builder_get_root (builder);
  return TRUE;
}

void
mar_record_overrides_to_json (MarRecordCheck *check,
                              JsonBuilder    *builder)
{
  json_builder_set_member_name (builder, "overrides");
  json_builder_begin_array (builder);
  for (guint i = 0; i < check->items->len; i++)
    {
      const MarCheckItem *item = g_ptr_array_index (check->items, i);

      if (item->override_reason == NULL)
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, item->code);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, item->override_reason);
      if (item->override_comment != NULL)
        {
          json_builder_set_member_name (builder, "comment");
          json_builder_add_string_value (builder, item->override_comment);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* RULES.md, The record: overrides and early or late doses (with the
 * minutes) go to the variance log. */
gboolean
mar_record_add_check_variances (MarRecordAction  *action,
                                MarRecordCheck   *check,
                                gint64            seq,
                                const char       *patient_id,
                                gint64            infusion_id,
                                GError          **error)
{
  MarVerdict *verdict = check->verification != NULL ? mar_verification_get_verdict (check->verification) : NULL;

  for (guint i = 0; i < check->items->len; i++)
    {
      const MarCheckItem *item = g_ptr_array_index (check->items, i);

      if (item->override_reason != NULL &&
          !mar_record_action_add_variance (action, seq, "override", item->code, item->override_reason,
                                           item->override_comment, G_MININT64, patient_id, infusion_id,
                                           error))
        return FALSE;
      if (verdict != NULL &&
          (g_strcmp0 (item->code, "TIME_EARLY") == 0 || g_strcmp0 (item->code, "TIME_LATE") == 0) &&
          !mar_record_action_add_variance (action, seq, g_str_equal (item->code, "TIME_EARLY") ? "early" : "late",
                                           item->code, NULL, NULL,
                                           ABS (mar_verdict_get_minutes_from_due (verdict)),
                                           patient_id, infusion_id, error))
        return FALSE;
    }
  return TRUE;
}

/* A PRN dose needs its indication (RULES.md, PRN_TOO_SOON). */
static void
require_prn_reason (MarRecordCheck        *check,
                    const MarVerdict      *verdict,
                    const MarStartRequest *request)
{
  MarCheckItem *item;

  if ((mar_verdict_get_requirements (verdict) & MAR_REQUIRES_PRN_REASON) == 0 ||
      (request->prn_reason != NULL && *request->prn_reason != '\0'))
    return;
  item = mar_record_check_add (check, "PRN_REASON", MAR_SEVERITY_INFO, MAR_RIGHT_OTHER,
                               _("An as-needed dose needs the reason it is given"));
  g_ptr_array_add (check->missing, item);
}

/* The bag a new bag follows: the same patient and order, and no longer
 * running (RULES.md, BAG_STILL_INFUSING). */
static gboolean
check_previous (MarRecord         *self,
                gint64             previous,
                MarVerification   *verification,
                MarRecordCheck    *check,
                GError           **error)
{
  g_autoptr(GPtrArray) entries = mar_record_load_entries (self->store, previous, error);
  g_autoptr(MarInfusion) bag = NULL;
  const MarPatient *patient = mar_verification_get_patient (verification);
  const MarOrder *order = mar_verification_get_order (verification);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, previous);

  if (entries == NULL)
    return FALSE;
  if (entries->len == 0)
    {
      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_FOUND,
                   _("There is no bag %s in this terminal's record"), id);
      return FALSE;
    }
  if ((bag = mar_record_replay (previous, entries, error)) == NULL)
    return FALSE;
  if (patient == NULL || order == NULL)
    return TRUE;  /* the verification blocks already */
  if (g_strcmp0 (bag->patient_id, patient->id) != 0 || g_strcmp0 (bag->order_id, order->id) != 0)
    {
      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                   _("Bag %s is for another patient or another order: a new bag follows a bag of "
                     "the same infusion"), id);
      return FALSE;
    }
  if ((bag->state == MAR_INFUSION_INFUSING || bag->state == MAR_INFUSION_PAUSED) &&
      !mar_record_check_has_code (check, "BAG_STILL_INFUSING"))
    {
      g_autofree char *message = g_strdup_printf (_("Bag %s is still %s: complete it before hanging "
                                                    "the next one"),
                                                  id, mar_infusion_state_get_label (bag->state));
      mar_record_check_add (check, "BAG_STILL_INFUSING", MAR_SEVERITY_BLOCK, MAR_RIGHT_OTHER, message);
    }
  if (!mar_infusion_state_is_hung (bag->state) && bag->state != MAR_INFUSION_COMPLETED)
    {
      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                   _("Bag %s was never hung (%s): a new bag follows a bag that ran"),
                   id, mar_infusion_state_get_label (bag->state));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_request (const MarStartRequest  *request,
               GError                **error)
{
  if (!isfinite (request->rate_ml_per_h) || request->rate_ml_per_h <= 0 ||
      request->rate_ml_per_h > MAR_RECORD_MAX_RATE_ML_PER_H)
    {
      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                   _("A bag starts at a rate above 0 and at most %g mL/h"), MAR_RECORD_MAX_RATE_ML_PER_H);
      return FALSE;
    }
  if (!isfinite (request->vtbi_ml) || request->vtbi_ml < 0)
    {
      g_set_error_literal (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                           _("The volume to be infused is 0 mL (not given) or more"));
      return FALSE;
    }
  return TRUE;
}

static void
add_optional_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  if (value == NULL || *value == '\0')
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

MarInfusion *
mar_record_start (MarRecord               *self,
                  const MarRecordContext  *context,
                  const MarStartRequest   *request,
                  MarRecordCheck         **check_out,
                  GError                 **error)
{
  g_auto(MarRecordAction) action = { 0 };
  g_autoptr(MarRecordCheck) check = mar_record_check_new ();
  g_autoptr(MarVerification) verification = NULL;
  g_autoptr(MarInfusion) prepared = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(JsonNode) rate_snapshot = NULL;
  g_autofree char *uuid = NULL;
  MarInfusion *infusion = NULL;
  const MarPatient *patient;
  MarVerdict *verdict;
  gint64 id = 0, seq;

  g_return_val_if_fail (MAR_IS_RECORD (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (!mar_record_action_begin (self, context, &action, error) ||
      !check_request (request, error))
    goto out;

  verification = verify_scans (&action, request->patient_scan, request->product_scan,
                               request->unable_to_scan, check, error);
  if (verification == NULL)
    goto out;
  verdict = mar_verification_get_verdict (verification);
  patient = mar_verification_get_patient (verification);

  if (mar_verdict_get_outcome (verdict) == MAR_VERDICT_OUTCOME_OPEN_INFUSION)
    {
      if (find_open_infusion (self->store, verdict, patient->id, &check->open_infusion, error))
        g_set_error_literal (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OPEN_INFUSION,
                             _("This bag is already infusing for this patient: open it"));
      goto out;
    }

  if ((request->previous != 0 && !check_previous (self, request->previous, verification, check, error)) ||
      !mar_record_check_rate (self, NULL, verification, action.at, request->rate_ml_per_h, check,
                              &rate_snapshot, error) ||
      !mar_record_action_check_witness (&action,
                                        (mar_verdict_get_requirements (verdict) & MAR_REQUIRES_WITNESS) != 0,
                                        check, error))
    goto out;
  require_prn_reason (check, verdict, request);
  if (!mar_record_check_apply_overrides (check, context, error) ||
      !mar_record_check_settle (check, error))
    goto out;

  /* The patient's bag prepared at the bedside, if this is it. */
  if (!find_prepared (self->store, mar_verdict_get_bag_id (verdict), patient->id, &id, error))
    goto out;
  if (id != 0)
    {
      prepared = mar_record_action_load_bag (&action, id, MAR_INFUSION_ACTION_START, NULL, error);
      if (prepared == NULL)
        goto out;
    }
  else if (!mar_record_next_infusion_id (self->store, &id, error))
    goto out;

  json_builder_begin_object (builder);
  if (prepared == NULL)
    {
      uuid = g_uuid_string_random ();
      json_builder_set_member_name (builder, "bag");
      json_builder_add_value (builder, mar_record_bag_description (verification, uuid, request->previous));
    }
  json_builder_set_member_name (builder, "rate_ml_h");
  json_builder_add_double_value (builder, request->rate_ml_per_h);
  if (request->vtbi_ml > 0)
    {
      json_builder_set_member_name (builder, "vtbi_ml");
      json_builder_add_double_value (builder, request->vtbi_ml);
    }
  add_optional_string (builder, "site", request->site);
  add_optional_string (builder, "pump", request->pump);
  add_optional_string (builder, "channel", request->channel);
  add_optional_string (builder, "prn_reason", request->prn_reason);
  mar_record_overrides_to_json (check, builder);
  add_keyed (builder, request->patient_scan, request->product_scan);
  if (request->unable_to_scan != NULL)
    {
      json_builder_set_member_name (builder, "unable_to_scan");
      json_builder_add_value (builder, mar_record_unable_to_scan_to_json (request->unable_to_scan));
    }
  json_builder_set_member_name (builder, "verification");
  json_builder_add_value (builder, mar_verification_to_json (verification, self->time_zone));
  if (rate_snapshot != NULL)
    {
      json_builder_set_member_name (builder, "rate_check");
      json_builder_add_value (builder, g_steal_pointer (&rate_snapshot));
    }
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);

  if (!mar_record_action_append (&action, MAR_ENTRY_STARTED, id, patient->id,
                                 mar_record_action_witness_id (&action), 0, payload, &seq, error) ||
      !mar_record_add_check_variances (&action, check, seq, patient->id, id, error) ||
      !add_scan_variances (&action, seq, request->patient_scan, request->product_scan,
                           request->unable_to_scan, patient->id, id, error) ||
      !mar_record_action_finish (&action, id, &infusion, error))
    goto out;

out:
  if (check_out != NULL)
    *check_out = g_steal_pointer (&check);
  return infusion;
}
