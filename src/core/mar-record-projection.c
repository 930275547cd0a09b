/* mar-record-projection.c — the rows the record's readers use, and their rebuild
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A bag's rows (infusions, infusion_segments, infusion_boluses,
 * infusion_volume_checks, reactions, site_checks, and its row in the
 * store's administrations table) are rewritten whole from the replayed bag
 * after each of its actions: they are a cache of the entries, indexed for
 * the shift log (by unit through the patient, by time, by nurse).
 */

#define G_LOG_DOMAIN "mar-record"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mar-audit-private.h"
#include "mar-record-private.h"
#include "mar-store-private.h"

static void
bind_text (MarStmt    *stmt,
           int         index,
           const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_time (MarStmt *stmt,
           int      index,
           gint64   t)
{
  if (t != MAR_TIME_UNSET)
    sqlite3_bind_int64 (stmt, index, t);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_positive (MarStmt *stmt,
               int      index,
               double   value)
{
  if (value > 0)
    sqlite3_bind_double (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
delete_rows (MarStore    *store,
             const char  *sql,
             gint64       infusion_id,
             GError     **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, infusion_id);
  return mar_store_run (store, stmt, error);
}

static gboolean
write_infusion_row (MarStore           *store,
                    const MarInfusion  *bag,
                    GError            **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (store,
    "INSERT OR REPLACE INTO infusions (id, uuid, patient_id, encounter_id, order_id, order_version, "
    "  product_id, dispense_id, bag_id, gtin, lot, serial, expiry, medication, state, state_reason, "
    "  state_comment, previous_id, continuous, requires_witness, due_time, partial, "
    "  container_dose_value, container_dose_unit, bag_volume_ml, vtbi_ml, rate_ml_h, site, pump, "
    "  channel, started_at, ended_at, last_at, performer_id, witness_id, created_seq, updated_seq) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
    "  ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37)",
    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, bag->id);
  bind_text (stmt, 2, bag->uuid);
  bind_text (stmt, 3, bag->patient_id);
  bind_text (stmt, 4, bag->encounter_id);
  bind_text (stmt, 5, bag->order_id);
  bind_text (stmt, 6, bag->order_version);
  bind_text (stmt, 7, bag->product_id);
  bind_text (stmt, 8, bag->dispense_id);
  bind_text (stmt, 9, bag->bag_id);
  bind_text (stmt, 10, bag->gtin);
  bind_text (stmt, 11, bag->lot);
  bind_text (stmt, 12, bag->serial);
  bind_text (stmt, 13, bag->expiry);
  bind_text (stmt, 14, bag->medication);
  bind_text (stmt, 15, mar_infusion_state_to_string (bag->state));
  bind_text (stmt, 16, bag->state_reason);
  bind_text (stmt, 17, bag->state_comment);
  if (bag->previous_id != 0)
    sqlite3_bind_int64 (stmt, 18, bag->previous_id);
  sqlite3_bind_int (stmt, 19, bag->continuous);
  sqlite3_bind_int (stmt, 20, bag->requires_witness);
  bind_time (stmt, 21, bag->due_time);
  sqlite3_bind_int (stmt, 22, bag->partial);
  if (bag->container_dose.set)
    {
      sqlite3_bind_double (stmt, 23, bag->container_dose.value);
      bind_text (stmt, 24, bag->container_dose.unit);
    }
  bind_positive (stmt, 25, bag->bag_volume_ml);
  bind_positive (stmt, 26, bag->vtbi_ml);
  if (bag->started_at != MAR_TIME_UNSET)
    sqlite3_bind_double (stmt, 27, bag->rate_ml_per_h);
  bind_text (stmt, 28, bag->site);
  bind_text (stmt, 29, bag->pump);
  bind_text (stmt, 30, bag->channel);
  bind_time (stmt, 31, bag->started_at);
  bind_time (stmt, 32, bag->ended_at);
  sqlite3_bind_int64 (stmt, 33, bag->last_at);
  bind_text (stmt, 34, bag->performer_id);
  bind_text (stmt, 35, bag->witness_id);
  sqlite3_bind_int64 (stmt, 36, bag->created_seq);
  sqlite3_bind_int64 (stmt, 37, bag->updated_seq);
  return mar_store_run (store, stmt, error);
}

static gboolean
write_volume_rows (MarStore           *store,
                   const MarInfusion  *bag,
                   GError            **error)
{
  for (guint i = 0; i < bag->segments->len; i++)
    {
      const MarInfusionSegment *s = &g_array_index (bag->segments, MarInfusionSegment, i);
      g_autoptr(MarStmt) stmt = mar_store_prepare (store,
        "INSERT INTO infusion_segments (infusion_id, n, entry_seq, rate_seq, patient_id, start_time, "
        "  end_time, rate_ml_h) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, bag->id);
      sqlite3_bind_int (stmt, 2, i);
      sqlite3_bind_int64 (stmt, 3, s->entry_seq);
      sqlite3_bind_int64 (stmt, 4, s->rate_seq);
      bind_text (stmt, 5, bag->patient_id);
      sqlite3_bind_int64 (stmt, 6, s->start);
      bind_time (stmt, 7, s->end);
      sqlite3_bind_double (stmt, 8, s->rate_ml_per_h);
      if (!mar_store_run (store, stmt, error))
        return FALSE;
    }
  for (guint i = 0; i < bag->boluses->len; i++)
    {
      const MarInfusionBolus *b = &g_array_index (bag->boluses, MarInfusionBolus, i);
      g_autoptr(MarStmt) stmt = mar_store_prepare (store,
        "INSERT INTO infusion_boluses (entry_seq, infusion_id, patient_id, at, volume_ml) "
        "VALUES (?1, ?2, ?3, ?4, ?5)", error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, b->entry_seq);
      sqlite3_bind_int64 (stmt, 2, bag->id);
      bind_text (stmt, 3, bag->patient_id);
      sqlite3_bind_int64 (stmt, 4, b->at);
      sqlite3_bind_double (stmt, 5, b->volume_ml);
      if (!mar_store_run (store, stmt, error))
        return FALSE;
    }
  for (guint i = 0; i < bag->volume_checks->len; i++)
    {
      const MarVolumeCheck *c = &g_array_index (bag->volume_checks, MarVolumeCheck, i);
      g_autoptr(MarStmt) stmt = mar_store_prepare (store,
        "INSERT INTO infusion_volume_checks (entry_seq, infusion_id, at, estimated_ml, confirmed_ml) "
        "VALUES (?1, ?2, ?3, ?4, ?5)", error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, c->entry_seq);
      sqlite3_bind_int64 (stmt, 2, bag->id);
      sqlite3_bind_int64 (stmt, 3, c->at);
      sqlite3_bind_double (stmt, 4, c->estimated_ml);
      sqlite3_bind_double (stmt, 5, c->confirmed_ml);
      if (!mar_store_run (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static char *
array_text (JsonArray *array)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  if (array != NULL)
    json_node_set_array (node, array);
  else
    json_node_take_array (node, json_array_new ());
  return mar_audit_canonical_json (node);
}

static gboolean
write_event_rows (MarStore           *store,
                  const MarInfusion  *bag,
                  GPtrArray          *entries,
                  GError            **error)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const MarRecordEntry *e = g_ptr_array_index (entries, i);
      JsonObject *p = json_node_get_object (e->payload);
      gboolean reaction = g_str_equal (e->entry->kind, MAR_ENTRY_REACTION);
      g_autoptr(MarStmt) stmt = NULL;
      g_autofree char *list = NULL;

      if (!reaction && !g_str_equal (e->entry->kind, MAR_ENTRY_SITE_CHECK))
        continue;
      stmt = mar_store_prepare (store, reaction
        ? "INSERT INTO reactions (entry_seq, infusion_id, patient_id, at, kind, severity, outcome, "
          "  actions, kept_running, performer_id, entered_in_error) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        : "INSERT INTO site_checks (entry_seq, infusion_id, patient_id, at, site, findings, severity, "
          "  performer_id, entered_in_error) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, e->entry->seq);
      sqlite3_bind_int64 (stmt, 2, bag->id);
      bind_text (stmt, 3, bag->patient_id);
      sqlite3_bind_int64 (stmt, 4, e->entry->at);
      if (reaction)
        {
          list = array_text (mar_payload_get_array (p, "actions"));
          bind_text (stmt, 5, mar_payload_get_string (p, "kind"));
          bind_text (stmt, 6, mar_payload_get_string (p, "severity"));
          bind_text (stmt, 7, mar_payload_get_string (p, "outcome"));
          bind_text (stmt, 8, list);
          sqlite3_bind_int (stmt, 9, mar_payload_get_string (p, "keep_running_reason") != NULL);
          bind_text (stmt, 10, e->entry->performer_id);
          sqlite3_bind_int (stmt, 11, e->corrected);
        }
      else
        {
          list = array_text (mar_payload_get_array (p, "findings"));
          bind_text (stmt, 5, mar_payload_get_string (p, "site") != NULL
                              ? mar_payload_get_string (p, "site") : bag->site);
          bind_text (stmt, 6, list);
          bind_text (stmt, 7, mar_payload_get_string (p, "severity"));
          bind_text (stmt, 8, e->entry->performer_id);
          sqlite3_bind_int (stmt, 9, e->corrected);
        }
      if (!mar_store_run (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* The bag as the verification engine reads doses (MarAdministration), so
 * DOSE_ALREADY_GIVEN, BAG_ALREADY_USED, BAG_STILL_INFUSING, PRN and
 * partial containers see what this terminal documented exactly as they
 * see what other terminals did. */
static gboolean
write_administration (MarStore           *store,
                      const MarInfusion  *bag,
                      GError            **error)
{
  g_autoptr(MarAdministration) a = NULL;
  const char *status = mar_infusion_state_to_fhir (bag->state);

  if (status == NULL)
    {
      gboolean exists = FALSE;

      /* Available: nothing charted, unless a start was corrected away. */
      if (!mar_store_has_resource (store, "MedicationAdministration", bag->uuid, &exists, error))
        return FALSE;
      if (!exists)
        return TRUE;
      status = "entered-in-error";
    }

  a = mar_administration_new ();
  a->id = g_strdup (bag->uuid);
  a->version = g_strdup_printf ("%" G_GINT64_FORMAT, bag->updated_seq);
  a->source = g_strdup ("local");
  a->patient_id = g_strdup (bag->patient_id);
  a->order_id = g_strdup (bag->order_id);
  a->order_version = g_strdup (bag->order_version);
  a->status = g_strdup (status);
  a->removed = bag->state == MAR_INFUSION_AVAILABLE;
  a->start = bag->started_at != MAR_TIME_UNSET ? bag->started_at : bag->last_at;
  a->end = bag->ended_at;
  a->due_time = bag->due_time;
  a->bag_id = g_strdup (bag->bag_id);
  a->product_id = g_strdup (bag->product_id);
  a->gtin = g_strdup (bag->gtin);
  a->dose = bag->container_dose;
  a->partial = bag->partial;
  if (bag->started_at != MAR_TIME_UNSET)
    mar_quantity_set (&a->rate, bag->rate_ml_per_h, "mL/h");
  a->performer_id = g_strdup (bag->performer_id);
  return mar_store_upsert_administration (store, a, NULL, NULL, error);
}

gboolean
mar_record_write_projection (MarStore           *store,
                             const MarInfusion  *infusion,
                             GPtrArray          *entries,
                             GError            **error)
{
  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (infusion != NULL && entries != NULL, FALSE);

  return delete_rows (store, "DELETE FROM infusion_segments WHERE infusion_id = ?1", infusion->id, error) &&
         delete_rows (store, "DELETE FROM infusion_boluses WHERE infusion_id = ?1", infusion->id, error) &&
         delete_rows (store, "DELETE FROM infusion_volume_checks WHERE infusion_id = ?1", infusion->id, error) &&
         delete_rows (store, "DELETE FROM reactions WHERE infusion_id = ?1", infusion->id, error) &&
         delete_rows (store, "DELETE FROM site_checks WHERE infusion_id = ?1", infusion->id, error) &&
         write_infusion_row (store, infusion, error) &&
         write_volume_rows (store, infusion, error) &&
         write_event_rows (store, infusion, entries, error) &&
         write_administration (store, infusion, error);
}
