/* mar-record-action.c — what every documented action goes through
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One action is one write transaction (BEGIN IMMEDIATE, taken before the
 * checks so that nothing another terminal writes can slip between the
 * check and the entry): the entries, the projection, the variance log and
 * the outbox commit together or not at all. The head file moves after the
 * commit (mar-audit.h: it may lag the database, never lead it).
 */

#define G_LOG_DOMAIN "mar-record"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-audit-private.h"
#include "mar-record-private.h"
#include "mar-staff-auth.h"
#include "mar-store-private.h"
#include "mar-time.h"

/* What each action does, for "this bag is completed: it cannot be
 * paused". */
static const char *
action_phrase (MarInfusionAction action)
{
  switch (action)
    {
    case MAR_INFUSION_ACTION_START: return _("started");
    case MAR_INFUSION_ACTION_RATE: return _("given a new rate");
    case MAR_INFUSION_ACTION_PAUSE: return _("paused");
    case MAR_INFUSION_ACTION_RESUME: return _("resumed or restarted");
    case MAR_INFUSION_ACTION_BOLUS: return _("given as a bolus");
    case MAR_INFUSION_ACTION_STOP: return _("stopped");
    case MAR_INFUSION_ACTION_COMPLETE: return _("completed");
    case MAR_INFUSION_ACTION_HOLD: return _("held");
    case MAR_INFUSION_ACTION_REFUSE: return _("documented as refused");
    case MAR_INFUSION_ACTION_MISSING: return _("documented as missing");
    case MAR_INFUSION_ACTION_NOT_GIVEN: return _("documented as not given");
    case MAR_INFUSION_ACTION_REACTION: return _("given a reaction");
    case MAR_INFUSION_ACTION_SITE_CHECK: return _("given a site check");
    case MAR_INFUSION_N_ACTIONS:
    default: return "?";
    }
}

static gboolean
role_documents (MarRole role)
{
  return role == MAR_ROLE_NURSE || role == MAR_ROLE_CHARGE_NURSE;
}

gboolean
mar_record_action_begin (MarRecord               *self,
                         const MarRecordContext  *context,
                         MarRecordAction         *action,
                         GError                 **error)
{
  g_return_val_if_fail (MAR_IS_RECORD (self), FALSE);
  g_return_val_if_fail (context != NULL && context->nurse != NULL, FALSE);
  g_return_val_if_fail (context->now != MAR_TIME_UNSET, FALSE);

  memset (action, 0, sizeof *action);
  action->record = self;
  action->context = context;
  action->now = context->now;
  action->at = context->at != MAR_TIME_UNSET ? context->at : context->now;
  action->entries = g_array_new (FALSE, FALSE, sizeof (gint64));
  action->outbox = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!role_documents (mar_signature_get_role (context->nurse)))
    {
      g_set_error_literal (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_ALLOWED,
                           _("Only a nurse or a charge nurse documents administrations"));
      return FALSE;
    }

  /* RULES.md, The record: documentation is never in the future. A little
   * ahead is the pump's or the wall clock's drift, not a plan. */
  if (action->at > action->now + MAR_RECORD_FUTURE_TOLERANCE_SECONDS)
    {
      g_autofree char *when = mar_time_format_iso (action->at, self->time_zone);
      g_autofree char *clock = mar_time_format_iso (action->now, self->time_zone);

      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_FUTURE,
                   _("The time given (%s) is in the future (the terminal's clock says %s): "
                     "document what was done, when it was done"),
                   when, clock);
      return FALSE;
    }

  if (!mar_store_begin (self->store, error))
    return FALSE;
  action->open = TRUE;
  return TRUE;
}

void
mar_record_action_clear (MarRecordAction *action)
{
  if (action->open)
    mar_store_rollback (action->record->store);
  action->open = FALSE;
  g_clear_pointer (&action->entries, g_array_unref);
  g_clear_pointer (&action->outbox, g_array_unref);
}

const char *
mar_record_action_performer_id (MarRecordAction *action)
{
  return mar_signature_get_staff (action->context->nurse)->id;
}

const char *
mar_record_action_witness_id (MarRecordAction *action)
{
  if (action->context->witness == NULL)
    return NULL;
  return mar_signature_get_staff (action->context->witness)->id;
}

gboolean
mar_record_action_add_variance (MarRecordAction  *action,
                                gint64            entry_seq,
                                const char       *kind,
                                const char       *code,
                                const char       *reason,
                                const char       *comment,
                                gint64            minutes,
                                const char       *patient_id,
                                gint64            infusion_id,
                                GError          **error)
{
  MarStore *store = action->record->store;
  g_autoptr(MarStmt) stmt = mar_store_prepare (store,
    "INSERT INTO variances (entry_seq, kind, code, reason, comment, minutes, at, recorded_at, "
    "  patient_id, staff_id, infusion_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry_seq);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, comment, -1, SQLITE_TRANSIENT);
  if (minutes != G_MININT64)
    sqlite3_bind_int64 (stmt, 6, minutes);
  sqlite3_bind_int64 (stmt, 7, action->at);
  sqlite3_bind_int64 (stmt, 8, action->now);
  sqlite3_bind_text (stmt, 9, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 10, mar_record_action_performer_id (action), -1, SQLITE_TRANSIENT);
  if (infusion_id != 0)
    sqlite3_bind_int64 (stmt, 11, infusion_id);
  return mar_store_run (store, stmt, error);
}

gboolean
mar_record_action_append (MarRecordAction  *action,
                          const char       *kind,
                          gint64            infusion_id,
                          const char       *patient_id,
                          const char       *witness_id,
                          gint64            corrects_seq,
                          JsonNode         *payload,
                          gint64           *seq,
                          GError          **error)
{
  g_autoptr(MarAuditEntry) entry = g_new0 (MarAuditEntry, 1);

  g_return_val_if_fail (action->open, FALSE);

  entry->kind = g_strdup (kind);
  entry->at = action->at;
  entry->recorded_at = action->now;
  entry->performer_id = g_strdup (mar_record_action_performer_id (action));
  entry->witness_id = g_strdup (witness_id);
  entry->patient_id = g_strdup (patient_id);
  entry->infusion_id = infusion_id;
  entry->corrects_seq = corrects_seq;
  entry->payload = mar_audit_canonical_json (payload);
  if (!mar_audit_append (action->record->store, entry, error))
    return FALSE;
  g_array_append_val (action->entries, entry->seq);
  if (seq != NULL)
    *seq = entry->seq;

  /* RULES.md, The record: late documentation is allowed and flagged with
   * the real entry time (the entry's recorded_at). */
  if (action->now - action->at > MAR_RECORD_LATE_ENTRY_SECONDS)
    return mar_record_action_add_variance (action, entry->seq, "late-entry", kind, NULL, NULL,
                                           (action->now - action->at) / 60, patient_id, infusion_id,
                                           error);
  return TRUE;
}

static gboolean
link_outbox (MarRecordAction  *action,
             GError          **error)
{
  MarStore *store = action->record->store;

  for (guint i = 0; i < action->entries->len; i++)
    for (guint j = 0; j < action->outbox->len; j++)
      {
        g_autoptr(MarStmt) stmt = mar_store_prepare (store,
          "INSERT INTO record_entry_outbox (entry_seq, outbox_seq) VALUES (?1, ?2)", error);

        if (stmt == NULL)
          return FALSE;
        sqlite3_bind_int64 (stmt, 1, g_array_index (action->entries, gint64, i));
        sqlite3_bind_int64 (stmt, 2, g_array_index (action->outbox, gint64, j));
        if (!mar_store_run (store, stmt, error))
          return FALSE;
      }
  return TRUE;
}

gboolean
mar_record_action_finish (MarRecordAction  *action,
                          gint64            infusion_id,
                          MarInfusion     **infusion,
                          GError          **error)
{
  MarRecord *self = action->record;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(JsonNode) agent = NULL;
  gint64 head_seq;

  g_return_val_if_fail (action->open, FALSE);

  entries = mar_record_load_entries (self->store, infusion_id, error);
  if (entries == NULL)
    return FALSE;
  bag = mar_record_replay (infusion_id, entries, error);
  if (bag == NULL ||
      !mar_record_write_projection (self->store, bag, entries, error) ||
      !mar_record_queue_resources (self, bag, entries, action->now, action->outbox, error))
    return FALSE;

  agent = mar_staff_dup_fhir_reference (self->store, mar_record_action_performer_id (action), error);
  if (agent == NULL ||
      !mar_audit_queue_head (self->store, agent, action->now, &head_seq, error))
    return FALSE;
  g_array_append_val (action->outbox, head_seq);
  if (!link_outbox (action, error))
    return FALSE;

  action->open = FALSE;
  if (!mar_audit_commit (self->store, error))
    return FALSE;
  if (infusion != NULL)
    *infusion = g_steal_pointer (&bag);
  return TRUE;
}

MarInfusion *
mar_record_action_load_bag (MarRecordAction    *action,
                            gint64              infusion_id,
                            MarInfusionAction   kind_of_action,
                            GPtrArray         **entries_out,
                            GError            **error)
{
  MarRecord *self = action->record;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(MarInfusion) bag = NULL;
  gboolean changes_state = kind_of_action != MAR_INFUSION_ACTION_REACTION &&
                           kind_of_action != MAR_INFUSION_ACTION_SITE_CHECK;

  entries = mar_record_load_entries (self->store, infusion_id, error);
  if (entries == NULL)
    return NULL;
  if (entries->len == 0)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, infusion_id);

      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_FOUND,
                   _("There is no bag %s in this terminal's record"), id);
      return NULL;
    }
  bag = mar_record_replay (infusion_id, entries, error);
  if (bag == NULL)
    return NULL;

  if (!mar_infusion_state_allows (bag->state, kind_of_action, NULL))
    {
      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_REFUSED_TRANSITION,
                   _("This bag is %s: it cannot be %s"),
                   mar_infusion_state_get_label (bag->state), action_phrase (kind_of_action));
      return NULL;
    }

  /* Entries of a bag follow each other in clinical time, so its segments
   * never overlap: something that happened before the bag's latest entry
   * is documented by correcting that entry first. A reaction or a site
   * check may come after the fact, but not before the bag was hung. */
  if ((changes_state && action->at < bag->last_at) ||
      (!changes_state && bag->started_at != MAR_TIME_UNSET && action->at < bag->started_at))
    {
      g_autofree char *when = mar_time_format_iso (action->at, self->time_zone);
      g_autofree char *last = mar_time_format_iso (changes_state ? bag->last_at : bag->started_at,
                                                   self->time_zone);

      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OUT_OF_ORDER,
                   changes_state
                   ? _("%s is before this bag's latest entry (%s): correct that entry first if "
                       "this happened earlier")
                   : _("%s is before this bag was hung (%s)"),
                   when, last);
      return NULL;
    }

  if (entries_out != NULL)
    *entries_out = g_steal_pointer (&entries);
  return g_steal_pointer (&bag);
}

gboolean
mar_record_action_check_witness (MarRecordAction  *action,
                                 gboolean          required,
                                 MarRecordCheck   *check,
                                 GError          **error)
{
  MarSignature *witness = action->context->witness;
  const char *problem = NULL;

  if (witness == NULL)
    {
      if (required)
        mar_record_check_add (check, "WITNESS_MISSING", MAR_SEVERITY_BLOCK, MAR_RIGHT_OTHER,
                              _("High-alert drug: a second nurse must witness this with their badge "
                                "and PIN"));
      return TRUE;
    }

  /* RULES.md, WITNESS_REQUIRED: another nurse or charge nurse, signing on
   * the spot with badge and PIN, never the performer. */
  if (g_strcmp0 (mar_signature_get_staff (witness)->id, mar_record_action_performer_id (action)) == 0)
    problem = _("The witness must be another nurse: the nurse who gives the drug cannot witness it");
  else if (!role_documents (mar_signature_get_role (witness)))
    problem = _("The witness must be a nurse or a charge nurse");
  else if (action->now - mar_signature_get_time (witness) > MAR_RECORD_WITNESS_MAX_AGE_SECONDS ||
           mar_signature_get_time (witness) > action->now + MAR_RECORD_FUTURE_TOLERANCE_SECONDS)
    problem = _("The witness must sign with badge and PIN at the bedside, now");

  if (problem == NULL)
    return TRUE;
  if (required)
    {
      mar_record_check_add (check, "WITNESS_MISSING", MAR_SEVERITY_BLOCK, MAR_RIGHT_OTHER, problem);
      return TRUE;
    }
  g_set_error_literal (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID, problem);
  return FALSE;
}
