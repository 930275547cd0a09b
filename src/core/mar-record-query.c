/* mar-record-query.c — reading the record: bags, IV intake, what is not yet synced
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads go to the projection (indexed by patient, time and state), never
 * to the entries' payloads: the GUI and the shift log read bags many times
 * for each one documented.
 */

#define G_LOG_DOMAIN "mar-record"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-audit-private.h"
#include "mar-record-private.h"
#include "mar-store-private.h"
#include "mar-time.h"

#define INFUSION_COLUMNS MAR_RECORD_INFUSION_COLUMNS

static gint64
column_time (MarStmt *stmt,
             int      i)
{
  return sqlite3_column_type (stmt, i) == SQLITE_NULL ? MAR_TIME_UNSET : sqlite3_column_int64 (stmt, i);
}

static MarInfusion *
read_infusion_row (MarStmt *stmt)
{
  MarInfusion *bag = mar_infusion_new ();
  g_autofree char *state = NULL;

  bag->id = sqlite3_column_int64 (stmt, 0);
  bag->uuid = mar_store_column_dup (stmt, 1);
  bag->patient_id = mar_store_column_dup (stmt, 2);
  bag->encounter_id = mar_store_column_dup (stmt, 3);
  bag->order_id = mar_store_column_dup (stmt, 4);
  bag->order_version = mar_store_column_dup (stmt, 5);
  bag->product_id = mar_store_column_dup (stmt, 6);
  bag->dispense_id = mar_store_column_dup (stmt, 7);
  bag->bag_id = mar_store_column_dup (stmt, 8);
  bag->gtin = mar_store_column_dup (stmt, 9);
  bag->lot = mar_store_column_dup (stmt, 10);
  bag->serial = mar_store_column_dup (stmt, 11);
  bag->expiry = mar_store_column_dup (stmt, 12);
  bag->medication = mar_store_column_dup (stmt, 13);
  state = mar_store_column_dup (stmt, 14);
  if (!mar_infusion_state_from_string (state, &bag->state))
    bag->state = MAR_INFUSION_AVAILABLE;
  bag->state_reason = mar_store_column_dup (stmt, 15);
  bag->state_comment = mar_store_column_dup (stmt, 16);
  bag->previous_id = sqlite3_column_int64 (stmt, 17);
  bag->continuous = sqlite3_column_int (stmt, 18);
  bag->requires_witness = sqlite3_column_int (stmt, 19);
  bag->due_time = column_time (stmt, 20);
  bag->partial = sqlite3_column_int (stmt, 21);
  if (sqlite3_column_type (stmt, 22) != SQLITE_NULL)
    mar_quantity_set (&bag->container_dose, sqlite3_column_double (stmt, 22),
                      (const char *) sqlite3_column_text (stmt, 23));
  bag->bag_volume_ml = sqlite3_column_double (stmt, 24);
  bag->vtbi_ml = sqlite3_column_double (stmt, 25);
  bag->rate_ml_per_h = sqlite3_column_double (stmt, 26);
  bag->site = mar_store_column_dup (stmt, 27);
  bag->pump = mar_store_column_dup (stmt, 28);
  bag->channel = mar_store_column_dup (stmt, 29);
  bag->started_at = column_time (stmt, 30);
  bag->ended_at = column_time (stmt, 31);
  bag->last_at = sqlite3_column_int64 (stmt, 32);
  bag->performer_id = mar_store_column_dup (stmt, 33);
  bag->witness_id = mar_store_column_dup (stmt, 34);
  bag->created_seq = sqlite3_column_int64 (stmt, 35);
  bag->updated_seq = sqlite3_column_int64 (stmt, 36);
  return bag;
}

static gboolean
read_volumes (MarStore     *store,
              MarInfusion  *bag,
              GError      **error)
{
  int rc;

  {
    g_autoptr(MarStmt) stmt = mar_store_prepare (store,
      "SELECT start_time, end_time, rate_ml_h, entry_seq, rate_seq FROM infusion_segments "
      "WHERE infusion_id = ?1 ORDER BY n", error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, bag->id);
    while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
      {
        MarInfusionSegment s = {
          sqlite3_column_int64 (stmt, 0), column_time (stmt, 1), sqlite3_column_double (stmt, 2),
          sqlite3_column_int64 (stmt, 3), sqlite3_column_int64 (stmt, 4),
        };
        g_array_append_val (bag->segments, s);
      }
    if (rc < 0)
      return FALSE;
  }
  {
    g_autoptr(MarStmt) stmt = mar_store_prepare (store,
      "SELECT at, volume_ml, entry_seq FROM infusion_boluses WHERE infusion_id = ?1 ORDER BY at, entry_seq",
      error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, bag->id);
    while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
      {
        MarInfusionBolus b = { sqlite3_column_int64 (stmt, 0), sqlite3_column_double (stmt, 1),
                               sqlite3_column_int64 (stmt, 2) };
        g_array_append_val (bag->boluses, b);
      }
    if (rc < 0)
      return FALSE;
  }
  {
    g_autoptr(MarStmt) stmt = mar_store_prepare (store,
      "SELECT at, estimated_ml, confirmed_ml, entry_seq FROM infusion_volume_checks "
      "WHERE infusion_id = ?1 ORDER BY at, entry_seq", error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, bag->id);
    while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
      {
        MarVolumeCheck c = { sqlite3_column_int64 (stmt, 0), sqlite3_column_double (stmt, 1),
                             sqlite3_column_double (stmt, 2), sqlite3_column_int64 (stmt, 3) };
        g_array_append_val (bag->volume_checks, c);
      }
    if (rc < 0)
      return FALSE;
  }
  return TRUE;
}

GPtrArray *
mar_record_read_infusions (MarStore  *store,
                           MarStmt   *stmt,
                           GError   **error)
{
  g_autoptr(GPtrArray) bags = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_infusion_free);
  int rc;

  while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (bags, read_infusion_row (stmt));
  if (rc < 0)
    return NULL;
  /* The statement is done before the next ones run on the same cache. */
  sqlite3_reset (stmt);
  for (guint i = 0; i < bags->len; i++)
    if (!read_volumes (store, g_ptr_array_index (bags, i), error))
      return NULL;
  return g_steal_pointer (&bags);
}

MarInfusion *
mar_record_get_infusion (MarRecord  *self,
                         gint64      id,
                         GError    **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  g_autoptr(GPtrArray) bags = NULL;
  gboolean ok;

  g_return_val_if_fail (MAR_IS_RECORD (self), NULL);

  if (!mar_store_begin_read (self->store, error))
    return NULL;
  stmt = mar_store_prepare (self->store, "SELECT " INFUSION_COLUMNS " FROM infusions WHERE id = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      bags = mar_record_read_infusions (self->store, stmt, error);
    }
  ok = bags != NULL;
  mar_store_rollback (self->store);
  if (!ok)
    return NULL;
  if (bags->len == 0)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_FOUND,
                   _("There is no bag %s in this terminal's record"), text);
      return NULL;
    }
  return g_ptr_array_steal_index (bags, 0);
}

MarInfusion *
mar_record_lookup_infusion (MarRecord   *self,
                            const char  *id_or_uuid,
                            GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  char *end = NULL;
  gint64 id;
  int rc;

  g_return_val_if_fail (MAR_IS_RECORD (self), NULL);
  g_return_val_if_fail (id_or_uuid != NULL, NULL);

  id = g_ascii_strtoll (id_or_uuid, &end, 10);
  if (end != id_or_uuid && *end == '\0' && id > 0)
    return mar_record_get_infusion (self, id, error);

  if (g_str_has_prefix (id_or_uuid, "urn:uuid:"))
    id_or_uuid += strlen ("urn:uuid:");
  stmt = mar_store_prepare (self->store, "SELECT id FROM infusions WHERE uuid = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id_or_uuid, -1, SQLITE_TRANSIENT);
  rc = mar_store_step (self->store, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_FOUND,
                   _("There is no bag %s in this terminal's record"), id_or_uuid);
      return NULL;
    }
  id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return mar_record_get_infusion (self, id, error);
}

GPtrArray *
mar_record_list_infusions (MarRecord   *self,
                           const char  *patient_id,
                           int          state,
                           GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  GPtrArray *bags = NULL;

  g_return_val_if_fail (MAR_IS_RECORD (self), NULL);
  g_return_val_if_fail (state < MAR_INFUSION_N_STATES, NULL);

  if (!mar_store_begin_read (self->store, error))
    return NULL;
  stmt = mar_store_prepare (self->store,
    "SELECT " INFUSION_COLUMNS " FROM infusions "
    "WHERE (?1 IS NULL OR patient_id = ?1) AND (?2 IS NULL OR state = ?2) "
    "ORDER BY last_at DESC, id DESC", error);
  if (stmt != NULL)
    {
      if (patient_id != NULL)
        sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
      if (state >= 0)
        sqlite3_bind_text (stmt, 2, mar_infusion_state_to_string (state), -1, SQLITE_STATIC);
      bags = mar_record_read_infusions (self->store, stmt, error);
    }
  mar_store_rollback (self->store);
  return bags;
}

gboolean
mar_record_get_iv_intake (MarRecord   *self,
                          const char  *patient_id,
                          gint64       from,
                          gint64       to,
                          double      *ml,
                          GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  g_autoptr(GPtrArray) bags = NULL;

  g_return_val_if_fail (MAR_IS_RECORD (self), FALSE);
  g_return_val_if_fail (patient_id != NULL && ml != NULL, FALSE);

  *ml = 0;
  if (!mar_store_begin_read (self->store, error))
    return FALSE;
  /* Every bag hung before the end of the period that had not ended before
   * its start: the confirmation at the stop counts at the stop. */
  stmt = mar_store_prepare (self->store,
    "SELECT " INFUSION_COLUMNS " FROM infusions "
    "WHERE patient_id = ?1 AND started_at < ?3 AND (ended_at IS NULL OR ended_at >= ?2) "
    "  AND state <> 'entered-in-error' ORDER BY id", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, from);
      sqlite3_bind_int64 (stmt, 3, to);
      bags = mar_record_read_infusions (self->store, stmt, error);
    }
  mar_store_rollback (self->store);
  if (bags == NULL)
    return FALSE;
  for (guint i = 0; i < bags->len; i++)
    *ml += mar_infusion_get_volume_between (g_ptr_array_index (bags, i), from, to);
  return TRUE;
}

GPtrArray *
mar_record_list_entries (MarRecord  *self,
                         gint64      infusion,
                         GError    **error)
{
  g_return_val_if_fail (MAR_IS_RECORD (self), NULL);
  return mar_audit_list_infusion_entries (self->store, infusion, error);
}
