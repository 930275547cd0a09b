/* mar-record-events.c — doses not given, reactions, site checks, corrections
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-record"

#include "config.h"

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
add_strv (JsonBuilder        *builder,
          const char         *name,
          const char * const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

/* Held, refused, missing, not given ----------------------------------------- */

static gboolean
not_done_kind (MarInfusionAction   action,
               const char        **kind,
               MarVocabulary      *vocabulary)
{
  switch (action)
    {
    case MAR_INFUSION_ACTION_HOLD:
      *kind = MAR_ENTRY_HELD;
      *vocabulary = MAR_VOCABULARY_HOLD;
      return TRUE;
    case MAR_INFUSION_ACTION_REFUSE:
      *kind = MAR_ENTRY_REFUSED;
      *vocabulary = MAR_VOCABULARY_REFUSE;
      return TRUE;
    case MAR_INFUSION_ACTION_MISSING:
      *kind = MAR_ENTRY_MISSING;
      *vocabulary = MAR_VOCABULARY_MISSING;
      return TRUE;
    case MAR_INFUSION_ACTION_NOT_GIVEN:
      *kind = MAR_ENTRY_NOT_GIVEN;
      *vocabulary = MAR_VOCABULARY_NOT_GIVEN;
      return TRUE;
    default:
      return FALSE;
    }
}

/* A dose of @order documented without a bag: the bag's description from
 * the order, against the due time nearest the clinical time. */
static JsonNode *
order_description (MarRecord       *self,
                   const MarPatient *patient,
                   const MarOrder  *order,
                   const char      *uuid,
                   gint64           at)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  MarSchedule schedule;
  gint64 due;

  json_builder_begin_object (builder);
  add_string (builder, "uuid", uuid);
  add_string (builder, "patient", patient->id);
  add_string (builder, "encounter", order->encounter_id != NULL ? order->encounter_id : patient->encounter_id);
  add_string (builder, "order", order->id);
  add_string (builder, "order_version", order->version);
  add_string (builder, "medication", order->medication_display);
  json_builder_set_member_name (builder, "medication_codes");
  json_builder_begin_array (builder);
  for (guint i = 0; order->medication_codes != NULL && i < order->medication_codes->len; i++)
    {
      const MarCoding *c = g_ptr_array_index (order->medication_codes, i);

      json_builder_begin_object (builder);
      add_string (builder, "system", c->system);
      add_string (builder, "code", c->code);
      add_string (builder, "display", c->display);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "continuous");
  json_builder_add_boolean_value (builder, mar_order_is_continuous (order));
  mar_schedule_init (&schedule, order, self->time_zone);
  if (mar_schedule_nearest_due (&schedule, at, &due))
    {
      json_builder_set_member_name (builder, "due_time");
      json_builder_add_int_value (builder, due);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

MarInfusion *
mar_record_document_not_done (MarRecord               *self,
                              const MarRecordContext  *context,
                              MarInfusionAction        action_kind,
                              gint64                   infusion,
                              const char              *reason,
                              const char              *comment,
                              const MarNotDoneRequest *request,
                              GError                 **error)
{
  g_auto(MarRecordAction) action = { 0 };
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(MarOrder) order = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  MarInfusion *recorded = NULL;
  const MarPatient *patient = NULL;
  const char *kind;
  MarVocabulary vocabulary;
  gint64 id;

  g_return_val_if_fail (MAR_IS_RECORD (self), NULL);
  g_return_val_if_fail (not_done_kind (action_kind, &kind, &vocabulary), NULL);
  g_return_val_if_fail (infusion != 0 || request != NULL, NULL);

  if (!mar_record_action_begin (self, context, &action, error) ||
      !mar_record_check_reason (vocabulary, reason, comment, FALSE, error))
    return NULL;

  json_builder_begin_object (builder);
  if (infusion != 0)
    {
      bag = mar_record_action_load_bag (&action, infusion, action_kind, NULL, error);
      if (bag == NULL)
        return NULL;
      id = infusion;
    }
  else
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autoptr(GError) local_error = NULL;

      if (request->patient_scan != NULL &&
          mar_scan_result_get_kind (request->patient_scan) == MAR_SCAN_KIND_WRISTBAND)
        patient = mar_scan_result_get_patient (request->patient_scan);
      if (patient == NULL || !patient->active || patient->removed)
        {
          g_set_error_literal (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_FOUND,
                               _("The wristband names no active patient on this terminal"));
          return NULL;
        }
      order = request->order_id != NULL ? mar_store_get_order (self->store, request->order_id, &local_error) : NULL;
      if (order == NULL && local_error != NULL &&
          !g_error_matches (local_error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (order == NULL || g_strcmp0 (order->patient_id, patient->id) != 0)
        {
          g_set_error_literal (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_FOUND,
                               _("This patient has no such order"));
          return NULL;
        }
      if (!mar_record_next_infusion_id (self->store, &id, error))
        return NULL;
      json_builder_set_member_name (builder, "bag");
      json_builder_add_value (builder, order_description (self, patient, order, uuid, action.at));
    }
  add_string (builder, "reason", reason);
  add_string (builder, "comment", comment);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);

  if (!mar_record_action_append (&action, kind, id, bag != NULL ? bag->patient_id : patient->id, NULL, 0,
                                 payload, NULL, error) ||
      !mar_record_action_finish (&action, id, &recorded, error))
    return NULL;
  return recorded;
}

/* Reactions and site checks ------------------------------------------------- */

/* RULES.md / issue 4: a severe or life-threatening reaction (or site
 * complication) stops the infusion unless the nurse keeps it running with
 * a reason. The stop is an entry of its own, at the same time. */
static gboolean
stop_for (MarRecordAction  *action,
          MarInfusion      *bag,
          const char       *severity,
          const char       *stop_reason,
          const char       *keep_running_reason,
          const double     *volume_ml,
          GError          **error)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) payload = NULL;
  double estimate, confirmed;

  if (!mar_severity_stops_infusion (severity) || keep_running_reason != NULL ||
      (bag->state != MAR_INFUSION_INFUSING && bag->state != MAR_INFUSION_PAUSED))
    return TRUE;
  if (action->at < bag->last_at)
    {
      g_set_error_literal (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OUT_OF_ORDER,
                           _("This reaction stops the infusion, but it is dated before the bag's latest "
                             "entry: correct that entry first, or keep the infusion running with a reason"));
      return FALSE;
    }
  estimate = mar_infusion_get_volume_at (bag, action->at);
  confirmed = volume_ml != NULL ? *volume_ml : estimate;
  if (confirmed < 0 || confirmed > mar_infusion_get_cap_ml (bag) + 1e-9)
    {
      g_set_error_literal (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                           _("The volume infused is from 0 mL to what the bag holds"));
      return FALSE;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string (builder, "reason", stop_reason);
  json_builder_set_member_name (builder, "estimated_ml");
  json_builder_add_double_value (builder, estimate);
  json_builder_set_member_name (builder, "confirmed_ml");
  json_builder_add_double_value (builder, confirmed);
  json_builder_set_member_name (builder, "pump_volume");
  json_builder_add_boolean_value (builder, volume_ml != NULL);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);
  return mar_record_action_append (action, MAR_ENTRY_STOPPED, bag->id, bag->patient_id, NULL, 0,
                                   payload, NULL, error);
}

static gboolean
check_terms (MarVocabulary        vocabulary,
             const char * const  *codes,
             const char          *what,
             GError             **error)
{
  for (guint i = 0; codes != NULL && codes[i] != NULL; i++)
    if (mar_vocabulary_lookup (vocabulary, codes[i]) == NULL)
      {
        g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                     _("“%s” is not on the list of %s"), codes[i], what);
        return FALSE;
      }
  return TRUE;
}

gint64
mar_record_add_reaction (MarRecord                *self,
                         const MarRecordContext   *context,
                         gint64                    infusion,
                         const MarReactionRequest *request,
                         GError                  **error)
{
  g_auto(MarRecordAction) action = { 0 };
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(GPtrArray) actions = g_ptr_array_new ();
  gboolean site;
  gint64 seq;

  g_return_val_if_fail (MAR_IS_RECORD (self), 0);
  g_return_val_if_fail (request != NULL, 0);

  site = mar_vocabulary_lookup (MAR_VOCABULARY_SITE_FINDING, request->kind) != NULL;
  if (!mar_record_action_begin (self, context, &action, error) ||
      (bag = mar_record_action_load_bag (&action, infusion, MAR_INFUSION_ACTION_REACTION, NULL, error)) == NULL)
    return 0;
  if (!site && mar_vocabulary_lookup (MAR_VOCABULARY_REACTION_KIND, request->kind) == NULL)
    {
      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                   _("“%s” is neither an infusion reaction nor a site complication on the list"),
                   request->kind != NULL ? request->kind : "");
      return 0;
    }
  if (!mar_record_check_reason (MAR_VOCABULARY_SEVERITY, request->severity, NULL, FALSE, error) ||
      !check_terms (MAR_VOCABULARY_REACTION_ACTION, request->actions, _("actions taken"), error) ||
      !mar_record_check_reason (MAR_VOCABULARY_REACTION_OUTCOME, request->outcome, NULL, TRUE, error) ||
      !mar_record_check_reason (MAR_VOCABULARY_KEEP_RUNNING, request->keep_running_reason,
                                request->keep_running_comment, TRUE, error))
    return 0;

  for (guint i = 0; request->actions != NULL && request->actions[i] != NULL; i++)
    g_ptr_array_add (actions, (gpointer) request->actions[i]);
  /* What the record did for the nurse is among what was done. */
  if (mar_severity_stops_infusion (request->severity) && request->keep_running_reason == NULL &&
      (bag->state == MAR_INFUSION_INFUSING || bag->state == MAR_INFUSION_PAUSED) &&
      !g_ptr_array_find_with_equal_func (actions, "stopped", g_str_equal, NULL))
    g_ptr_array_add (actions, (gpointer) "stopped");
  g_ptr_array_add (actions, NULL);

  json_builder_begin_object (builder);
  add_string (builder, "category", site ? "site" : "reaction");
  add_string (builder, "kind", request->kind);
  add_string (builder, "severity", request->severity);
  add_strv (builder, "actions", (const char * const *) actions->pdata);
  add_string (builder, "outcome", request->outcome);
  add_string (builder, "comment", request->comment);
  add_string (builder, "keep_running_reason", request->keep_running_reason);
  add_string (builder, "keep_running_comment", request->keep_running_comment);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);

  if (!mar_record_action_append (&action, MAR_ENTRY_REACTION, bag->id, bag->patient_id, NULL, 0, payload,
                                 &seq, error) ||
      !stop_for (&action, bag, request->severity, site ? "site-complication" : "reaction",
                 request->keep_running_reason, request->stop_volume_ml, error) ||
      !mar_record_action_finish (&action, bag->id, NULL, error))
    return 0;
  return seq;
}

gint64
mar_record_add_site_check (MarRecord                 *self,
                           const MarRecordContext    *context,
                           gint64                     infusion,
                           const MarSiteCheckRequest *request,
                           GError                   **error)
{
  g_auto(MarRecordAction) action = { 0 };
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  gboolean findings;
  gint64 seq;

  g_return_val_if_fail (MAR_IS_RECORD (self), 0);
  g_return_val_if_fail (request != NULL, 0);

  findings = request->findings != NULL && request->findings[0] != NULL;
  if (!mar_record_action_begin (self, context, &action, error) ||
      (bag = mar_record_action_load_bag (&action, infusion, MAR_INFUSION_ACTION_SITE_CHECK, NULL, error)) == NULL ||
      !check_terms (MAR_VOCABULARY_SITE_FINDING, request->findings, _("site complications"), error) ||
      !mar_record_check_reason (MAR_VOCABULARY_SEVERITY, request->severity, NULL, !findings, error) ||
      !mar_record_check_reason (MAR_VOCABULARY_KEEP_RUNNING, request->keep_running_reason,
                                request->keep_running_comment, TRUE, error))
    return 0;

  json_builder_begin_object (builder);
  add_string (builder, "site", request->site);
  add_strv (builder, "findings", request->findings);
  add_string (builder, "severity", findings ? request->severity : NULL);
  add_string (builder, "comment", request->comment);
  add_string (builder, "keep_running_reason", request->keep_running_reason);
  add_string (builder, "keep_running_comment", request->keep_running_comment);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);

  if (!mar_record_action_append (&action, MAR_ENTRY_SITE_CHECK, bag->id, bag->patient_id, NULL, 0, payload,
                                 &seq, error) ||
      (findings && !stop_for (&action, bag, request->severity, "site-complication",
                              request->keep_running_reason, request->stop_volume_ml, error)) ||
      !mar_record_action_finish (&action, bag->id, NULL, error))
    return 0;
  return seq;
}

/* Corrections ------------------------------------------------------------------ */

static char *
seq_text (gint64 seq)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, seq);
}

/* RULES.md, The record: append-only; a correction is a new entry that
 * references the corrected one. Entries of a bag build on each other, so
 * one is corrected only once what came after it (in the bag's state) is
 * corrected: the bag's record then always replays to a state the state
 * machine allows. Reactions and site checks stand alone. */
static gboolean
check_correctable (GPtrArray            *entries,
                   const MarRecordEntry *target,
                   GError              **error)
{
  const MarRecordEntry *first = g_ptr_array_index (entries, 0);
  gboolean creation = first == target;

  if (!creation && !mar_record_entry_kind_is_state (target->entry->kind))
    return TRUE;
  for (guint i = 0; i < entries->len; i++)
    {
      const MarRecordEntry *e = g_ptr_array_index (entries, i);

      if (e->entry->seq <= target->entry->seq || e->corrected ||
          g_str_equal (e->entry->kind, MAR_ENTRY_CORRECTION))
        continue;
      if (creation || mar_record_entry_kind_is_state (e->entry->kind))
        {
          g_autofree char *later = seq_text (e->entry->seq);
          g_autofree char *this = seq_text (target->entry->seq);

          g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_REFUSED_TRANSITION,
                       _("Entry %s (%s) came after entry %s and builds on it: correct it first"),
                       later, e->entry->kind, this);
          return FALSE;
        }
    }
  return TRUE;
}

gint64
mar_record_correct (MarRecord               *self,
                    const MarRecordContext  *context,
                    gint64                   entry_seq,
                    const char              *reason,
                    const char              *comment,
                    GError                 **error)
{
  g_auto(MarRecordAction) action = { 0 };
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *this = seq_text (entry_seq);
  const MarAuditEntry *entry;
  const MarRecordEntry *target = NULL;
  gint64 seq;

  g_return_val_if_fail (MAR_IS_RECORD (self), 0);

  if (!mar_record_action_begin (self, context, &action, error) ||
      !mar_record_check_reason (MAR_VOCABULARY_CORRECTION, reason, comment, FALSE, error) ||
      (found = mar_audit_list_entries (self->store, entry_seq, entry_seq, error)) == NULL)
    return 0;
  if (found->len == 0)
    {
      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_FOUND,
                   _("There is no entry %s in the record"), this);
      return 0;
    }
  entry = g_ptr_array_index (found, 0);
  if (entry->infusion_id == 0 || g_str_equal (entry->kind, MAR_ENTRY_CORRECTION))
    {
      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                   _("Entry %s (%s) is not an administration entry that can be corrected"),
                   this, entry->kind);
      return 0;
    }

  entries = mar_record_load_entries (self->store, entry->infusion_id, error);
  if (entries == NULL)
    return 0;
  for (guint i = 0; i < entries->len && target == NULL; i++)
    if (((MarRecordEntry *) g_ptr_array_index (entries, i))->entry->seq == entry_seq)
      target = g_ptr_array_index (entries, i);
  g_assert (target != NULL);
  if (target->corrected)
    {
      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_REFUSED_TRANSITION,
                   _("Entry %s is already marked entered in error"), this);
      return 0;
    }
  /* The nurse who documented it, or the charge nurse. */
  if (g_strcmp0 (entry->performer_id, mar_record_action_performer_id (&action)) != 0 &&
      mar_signature_get_role (context->nurse) != MAR_ROLE_CHARGE_NURSE)
    {
      g_set_error_literal (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_ALLOWED,
                           _("Only the nurse who documented an entry, or a charge nurse, may mark it "
                             "entered in error"));
      return 0;
    }
  if (!check_correctable (entries, target, error))
    return 0;

  json_builder_begin_object (builder);
  add_string (builder, "reason", reason);
  add_string (builder, "comment", comment);
  add_string (builder, "corrected_kind", entry->kind);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);

  if (!mar_record_action_append (&action, MAR_ENTRY_CORRECTION, entry->infusion_id, entry->patient_id,
                                 NULL, entry_seq, payload, &seq, error) ||
      !mar_record_action_finish (&action, entry->infusion_id, NULL, error))
    return 0;
  return seq;
}
