/* mar-record-queue.c — the bag's FHIR resources into the outbox
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FHIR-PROFILE.md, Written (push). After each action the bag's resources
 * are built again from its record (mar-record-fhir.c) and compared with
 * what was queued last (record_resources): a new resource is queued as a
 * create, a changed one as an update of the same UUID (never a new one),
 * and one the record no longer stands for (its entry was corrected, or the
 * whole bag) as an entered-in-error update. All inside the action's
 * transaction: the outbox holds a resource exactly when the record does.
 */

#define G_LOG_DOMAIN "mar-record"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mar-audit-private.h"
#include "mar-outbox.h"
#include "mar-record-private.h"
#include "mar-store-private.h"

typedef struct
{
  char *uuid;
  char *resource_type;
  char *json;
} Queued;

static void
queued_free (Queued *queued)
{
  g_free (queued->uuid);
  g_free (queued->resource_type);
  g_free (queued->json);
  g_free (queued);
}

/* uuid → Queued: what was queued last for each of the bag's resources. */
static GHashTable *
read_queued (MarStore  *store,
             gint64     infusion_id,
             GError   **error)
{
  g_autoptr(GHashTable) queued = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) queued_free);
  g_autoptr(MarStmt) stmt = mar_store_prepare (store,
    "SELECT uuid, resource_type, json FROM record_resources WHERE infusion_id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, infusion_id);
  while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
    {
      Queued *q = g_new0 (Queued, 1);

      q->uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      q->resource_type = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      q->json = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      g_hash_table_insert (queued, q->uuid, q);
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&queued);
}

static gboolean
remember (MarStore           *store,
          const char         *uuid,
          const char         *resource_type,
          const MarInfusion  *infusion,
          const char         *json,
          gint64              outbox_seq,
          gboolean            first,
          GError            **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (store, first
    ? "INSERT INTO record_resources (uuid, resource_type, infusion_id, patient_id, json, "
      "  first_outbox_seq, last_outbox_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)"
    : "UPDATE record_resources SET json = ?5, last_outbox_seq = ?6 WHERE uuid = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  if (first)
    {
      sqlite3_bind_text (stmt, 2, resource_type, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, infusion->id);
      sqlite3_bind_text (stmt, 4, infusion->patient_id, -1, SQLITE_TRANSIENT);
    }
  sqlite3_bind_text (stmt, 5, json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, outbox_seq);
  return mar_store_run (store, stmt, error);
}

static gboolean
enqueue (MarStore           *store,
         const MarInfusion  *infusion,
         const char         *resource_type,
         const char         *uuid,
         const char         *depends_on,
         JsonNode           *json,
         gboolean            create,
         gint64              now,
         GArray             *outbox,
         GError            **error)
{
  g_autofree char *text = json_to_string (json, FALSE);
  gint64 seq;

  if (!mar_outbox_enqueue (store, resource_type, uuid, create ? MAR_OUTBOX_CREATE : MAR_OUTBOX_UPDATE,
                           depends_on, infusion->patient_id, json, now, &seq, error) ||
      !remember (store, uuid, resource_type, infusion, text, seq, create, error))
    return FALSE;
  g_array_append_val (outbox, seq);
  return TRUE;
}

gboolean
mar_record_queue_resources (MarRecord          *self,
                            const MarInfusion  *infusion,
                            GPtrArray          *entries,
                            gint64              now,
                            GArray             *outbox,
                            GError            **error)
{
  g_autoptr(GHashTable) queued = NULL;
  g_autoptr(GPtrArray) resources = NULL;
  g_autoptr(GHashTable) current = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) uuids = NULL;
  g_autofree char *terminal = NULL;

  terminal = mar_audit_dup_terminal_id (self->store, error);
  if (terminal == NULL)
    return FALSE;
  queued = read_queued (self->store, infusion->id, error);
  if (queued == NULL)
    return FALSE;
  resources = mar_record_build_resources (self->store, infusion, entries, terminal, error);
  if (resources == NULL)
    return FALSE;

  /* In build order: the bag's own record before what points at it. */
  for (guint i = 0; i < resources->len; i++)
    {
      MarRecordResource *r = g_ptr_array_index (resources, i);
      Queued *before = g_hash_table_lookup (queued, r->uuid);
      g_autofree char *text = json_to_string (r->json, FALSE);

      g_hash_table_add (current, r->uuid);
      if (before != NULL && g_strcmp0 (before->json, text) == 0)
        continue;
      if (!enqueue (self->store, infusion, r->resource_type, r->uuid, r->depends_on, r->json,
                    before == NULL, now, outbox, error))
        return FALSE;
    }

  /* Sorted, so the queue order does not depend on a hash table's. */
  uuids = g_list_sort (g_hash_table_get_keys (queued), (GCompareFunc) g_strcmp0);
  for (GList *l = uuids; l != NULL; l = l->next)
    {
      Queued *before = g_hash_table_lookup (queued, l->data);
      g_autoptr(JsonNode) parsed = NULL;
      g_autoptr(JsonNode) marked = NULL;
      g_autofree char *text = NULL;

      if (g_hash_table_contains (current, before->uuid))
        continue;
      parsed = json_from_string (before->json, error);
      if (parsed == NULL)
        return FALSE;
      marked = mar_record_mark_entered_in_error (parsed);
      text = json_to_string (marked, FALSE);
      if (g_strcmp0 (text, before->json) == 0)
        continue;  /* already sent as entered in error */
      if (!enqueue (self->store, infusion, before->resource_type, before->uuid, NULL, marked,
                    FALSE, now, outbox, error))
        return FALSE;
    }
  return TRUE;
}
