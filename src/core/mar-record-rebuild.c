/* mar-record-rebuild.c — the projection proved against the entries; what is not yet synced
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-record"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mar-audit-private.h"
#include "mar-record-private.h"
#include "mar-store-private.h"

/* Each projection table, its rows in a fixed order. The terminal's clock
 * (stored_at) is left out: a rebuild writes the same rows at another
 * time. */
static const char * const digest_queries[] = {
  "SELECT * FROM infusions ORDER BY id",
  "SELECT * FROM infusion_segments ORDER BY infusion_id, n",
  "SELECT * FROM infusion_boluses ORDER BY entry_seq",
  "SELECT * FROM infusion_volume_checks ORDER BY entry_seq",
  "SELECT * FROM reactions ORDER BY entry_seq",
  "SELECT * FROM site_checks ORDER BY entry_seq",
  "SELECT * FROM administrations WHERE source = 'local' ORDER BY id",
};

static gboolean
digest (MarStore  *store,
        char     **out,
        GError   **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint q = 0; q < G_N_ELEMENTS (digest_queries); q++)
    {
      g_autoptr(MarStmt) stmt = mar_store_prepare (store, digest_queries[q], error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      g_checksum_update (checksum, (const guchar *) digest_queries[q], -1);
      while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const char *name = sqlite3_column_name (stmt, c);
              const unsigned char *text;
              char tag[32];

              if (g_str_equal (name, "stored_at"))
                continue;
              /* Type, length and bytes: no two rows serialise alike. */
              text = sqlite3_column_text (stmt, c);
              g_snprintf (tag, sizeof tag, "|%d:%d:", sqlite3_column_type (stmt, c),
                          sqlite3_column_bytes (stmt, c));
              g_checksum_update (checksum, (const guchar *) tag, -1);
              if (text != NULL)
                g_checksum_update (checksum, text, sqlite3_column_bytes (stmt, c));
            }
          g_checksum_update (checksum, (const guchar *) "\n", 1);
        }
      if (rc < 0)
        return FALSE;
    }
  *out = g_strdup (g_checksum_get_string (checksum));
  return TRUE;
}

static gboolean
clear_projection (MarStore  *store,
                  GError   **error)
{
  return mar_store_exec (store, "DELETE FROM infusions", error) &&
         mar_store_exec (store, "DELETE FROM infusion_segments", error) &&
         mar_store_exec (store, "DELETE FROM infusion_boluses", error) &&
         mar_store_exec (store, "DELETE FROM infusion_volume_checks", error) &&
         mar_store_exec (store, "DELETE FROM reactions", error) &&
         mar_store_exec (store, "DELETE FROM site_checks", error) &&
         mar_store_exec (store, "DELETE FROM administrations WHERE source = 'local'", error);
}

static GArray *
list_bags (MarStore  *store,
           GError   **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(MarStmt) stmt = mar_store_prepare (store,
    "SELECT DISTINCT infusion_id FROM record_entries WHERE infusion_id IS NOT NULL ORDER BY 1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&ids);
}

gboolean
mar_record_rebuild (MarRecord  *self,
                    gboolean    keep,
                    char      **before,
                    char      **after,
                    GError    **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autofree char *old_digest = NULL;
  g_autofree char *new_digest = NULL;

  g_return_val_if_fail (MAR_IS_RECORD (self), FALSE);

  if (!mar_store_begin (self->store, error))
    return FALSE;
  if (!digest (self->store, &old_digest, error) ||
      !clear_projection (self->store, error) ||
      (ids = list_bags (self->store, error)) == NULL)
    goto failed;
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(GPtrArray) entries = mar_record_load_entries (self->store, id, error);
      g_autoptr(MarInfusion) bag = NULL;

      if (entries == NULL || (bag = mar_record_replay (id, entries, error)) == NULL ||
          !mar_record_write_projection (self->store, bag, entries, error))
        goto failed;
    }
  if (!digest (self->store, &new_digest, error))
    goto failed;

  if (keep)
    {
      if (!mar_store_commit (self->store, error))
        return FALSE;
    }
  else
    mar_store_rollback (self->store);
  if (before != NULL)
    *before = g_steal_pointer (&old_digest);
  if (after != NULL)
    *after = g_steal_pointer (&new_digest);
  return TRUE;

failed:
  mar_store_rollback (self->store);
  return FALSE;
}

/* Not yet synced -------------------------------------------------------------- */

GPtrArray *
mar_record_list_unpushed_entries (MarRecord  *self,
                                  GError    **error)
{
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_audit_entry_free);
  int rc;

  g_return_val_if_fail (MAR_IS_RECORD (self), NULL);

  if (!mar_store_begin_read (self->store, error))
    return NULL;
  {
    g_autoptr(MarStmt) stmt = mar_store_prepare (self->store,
      "SELECT DISTINCT l.entry_seq FROM outbox o JOIN record_entry_outbox l ON l.outbox_seq = o.seq "
      "WHERE o.state <> 'sent' ORDER BY l.entry_seq", error);

    if (stmt == NULL)
      goto failed;
    while ((rc = mar_store_step (self->store, stmt, error)) == SQLITE_ROW)
      {
        gint64 seq = sqlite3_column_int64 (stmt, 0);
        g_array_append_val (seqs, seq);
      }
    if (rc < 0)
      goto failed;
  }
  for (guint i = 0; i < seqs->len; i++)
    {
      gint64 seq = g_array_index (seqs, gint64, i);
      g_autoptr(GPtrArray) one = mar_audit_list_entries (self->store, seq, seq, error);

      if (one == NULL)
        goto failed;
      if (one->len > 0)
        g_ptr_array_add (entries, g_ptr_array_steal_index (one, 0));
    }
  mar_store_rollback (self->store);
  return g_steal_pointer (&entries);

failed:
  mar_store_rollback (self->store);
  return NULL;
}

gboolean
mar_record_count_unpushed (MarRecord  *self,
                           gint64      infusion,
                           guint      *count,
                           GError    **error)
{
  g_autoptr(MarStmt) stmt = NULL;

  g_return_val_if_fail (MAR_IS_RECORD (self), FALSE);
  g_return_val_if_fail (count != NULL, FALSE);

  stmt = mar_store_prepare (self->store,
    "SELECT count (DISTINCT l.entry_seq) FROM record_entries e "
    "JOIN record_entry_outbox l ON l.entry_seq = e.seq JOIN outbox o ON o.seq = l.outbox_seq "
    "WHERE e.infusion_id = ?1 AND o.state <> 'sent'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, infusion);
  if (mar_store_step (self->store, stmt, error) != SQLITE_ROW)
    return FALSE;
  *count = sqlite3_column_int (stmt, 0);
  return TRUE;
}
