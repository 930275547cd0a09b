/* mar-record-replay.c — a bag's state from its entries, and its projection
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The entries are the record; everything else is derived from them here,
 * and only here: an action appends its entries, then replays the bag and
 * rewrites the bag's rows. So the projection is, by construction, what
 * the entries say, and mar_record_rebuild() can prove it for every bag.
 * docs/record.md lists the entry kinds and their payloads.
 */

#define G_LOG_DOMAIN "mar-record"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mar-audit-private.h"
#include "mar-record-private.h"
#include "mar-store-private.h"

gboolean
mar_record_entry_kind_is_state (const char *kind)
{
  return g_strcmp0 (kind, MAR_ENTRY_REACTION) != 0 &&
         g_strcmp0 (kind, MAR_ENTRY_SITE_CHECK) != 0 &&
         g_strcmp0 (kind, MAR_ENTRY_CORRECTION) != 0;
}

GPtrArray *
mar_record_load_entries (MarStore  *store,
                         gint64     infusion_id,
                         GError   **error)
{
  g_autoptr(GPtrArray) raw = mar_audit_list_infusion_entries (store, infusion_id, error);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) by_seq = NULL;

  if (raw == NULL)
    return NULL;
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_record_entry_free);
  by_seq = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < raw->len; i++)
    {
      MarRecordEntry *e = g_new0 (MarRecordEntry, 1);
      g_autoptr(GError) parse_error = NULL;

      e->entry = g_ptr_array_index (raw, i);
      raw->pdata[i] = NULL;
      e->payload = json_from_string (e->entry->payload, &parse_error);
      g_ptr_array_add (entries, e);
      if (e->payload == NULL || !JSON_NODE_HOLDS_OBJECT (e->payload))
        {
          g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, e->entry->seq);

          g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_FAILED,
                       _("Record entry %s has a payload that is not a JSON object: run "
                         "'marctl audit verify'"), seq);
          return NULL;
        }
      g_hash_table_insert (by_seq, &e->entry->seq, e);
    }

  for (guint i = 0; i < entries->len; i++)
    {
      MarRecordEntry *e = g_ptr_array_index (entries, i);
      MarRecordEntry *target;

      if (e->entry->corrects_seq == 0)
        continue;
      target = g_hash_table_lookup (by_seq, &e->entry->corrects_seq);
      if (target != NULL)
        target->corrected = TRUE;
    }
  return g_steal_pointer (&entries);
}

static JsonObject *
payload_of (const MarRecordEntry *e)
{
  return json_node_get_object (e->payload);
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  return g_strdup (mar_payload_get_string (object, name));
}

/* The bag's description, from the entry that created it. */
static void
read_bag (MarInfusion *bag,
          JsonObject  *description)
{
  JsonObject *dose = mar_payload_get_object (description, "container_dose");

  bag->uuid = dup_member (description, "uuid");
  bag->patient_id = dup_member (description, "patient");
  bag->encounter_id = dup_member (description, "encounter");
  bag->order_id = dup_member (description, "order");
  bag->order_version = dup_member (description, "order_version");
  bag->product_id = dup_member (description, "product");
  bag->dispense_id = dup_member (description, "dispense");
  bag->bag_id = dup_member (description, "bag_id");
  bag->gtin = dup_member (description, "gtin");
  bag->lot = dup_member (description, "lot");
  bag->serial = dup_member (description, "serial");
  bag->expiry = dup_member (description, "expiry");
  bag->medication = dup_member (description, "medication");
  bag->continuous = mar_payload_get_bool (description, "continuous");
  bag->requires_witness = mar_payload_get_bool (description, "requires_witness");
  bag->due_time = json_object_has_member (description, "due_time") &&
                  !json_object_get_null_member (description, "due_time")
                  ? mar_payload_get_int (description, "due_time") : MAR_TIME_UNSET;
  bag->partial = mar_payload_get_bool (description, "partial");
  if (dose != NULL && mar_payload_get_string (dose, "unit") != NULL)
    mar_quantity_set (&bag->container_dose, mar_payload_get_double (dose, "value"),
                      mar_payload_get_string (dose, "unit"));
  bag->bag_volume_ml = mar_payload_get_double (description, "bag_volume_ml");
  bag->previous_id = mar_payload_get_int (description, "previous");
}

static void
set_string (char       **field,
            const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
close_segment (MarInfusion *bag,
               gint64       at)
{
  MarInfusionSegment *last;

  if (bag->segments->len == 0)
    return;
  last = &g_array_index (bag->segments, MarInfusionSegment, bag->segments->len - 1);
  if (last->end == MAR_TIME_UNSET)
    last->end = at;
}

static void
open_segment (MarInfusion *bag,
              gint64       at,
              double       rate,
              gint64       entry_seq,
              gint64       rate_seq)
{
  MarInfusionSegment segment = {
    .start = at, .end = MAR_TIME_UNSET, .rate_ml_per_h = rate,
    .entry_seq = entry_seq, .rate_seq = rate_seq,
  };

  g_array_append_val (bag->segments, segment);
}

static gboolean
entry_action (const char        *kind,
              MarInfusionAction *action)
{
  static const struct { const char *kind; MarInfusionAction action; } map[] = {
    { MAR_ENTRY_STARTED, MAR_INFUSION_ACTION_START },
    { MAR_ENTRY_RATE_CHANGED, MAR_INFUSION_ACTION_RATE },
    { MAR_ENTRY_PAUSED, MAR_INFUSION_ACTION_PAUSE },
    { MAR_ENTRY_RESUMED, MAR_INFUSION_ACTION_RESUME },
    { MAR_ENTRY_BOLUS, MAR_INFUSION_ACTION_BOLUS },
    { MAR_ENTRY_STOPPED, MAR_INFUSION_ACTION_STOP },
    { MAR_ENTRY_COMPLETED, MAR_INFUSION_ACTION_COMPLETE },
    { MAR_ENTRY_HELD, MAR_INFUSION_ACTION_HOLD },
    { MAR_ENTRY_REFUSED, MAR_INFUSION_ACTION_REFUSE },
    { MAR_ENTRY_MISSING, MAR_INFUSION_ACTION_MISSING },
    { MAR_ENTRY_NOT_GIVEN, MAR_INFUSION_ACTION_NOT_GIVEN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (kind, map[i].kind) == 0)
      {
        *action = map[i].action;
        return TRUE;
      }
  return FALSE;
}

static gboolean
apply_entry (MarInfusion           *bag,
             const MarRecordEntry  *e,
             gint64                *rate_seq,
             GError               **error)
{
  JsonObject *p = payload_of (e);
  const MarAuditEntry *entry = e->entry;
  MarInfusionAction action;
  MarInfusionState next;

  if (g_str_equal (entry->kind, MAR_ENTRY_BAG_PREPARED))
    {
      bag->last_at = entry->at;
      return TRUE;
    }
  if (!entry_action (entry->kind, &action))
    return TRUE;  /* reactions, site checks: the projection reads them from the entries */

  /* A bag documented as held (or started) at once is created available
   * and moves on with its first entry. */
  if (!mar_infusion_state_allows (bag->state, action, &next))
    {
      g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, entry->seq);

      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_FAILED,
                   _("Record entry %s (%s) does not follow from the bag's state (%s): run "
                     "'marctl audit verify'"),
                   seq, entry->kind, mar_infusion_state_to_string (bag->state));
      return FALSE;
    }

  switch (action)
    {
    case MAR_INFUSION_ACTION_START:
      bag->started_at = entry->at;
      bag->rate_ml_per_h = mar_payload_get_double (p, "rate_ml_h");
      bag->vtbi_ml = mar_payload_get_double (p, "vtbi_ml");
      set_string (&bag->site, mar_payload_get_string (p, "site"));
      set_string (&bag->pump, mar_payload_get_string (p, "pump"));
      set_string (&bag->channel, mar_payload_get_string (p, "channel"));
      set_string (&bag->performer_id, entry->performer_id);
      set_string (&bag->witness_id, entry->witness_id);
      *rate_seq = entry->seq;
      open_segment (bag, entry->at, bag->rate_ml_per_h, entry->seq, entry->seq);
      break;
    case MAR_INFUSION_ACTION_RATE:
      close_segment (bag, entry->at);
      bag->rate_ml_per_h = mar_payload_get_double (p, "rate_ml_h");
      *rate_seq = entry->seq;
      open_segment (bag, entry->at, bag->rate_ml_per_h, entry->seq, entry->seq);
      break;
    case MAR_INFUSION_ACTION_PAUSE:
      close_segment (bag, entry->at);
      break;
    case MAR_INFUSION_ACTION_RESUME:
      bag->ended_at = MAR_TIME_UNSET;  /* a restart reopens a stopped bag */
      open_segment (bag, entry->at, bag->rate_ml_per_h, entry->seq, *rate_seq);
      break;
    case MAR_INFUSION_ACTION_BOLUS:
      {
        MarInfusionBolus bolus = { entry->at, mar_payload_get_double (p, "volume_ml"), entry->seq };
        g_array_append_val (bag->boluses, bolus);
      }
      break;
    case MAR_INFUSION_ACTION_STOP:
    case MAR_INFUSION_ACTION_COMPLETE:
      {
        MarVolumeCheck check = {
          entry->at, mar_payload_get_double (p, "estimated_ml"),
          mar_payload_get_double (p, "confirmed_ml"), entry->seq,
        };

        close_segment (bag, entry->at);
        bag->ended_at = entry->at;
        g_array_append_val (bag->volume_checks, check);
      }
      break;
    case MAR_INFUSION_ACTION_HOLD:
    case MAR_INFUSION_ACTION_REFUSE:
    case MAR_INFUSION_ACTION_MISSING:
    case MAR_INFUSION_ACTION_NOT_GIVEN:
    case MAR_INFUSION_ACTION_REACTION:
    case MAR_INFUSION_ACTION_SITE_CHECK:
    case MAR_INFUSION_N_ACTIONS:
    default:
      break;
    }

  /* The reason of the latest change that has one (FHIR statusReason). */
  if (action != MAR_INFUSION_ACTION_BOLUS && action != MAR_INFUSION_ACTION_RATE)
    {
      set_string (&bag->state_reason, mar_payload_get_string (p, "reason"));
      set_string (&bag->state_comment, mar_payload_get_string (p, "comment"));
    }
  bag->state = next;
  bag->last_at = entry->at;
  return TRUE;
}

MarInfusion *
mar_record_replay (gint64       infusion_id,
                   GPtrArray   *entries,
                   GError     **error)
{
  g_autoptr(MarInfusion) bag = mar_infusion_new ();
  const MarRecordEntry *first;
  JsonObject *description;
  gint64 rate_seq = 0;

  g_return_val_if_fail (entries != NULL, NULL);

  first = entries->len > 0 ? g_ptr_array_index (entries, 0) : NULL;
  description = first != NULL ? mar_payload_get_object (payload_of (first), "bag") : NULL;
  if (description == NULL || mar_payload_get_string (description, "uuid") == NULL ||
      mar_payload_get_string (description, "patient") == NULL)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, infusion_id);

      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_FAILED,
                   _("The record of bag %s does not start with the bag's description: run "
                     "'marctl audit verify'"), id);
      return NULL;
    }

  bag->id = infusion_id;
  read_bag (bag, description);
  bag->state = MAR_INFUSION_AVAILABLE;
  bag->created_seq = first->entry->seq;
  bag->updated_seq = first->entry->seq;
  bag->last_at = first->entry->at;
  bag->performer_id = g_strdup (first->entry->performer_id);
  bag->witness_id = g_strdup (first->entry->witness_id);

  /* A corrected first entry: the whole bag was documented in error (its
   * later entries were corrected before it could be). */
  if (first->corrected)
    {
      bag->state = MAR_INFUSION_ENTERED_IN_ERROR;
      for (guint i = 0; i < entries->len; i++)
        bag->updated_seq = MAX (bag->updated_seq, ((MarRecordEntry *) g_ptr_array_index (entries, i))->entry->seq);
      return g_steal_pointer (&bag);
    }

  for (guint i = 0; i < entries->len; i++)
    {
      const MarRecordEntry *e = g_ptr_array_index (entries, i);

      bag->updated_seq = MAX (bag->updated_seq, e->entry->seq);
      if (e->corrected || g_str_equal (e->entry->kind, MAR_ENTRY_CORRECTION))
        continue;
      if (!apply_entry (bag, e, &rate_seq, error))
        return NULL;
    }
  return g_steal_pointer (&bag);
}

gboolean
mar_record_next_infusion_id (MarStore  *store,
                             gint64    *id,
                             GError   **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (store,
    "SELECT max (infusion_id) FROM record_entries WHERE infusion_id IS NOT NULL", error);

  if (stmt == NULL || mar_store_step (store, stmt, error) < 0)
    return FALSE;
  *id = sqlite3_column_int64 (stmt, 0) + 1;
  return TRUE;
}
