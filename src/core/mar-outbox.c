/* mar-outbox.c — FHIR resources waiting to reach the hospital's server
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mar-model.h"
#include "mar-outbox.h"
#include "mar-store-private.h"

#define OUTBOX_COLUMNS \
  "seq, entry_uuid, resource_uuid, resource_type, operation, depends_on, patient_id, " \
  "resource_json, state, attempts, next_attempt, last_error, created_at, sent_at"

static const char * const state_names[] = {
  [MAR_OUTBOX_PENDING] = "pending",
  [MAR_OUTBOX_SENT] = "sent",
  [MAR_OUTBOX_FAILED] = "failed",
};

const char *
mar_outbox_state_to_string (MarOutboxState state)
{
  if ((guint) state >= G_N_ELEMENTS (state_names))
    return "pending";
  return state_names[state];
}

static MarOutboxState
state_from_string (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (text, state_names[i]) == 0)
      return (MarOutboxState) i;
  return MAR_OUTBOX_PENDING;
}

void
mar_outbox_entry_free (MarOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->entry_uuid);
  g_free (entry->resource_uuid);
  g_free (entry->resource_type);
  g_free (entry->depends_on);
  g_free (entry->patient_id);
  g_free (entry->resource_json);
  g_free (entry->last_error);
  g_free (entry);
}

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

static MarOutboxEntry *
read_entry (MarStmt *stmt)
{
  MarOutboxEntry *entry = g_new0 (MarOutboxEntry, 1);

  entry->seq = sqlite3_column_int64 (stmt, 0);
  entry->entry_uuid = mar_store_column_dup (stmt, 1);
  entry->resource_uuid = mar_store_column_dup (stmt, 2);
  entry->resource_type = mar_store_column_dup (stmt, 3);
  entry->operation = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 4), "update") == 0
                     ? MAR_OUTBOX_UPDATE : MAR_OUTBOX_CREATE;
  entry->depends_on = mar_store_column_dup (stmt, 5);
  entry->patient_id = mar_store_column_dup (stmt, 6);
  entry->resource_json = mar_store_column_dup (stmt, 7);
  entry->state = state_from_string ((const char *) sqlite3_column_text (stmt, 8));
  entry->attempts = sqlite3_column_int (stmt, 9);
  entry->next_attempt = sqlite3_column_int64 (stmt, 10);
  entry->last_error = mar_store_column_dup (stmt, 11);
  entry->created_at = sqlite3_column_int64 (stmt, 12);
  entry->sent_at = sqlite3_column_type (stmt, 13) == SQLITE_NULL ? MAR_TIME_UNSET
                                                                  : sqlite3_column_int64 (stmt, 13);
  return entry;
}

gboolean
mar_outbox_enqueue (MarStore            *store,
                    const char          *resource_type,
                    const char          *resource_uuid,
                    MarOutboxOperation   operation,
                    const char          *depends_on,
                    const char          *patient_id,
                    JsonNode            *resource,
                    gint64               now,
                    gint64              *seq,
                    GError             **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  g_autofree char *json = NULL;
  g_autofree char *entry_uuid = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (resource_type != NULL, FALSE);
  g_return_val_if_fail (resource_uuid != NULL, FALSE);
  g_return_val_if_fail (resource != NULL, FALSE);
  /* The entry must commit or roll back with the action it records. */
  g_return_val_if_fail (mar_store_in_transaction (store), FALSE);

  json = json_to_string (resource, FALSE);
  entry_uuid = g_uuid_string_random ();

  stmt = mar_store_prepare (store,
                            "INSERT INTO outbox (entry_uuid, resource_uuid, resource_type, operation, "
                            "  depends_on, patient_id, resource_json, created_at) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                            error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, entry_uuid);
  bind_text (stmt, 2, resource_uuid);
  bind_text (stmt, 3, resource_type);
  bind_text (stmt, 4, operation == MAR_OUTBOX_UPDATE ? "update" : "create");
  bind_text (stmt, 5, depends_on);
  bind_text (stmt, 6, patient_id);
  bind_text (stmt, 7, json);
  sqlite3_bind_int64 (stmt, 8, now);
  if (!mar_store_run (store, stmt, error))
    return FALSE;
  if (seq != NULL)
    *seq = sqlite3_last_insert_rowid (mar_store_get_handle (store));
  return TRUE;
}

MarOutboxEntry *
mar_outbox_next_ready (MarStore  *store,
                       gint64     now,
                       GError   **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);

  /* Oldest first, so updates follow their create; an entry whose
   * dependency has not been sent waits (FHIR-PROFILE.md: a segment's partOf
   * target first). An update waits for every earlier entry of the same
   * resource (its create, and updates before it). */
  stmt = mar_store_prepare (store,
                            "SELECT " OUTBOX_COLUMNS " FROM outbox o "
                            "WHERE o.state = 'pending' AND o.next_attempt <= ?1 "
                            "  AND (o.depends_on IS NULL OR EXISTS "
                            "       (SELECT 1 FROM pushed_resources p WHERE p.resource_uuid = o.depends_on)) "
                            "  AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.resource_uuid = o.resource_uuid "
                            "                  AND e.seq < o.seq AND e.state <> 'sent') "
                            "ORDER BY o.seq LIMIT 1",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, now);
  rc = mar_store_step (store, stmt, error);
  if (rc < 0 || rc == SQLITE_DONE)
    return NULL;
  return read_entry (stmt);
}

GPtrArray *
mar_outbox_list (MarStore  *store,
                 int        state,
                 GError   **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_outbox_entry_free);
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);

  if (state < 0)
    stmt = mar_store_prepare (store, "SELECT " OUTBOX_COLUMNS " FROM outbox ORDER BY seq", error);
  else
    {
      stmt = mar_store_prepare (store, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = ?1 ORDER BY seq",
                                error);
      if (stmt != NULL)
        bind_text (stmt, 1, mar_outbox_state_to_string ((MarOutboxState) state));
    }
  if (stmt == NULL)
    return NULL;
  while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (entries, read_entry (stmt));
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&entries);
}

MarOutboxEntry *
mar_outbox_get (MarStore  *store,
                gint64     seq,
                GError   **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);

  stmt = mar_store_prepare (store, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE seq = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, seq);
  rc = mar_store_step (store, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND,
                   _("The outbox has no entry %" G_GINT64_FORMAT), seq);
      return NULL;
    }
  return read_entry (stmt);
}

gboolean
mar_outbox_get_counts (MarStore         *store,
                       MarOutboxCounts  *counts,
                       GError          **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  stmt = mar_store_prepare (store,
                            "SELECT "
                            "  (SELECT count(*) FROM outbox WHERE state = 'pending'), "
                            "  (SELECT count(*) FROM outbox WHERE state = 'failed'), "
                            "  (SELECT count(*) FROM outbox WHERE state = 'sent'), "
                            "  (SELECT min(created_at) FROM outbox WHERE state <> 'sent')",
                            error);
  if (stmt == NULL)
    return FALSE;
  rc = mar_store_step (store, stmt, error);
  if (rc != SQLITE_ROW)
    return FALSE;
  counts->pending = sqlite3_column_int (stmt, 0);
  counts->failed = sqlite3_column_int (stmt, 1);
  counts->sent = sqlite3_column_int (stmt, 2);
  counts->oldest_pending = sqlite3_column_type (stmt, 3) == SQLITE_NULL ? MAR_TIME_UNSET
                                                                        : sqlite3_column_int64 (stmt, 3);
  return TRUE;
}

gboolean
mar_outbox_count_unsent_for_patient (MarStore    *store,
                                     const char  *patient_id,
                                     guint       *count,
                                     GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (patient_id != NULL, FALSE);

  stmt = mar_store_prepare (store,
                            "SELECT count(*) FROM outbox WHERE patient_id = ?1 AND state <> 'sent'",
                            error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, patient_id);
  if (mar_store_step (store, stmt, error) != SQLITE_ROW)
    return FALSE;
  *count = sqlite3_column_int (stmt, 0);
  return TRUE;
}

gboolean
mar_outbox_mark_sent (MarStore    *store,
                      gint64       seq,
                      const char  *server_id,
                      const char  *server_version,
                      gint64       now,
                      GError     **error)
{
  g_autoptr(MarOutboxEntry) entry = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (server_id != NULL, FALSE);

  /* Nested in the caller's transaction as a savepoint, if there is one. */
  if (!mar_store_begin (store, error))
    return FALSE;

  entry = mar_outbox_get (store, seq, error);
  if (entry == NULL)
    {
      mar_store_rollback (store);
      return FALSE;
    }

  {
    g_autoptr(MarStmt) stmt = mar_store_prepare (store,
      "UPDATE outbox SET state = 'sent', sent_at = ?2, attempts = attempts + 1, last_error = NULL "
      "WHERE seq = ?1", error);

    if (stmt == NULL)
      goto failed;
    sqlite3_bind_int64 (stmt, 1, seq);
    sqlite3_bind_int64 (stmt, 2, now);
    if (!mar_store_run (store, stmt, error))
      goto failed;
  }
  {
    g_autoptr(MarStmt) stmt = mar_store_prepare (store,
      "INSERT INTO pushed_resources (resource_uuid, resource_type, server_id, server_version, pushed_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT (resource_uuid) DO UPDATE SET server_id = excluded.server_id, "
      "  server_version = excluded.server_version, pushed_at = excluded.pushed_at", error);

    if (stmt == NULL)
      goto failed;
    bind_text (stmt, 1, entry->resource_uuid);
    bind_text (stmt, 2, entry->resource_type);
    bind_text (stmt, 3, server_id);
    bind_text (stmt, 4, server_version);
    sqlite3_bind_int64 (stmt, 5, now);
    if (!mar_store_run (store, stmt, error))
      goto failed;
  }
  return mar_store_commit (store, error);

failed:
  mar_store_rollback (store);
  return FALSE;
}

gboolean
mar_outbox_mark_retry (MarStore    *store,
                       gint64       seq,
                       gint64       next_attempt,
                       const char  *message,
                       GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);

  stmt = mar_store_prepare (store,
                            "UPDATE outbox SET attempts = attempts + 1, next_attempt = ?2, last_error = ?3 "
                            "WHERE seq = ?1 AND state = 'pending'",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_int64 (stmt, 2, next_attempt);
  bind_text (stmt, 3, message);
  return mar_store_run (store, stmt, error);
}

gboolean
mar_outbox_mark_failed (MarStore    *store,
                        gint64       seq,
                        const char  *message,
                        GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);

  stmt = mar_store_prepare (store,
                            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?2 "
                            "WHERE seq = ?1 AND state = 'pending'",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  bind_text (stmt, 2, message);
  return mar_store_run (store, stmt, error);
}

gboolean
mar_outbox_retry (MarStore  *store,
                  gint64     seq,
                  guint     *count,
                  GError   **error)
{
  g_autoptr(MarStmt) stmt = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);

  if (seq < 0)
    stmt = mar_store_prepare (store,
                              "UPDATE outbox SET state = 'pending', next_attempt = 0 WHERE state = 'failed'",
                              error);
  else
    {
      stmt = mar_store_prepare (store,
                                "UPDATE outbox SET state = 'pending', next_attempt = 0 "
                                "WHERE seq = ?1 AND state = 'failed'",
                                error);
      if (stmt != NULL)
        sqlite3_bind_int64 (stmt, 1, seq);
    }
  if (stmt == NULL || !mar_store_run (store, stmt, error))
    return FALSE;
  if (count != NULL)
    *count = sqlite3_changes (mar_store_get_handle (store));
  return TRUE;
}

gboolean
mar_outbox_lookup_server_id (MarStore     *store,
                             const char   *resource_uuid,
                             char        **server_id,
                             char        **server_version,
                             GError      **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (resource_uuid != NULL, FALSE);

  stmt = mar_store_prepare (store,
                            "SELECT server_id, server_version FROM pushed_resources WHERE resource_uuid = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, resource_uuid);
  rc = mar_store_step (store, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error_literal (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND,
                           _("This record has not reached the server yet"));
      return FALSE;
    }
  if (server_id != NULL)
    *server_id = mar_store_column_dup (stmt, 0);
  if (server_version != NULL)
    *server_version = mar_store_column_dup (stmt, 1);
  return TRUE;
}

gboolean
mar_outbox_set_server_version (MarStore    *store,
                               const char  *resource_uuid,
                               const char  *server_version,
                               GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);

  stmt = mar_store_prepare (store,
                            "UPDATE pushed_resources SET server_version = ?2 WHERE resource_uuid = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, resource_uuid);
  bind_text (stmt, 2, server_version);
  return mar_store_run (store, stmt, error);
}
