/* mar-record-actions.c — what a nurse does to a hung bag, and doses not given
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rate change, pause, resume (or restart), bolus, stop, complete (RULES.md,
 * The record; after VistA BCMA's IV bag actions and Epic's MAR actions),
 * and held / refused / missing / not given. Each one: the bag's entries
 * replayed, the transition checked against the state machine
 * (mar-infusion.h), one entry appended, the bag's projection and FHIR
 * resources brought up to date — one transaction.
 */

#define G_LOG_DOMAIN "mar-record"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "mar-record-private.h"
#include "mar-schedule.h"
#include "mar-store-private.h"

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL || *value == '\0')
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

/* Appends the one entry of a simple action and finishes it. */
static gboolean
append_and_finish (MarRecordAction  *action,
                   const char       *kind,
                   MarInfusion      *bag,
                   JsonBuilder      *builder,
                   const char       *witness_id,
                   MarRecordCheck   *check,
                   MarInfusion     **out,
                   GError          **error)
{
  g_autoptr(JsonNode) payload = json_builder_get_root (builder);
  gint64 seq;

  return mar_record_action_append (action, kind, bag->id, bag->patient_id, witness_id, 0, payload,
                                   &seq, error) &&
         (check == NULL ||
          mar_record_add_check_variances (action, check, seq, bag->patient_id, bag->id, error)) &&
         mar_record_action_finish (action, bag->id, out, error);
}

gboolean
mar_record_change_rate (MarRecord               *self,
                        const MarRecordContext  *context,
                        gint64                   infusion,
                        double                   rate_ml_per_h,
                        const char              *reason,
                        const char              *comment,
                        MarRecordCheck         **check_out,
                        GError                 **error)
{
  g_auto(MarRecordAction) action = { 0 };
  g_autoptr(MarRecordCheck) check = mar_record_check_new ();
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) snapshot = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (MAR_IS_RECORD (self), FALSE);

  if (!mar_record_action_begin (self, context, &action, error) ||
      (bag = mar_record_action_load_bag (&action, infusion, MAR_INFUSION_ACTION_RATE, NULL, error)) == NULL)
    goto out;
  /* 0 mL/h is a rate a pump runs at (a titration to off); the bag stays
   * hung and gives nothing until the next change. */
  if (!isfinite (rate_ml_per_h) || rate_ml_per_h < 0 || rate_ml_per_h > MAR_RECORD_MAX_RATE_ML_PER_H)
    {
      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                   _("A rate is from 0 to %g mL/h"), MAR_RECORD_MAX_RATE_ML_PER_H);
      goto out;
    }
  if (rate_ml_per_h == bag->rate_ml_per_h)
    {
      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                   _("The bag already runs at %g mL/h"), rate_ml_per_h);
      goto out;
    }
  if (!mar_record_check_reason (MAR_VOCABULARY_RATE_CHANGE, reason, comment, FALSE, error) ||
      !mar_record_check_rate (self, bag, NULL, action.at, rate_ml_per_h, check, &snapshot, error) ||
      !mar_record_action_check_witness (&action, bag->requires_witness, check, error) ||
      !mar_record_check_apply_overrides (check, context, error) ||
      !mar_record_check_settle (check, error))
    goto out;

  json_builder_begin_object (builder);
  add_double (builder, "rate_ml_h", rate_ml_per_h);
  add_double (builder, "previous_rate_ml_h", bag->rate_ml_per_h);
  add_string (builder, "reason", reason);
  add_string (builder, "comment", comment);
  mar_record_overrides_to_json (check, builder);
  if (snapshot != NULL)
    {
      json_builder_set_member_name (builder, "rate_check");
      json_builder_add_value (builder, g_steal_pointer (&snapshot));
    }
  json_builder_end_object (builder);
  ok = append_and_finish (&action, MAR_ENTRY_RATE_CHANGED, bag, builder,
                          mar_record_action_witness_id (&action), check, NULL, error);

out:
  if (check_out != NULL)
    *check_out = g_steal_pointer (&check);
  return ok;
}

gboolean
mar_record_pause (MarRecord               *self,
                  const MarRecordContext  *context,
                  gint64                   infusion,
                  const char              *reason,
                  const char              *comment,
                  GError                 **error)
{
  g_auto(MarRecordAction) action = { 0 };
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (MAR_IS_RECORD (self), FALSE);

  if (!mar_record_action_begin (self, context, &action, error) ||
      (bag = mar_record_action_load_bag (&action, infusion, MAR_INFUSION_ACTION_PAUSE, NULL, error)) == NULL ||
      !mar_record_check_reason (MAR_VOCABULARY_PAUSE, reason, comment, FALSE, error))
    return FALSE;

  json_builder_begin_object (builder);
  add_string (builder, "reason", reason);
  add_string (builder, "comment", comment);
  json_builder_end_object (builder);
  return append_and_finish (&action, MAR_ENTRY_PAUSED, bag, builder, NULL, NULL, NULL, error);
}

gboolean
mar_record_resume (MarRecord               *self,
                   const MarRecordContext  *context,
                   gint64                   infusion,
                   MarRecordCheck         **check_out,
                   GError                 **error)
{
  g_auto(MarRecordAction) action = { 0 };
  g_autoptr(MarRecordCheck) check = mar_record_check_new ();
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean ok = FALSE;

  g_return_val_if_fail (MAR_IS_RECORD (self), FALSE);

  if (!mar_record_action_begin (self, context, &action, error) ||
      (bag = mar_record_action_load_bag (&action, infusion, MAR_INFUSION_ACTION_RESUME, NULL, error)) == NULL)
    goto out;

  /* It goes on at the rate it had; a different rate is a rate change
   * after it, with its own check. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "restart");
  json_builder_add_boolean_value (builder, bag->state == MAR_INFUSION_STOPPED);
  add_double (builder, "rate_ml_h", bag->rate_ml_per_h);
  json_builder_end_object (builder);
  ok = append_and_finish (&action, MAR_ENTRY_RESUMED, bag, builder, NULL, NULL, NULL, error);

out:
  if (check_out != NULL)
    *check_out = g_steal_pointer (&check);
  return ok;
}

gboolean
mar_record_give_bolus (MarRecord               *self,
                       const MarRecordContext  *context,
                       gint64                   infusion,
                       double                   volume_ml,
                       MarRecordCheck         **check_out,
                       GError                 **error)
{
  g_auto(MarRecordAction) action = { 0 };
  g_autoptr(MarRecordCheck) check = mar_record_check_new ();
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean ok = FALSE;
  double left;

  g_return_val_if_fail (MAR_IS_RECORD (self), FALSE);

  if (!mar_record_action_begin (self, context, &action, error) ||
      (bag = mar_record_action_load_bag (&action, infusion, MAR_INFUSION_ACTION_BOLUS, NULL, error)) == NULL)
    goto out;
  left = mar_infusion_get_cap_ml (bag) - mar_infusion_get_volume_at (bag, action.at);
  if (!isfinite (volume_ml) || volume_ml <= 0 || volume_ml > left + 1e-9)
    {
      g_autofree char *most = g_strdup_printf ("%.1f", MAX (left, 0));

      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                   _("A bolus from the bag is more than 0 mL and at most what is left in it "
                     "(about %s mL)"), most);
      goto out;
    }
  if (!mar_record_action_check_witness (&action, bag->requires_witness, check, error) ||
      !mar_record_check_settle (check, error))
    goto out;

  json_builder_begin_object (builder);
  add_double (builder, "volume_ml", volume_ml);
  json_builder_end_object (builder);
  ok = append_and_finish (&action, MAR_ENTRY_BOLUS, bag, builder, mar_record_action_witness_id (&action),
                          NULL, NULL, error);

out:
  if (check_out != NULL)
    *check_out = g_steal_pointer (&check);
  return ok;
}

/* Stop and completion: the nurse confirms the estimate or corrects it
 * from the pump (RULES.md: the volume infused is an estimate). */
static gboolean
end_bag (MarRecord               *self,
         const MarRecordContext  *context,
         gint64                   infusion,
         MarInfusionAction        kind,
         const double            *volume_ml,
         const char              *reason,
         const char              *comment,
         GError                 **error)
{
  g_auto(MarRecordAction) action = { 0 };
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean stop = kind == MAR_INFUSION_ACTION_STOP;
  double estimate, confirmed, cap;

  if (!mar_record_action_begin (self, context, &action, error) ||
      (bag = mar_record_action_load_bag (&action, infusion, kind, NULL, error)) == NULL ||
      (stop && !mar_record_check_reason (MAR_VOCABULARY_STOP, reason, comment, FALSE, error)))
    return FALSE;

  estimate = mar_infusion_get_volume_at (bag, action.at);
  confirmed = volume_ml != NULL ? *volume_ml : estimate;
  cap = mar_infusion_get_cap_ml (bag);
  if (!isfinite (confirmed) || confirmed < 0 || confirmed > cap + 1e-9)
    {
      g_autofree char *most = g_strdup_printf ("%g", cap);

      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                   cap < G_MAXDOUBLE
                   ? _("The volume infused is from 0 mL to what the bag holds (%s mL)")
                   : _("The volume infused is 0 mL or more"),
                   most);
      return FALSE;
    }

  json_builder_begin_object (builder);
  add_string (builder, "reason", stop ? reason : NULL);
  add_string (builder, "comment", comment);
  add_double (builder, "estimated_ml", estimate);
  add_double (builder, "confirmed_ml", confirmed);
  json_builder_set_member_name (builder, "pump_volume");
  json_builder_add_boolean_value (builder, volume_ml != NULL);
  json_builder_end_object (builder);
  return append_and_finish (&action, stop ? MAR_ENTRY_STOPPED : MAR_ENTRY_COMPLETED, bag, builder,
                            NULL, NULL, NULL, error);
}

gboolean
mar_record_stop (MarRecord               *self,
                 const MarRecordContext  *context,
                 gint64                   infusion,
                 const double            *volume_ml,
                 const char              *reason,
                 const char              *comment,
                 GError                 **error)
{
  g_return_val_if_fail (MAR_IS_RECORD (self), FALSE);
  return end_bag (self, context, infusion, MAR_INFUSION_ACTION_STOP, volume_ml, reason, comment, error);
}

gboolean
mar_record_complete (MarRecord               *self,
                     const MarRecordContext  *context,
                     gint64                   infusion,
                     const double            *volume_ml,
                     const char              *comment,
                     GError                 **error)
{
  g_return_val_if_fail (MAR_IS_RECORD (self), FALSE);
  return end_bag (self, context, infusion, MAR_INFUSION_ACTION_COMPLETE, volume_ml, NULL, comment, error);
}
