/* mar-audit.c — the record's hash chain and its head file
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-audit"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mar-audit-private.h"
#include "mar-outbox.h"
#include "mar-store-private.h"
#include "mar-time.h"

G_DEFINE_QUARK (mar-audit-error-quark, mar_audit_error)

/* Version tag at the start of every canonical form: a later format change
 * gets a new tag, and old entries keep verifying under theirs. */
#define CANONICAL_TAG "bedside-mar-record-entry/1\n"

#define HEAD_FORMAT "bedside-mar-chain-head"

#define SETTING_TERMINAL_ID "record-terminal-id"

#define ENTRY_COLUMNS \
  "seq, uuid, kind, at, recorded_at, performer_id, witness_id, patient_id, infusion_id, " \
  "corrects_seq, payload, prev_hash, hash"

void
mar_audit_entry_free (MarAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->uuid);
  g_free (entry->kind);
  g_free (entry->performer_id);
  g_free (entry->witness_id);
  g_free (entry->patient_id);
  g_free (entry->payload);
  g_free (entry->prev_hash);
  g_free (entry->hash);
  g_free (entry);
}

void
mar_audit_report_clear (MarAuditReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->message, g_free);
}

const char *
mar_audit_problem_to_string (MarAuditProblem problem)
{
  switch (problem)
    {
    case MAR_AUDIT_INTACT: return "intact";
    case MAR_AUDIT_ENTRY_CHANGED: return "entry-changed";
    case MAR_AUDIT_ENTRY_MISSING: return "entry-missing";
    case MAR_AUDIT_ENTRY_OUT_OF_PLACE: return "entry-out-of-place";
    case MAR_AUDIT_TRUNCATED: return "truncated";
    case MAR_AUDIT_HEAD_MISMATCH: return "head-mismatch";
    case MAR_AUDIT_HEAD_MISSING: return "head-missing";
    case MAR_AUDIT_HEAD_UNREADABLE: return "head-unreadable";
    default: return "unknown";
    }
}

/* Canonical JSON -------------------------------------------------------- */

static void
append_string (GString    *out,
               const char *text)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
          break;
        }
    }
  g_string_append_c (out, '"');
}

/* The shortest of %.15g..%.17g that reads back as the same double. */
static void
append_double (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  for (int precision = 15; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (precision == 17 || g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  g_string_append (out, buffer);
}

static int
compare_member_names (gconstpointer a,
                      gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);
        g_autoptr(GPtrArray) names = g_ptr_array_new ();

        for (GList *l = members; l != NULL; l = l->next)
          g_ptr_array_add (names, l->data);
        g_ptr_array_sort (names, compare_member_names);

        g_string_append_c (out, '{');
        for (guint i = 0; i < names->len; i++)
          {
            const char *name = g_ptr_array_index (names, i);

            if (i > 0)
              g_string_append_c (out, ',');
            append_string (out, name);
            g_string_append_c (out, ':');
            append_node (out, json_object_get_member (object, name));
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < length; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          append_string (out, json_node_get_string (node));
          break;
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

char *
mar_audit_canonical_json (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);

  append_node (out, node);
  return g_string_free (out, FALSE);
}

/* Hashing ---------------------------------------------------------------- */

/* Each field as a netstring ("<length>:<bytes>,"), a missing one as "~,":
 * no choice of field contents can make two different entries serialise
 * alike. */
static void
hash_field (GChecksum  *checksum,
            const char *value)
{
  char prefix[32];

  if (value == NULL)
    {
      g_checksum_update (checksum, (const guchar *) "~,", 2);
      return;
    }
  g_snprintf (prefix, sizeof prefix, "%" G_GSIZE_FORMAT ":", strlen (value));
  g_checksum_update (checksum, (const guchar *) prefix, -1);
  g_checksum_update (checksum, (const guchar *) value, strlen (value));
  g_checksum_update (checksum, (const guchar *) ",", 1);
}

static void
hash_int (GChecksum *checksum,
          gint64     value,
          gboolean   zero_is_null)
{
  char text[32];

  if (zero_is_null && value == 0)
    {
      hash_field (checksum, NULL);
      return;
    }
  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
  hash_field (checksum, text);
}

char *
mar_audit_entry_compute_hash (const MarAuditEntry *entry)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_return_val_if_fail (entry != NULL, NULL);

  g_checksum_update (checksum, (const guchar *) CANONICAL_TAG, -1);
  hash_int (checksum, entry->seq, FALSE);
  hash_field (checksum, entry->uuid);
  hash_field (checksum, entry->kind);
  hash_int (checksum, entry->at, FALSE);
  hash_int (checksum, entry->recorded_at, FALSE);
  hash_field (checksum, entry->performer_id);
  hash_field (checksum, entry->witness_id);
  hash_field (checksum, entry->patient_id);
  hash_int (checksum, entry->infusion_id, TRUE);
  hash_int (checksum, entry->corrects_seq, TRUE);
  hash_field (checksum, entry->payload);
  hash_field (checksum, entry->prev_hash);
  return g_strdup (g_checksum_get_string (checksum));
}

/* Reading entries --------------------------------------------------------- */

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
bind_id (MarStmt *stmt,
         int      index,
         gint64   value)
{
  if (value != 0)
    sqlite3_bind_int64 (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

static MarAuditEntry *
read_entry (MarStmt *stmt)
{
  MarAuditEntry *entry = g_new0 (MarAuditEntry, 1);

  entry->seq = sqlite3_column_int64 (stmt, 0);
  entry->uuid = mar_store_column_dup (stmt, 1);
  entry->kind = mar_store_column_dup (stmt, 2);
  entry->at = sqlite3_column_int64 (stmt, 3);
  entry->recorded_at = sqlite3_column_int64 (stmt, 4);
  entry->performer_id = mar_store_column_dup (stmt, 5);
  entry->witness_id = mar_store_column_dup (stmt, 6);
  entry->patient_id = mar_store_column_dup (stmt, 7);
  entry->infusion_id = sqlite3_column_int64 (stmt, 8);
  entry->corrects_seq = sqlite3_column_int64 (stmt, 9);
  entry->payload = mar_store_column_dup (stmt, 10);
  entry->prev_hash = mar_store_column_dup (stmt, 11);
  entry->hash = mar_store_column_dup (stmt, 12);
  return entry;
}

GPtrArray *
mar_audit_list_entries (MarStore  *store,
                        gint64     from,
                        gint64     to,
                        GError   **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_audit_entry_free);
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);

  stmt = mar_store_prepare (store,
                            "SELECT " ENTRY_COLUMNS " FROM record_entries "
                            "WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to < 0 ? G_MAXINT64 : to);
  while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (entries, read_entry (stmt));
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&entries);
}

GPtrArray *
mar_audit_list_infusion_entries (MarStore  *store,
                                 gint64     infusion_id,
                                 GError   **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_audit_entry_free);
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);

  stmt = mar_store_prepare (store,
                            "SELECT " ENTRY_COLUMNS " FROM record_entries "
                            "WHERE infusion_id = ?1 ORDER BY seq",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, infusion_id);
  while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (entries, read_entry (stmt));
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&entries);
}

gboolean
mar_audit_get_head (MarStore  *store,
                    gint64    *seq,
                    char     **hash,
                    GError   **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (seq != NULL && hash != NULL, FALSE);

  stmt = mar_store_prepare (store, "SELECT seq, hash FROM record_entries ORDER BY seq DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  rc = mar_store_step (store, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      *seq = 0;
      *hash = g_strdup (MAR_AUDIT_GENESIS_HASH);
    }
  else
    {
      *seq = sqlite3_column_int64 (stmt, 0);
      *hash = mar_store_column_dup (stmt, 1);
    }
  return TRUE;
}

/* The hash of entry @seq (the genesis hash for 0; NULL when absent). */
static gboolean
entry_hash (MarStore  *store,
            gint64     seq,
            char     **hash,
            GError   **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  *hash = NULL;
  if (seq == 0)
    {
      *hash = g_strdup (MAR_AUDIT_GENESIS_HASH);
      return TRUE;
    }
  stmt = mar_store_prepare (store, "SELECT hash FROM record_entries WHERE seq = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  rc = mar_store_step (store, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    *hash = mar_store_column_dup (stmt, 0);
  return TRUE;
}

/* The head file ----------------------------------------------------------- */

char *
mar_audit_dup_head_path (MarStore *store)
{
  g_return_val_if_fail (MAR_IS_STORE (store), NULL);
  return g_strconcat (mar_store_get_path (store), MAR_AUDIT_HEAD_SUFFIX, NULL);
}

static gboolean
is_hex_hash (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

gboolean
mar_audit_read_head_file (const char  *path,
                          gint64      *seq,
                          char       **hash,
                          GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;
  JsonNode *seq_node, *hash_node, *format_node;

  g_return_val_if_fail (path != NULL && seq != NULL && hash != NULL, FALSE);

  if (!g_file_get_contents (path, &contents, NULL, error))
    return FALSE;
  if (!json_parser_load_from_data (parser, contents, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto invalid;
  object = json_node_get_object (root);
  format_node = json_object_get_member (object, "format");
  seq_node = json_object_get_member (object, "seq");
  hash_node = json_object_get_member (object, "hash");
  if (format_node == NULL || !JSON_NODE_HOLDS_VALUE (format_node) ||
      g_strcmp0 (json_node_get_string (format_node), HEAD_FORMAT) != 0 ||
      seq_node == NULL || !JSON_NODE_HOLDS_VALUE (seq_node) ||
      json_node_get_value_type (seq_node) != G_TYPE_INT64 || json_node_get_int (seq_node) < 0 ||
      hash_node == NULL || !JSON_NODE_HOLDS_VALUE (hash_node) ||
      json_node_get_value_type (hash_node) != G_TYPE_STRING ||
      !is_hex_hash (json_node_get_string (hash_node)))
    goto invalid;

  *seq = json_node_get_int (seq_node);
  *hash = g_strdup (json_node_get_string (hash_node));
  return TRUE;

invalid:
  g_set_error (error, MAR_AUDIT_ERROR, MAR_AUDIT_ERROR_HEAD_FILE,
               _("%s is not a record head file"), path);
  return FALSE;
}

static gboolean
fsync_folder (const char  *path,
              GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int saved;

  if (fd < 0 || fsync (fd) != 0)
    {
      saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, MAR_AUDIT_ERROR, MAR_AUDIT_ERROR_HEAD_FILE,
                   _("The folder of %s could not be flushed to disk: %s"), path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
write_head (const char  *path,
            gint64       seq,
            const char  *hash,
            GError     **error)
{
  g_autofree char *text = g_strdup_printf ("{\"format\":\"" HEAD_FORMAT "\",\"version\":1,"
                                           "\"seq\":%" G_GINT64_FORMAT ",\"hash\":\"%s\"}\n",
                                           seq, hash);

  /* CONSISTENT: a temporary file renamed over the old one; DURABLE: the
   * temporary file is fsynced before the rename. The folder is fsynced
   * after it, so the rename itself survives a power cut. */
  if (!g_file_set_contents_full (path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0640, error))
    return FALSE;
  return fsync_folder (path, error);
}

/* Serialises head writers of all processes (the app, marctl and sync may
 * commit at the same time): read the newest entry and write it as one
 * step, so an older head never overwrites a newer one. */
static int
lock_head (const char *head_path)
{
  g_autofree char *lock_path = g_strconcat (head_path, ".lock", NULL);
  int fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);

  if (fd < 0)
    return -1;
  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno != EINTR)
        {
          close (fd);
          return -1;
        }
    }
  return fd;
}

static void
unlock_head (int fd)
{
  if (fd >= 0)
    {
      flock (fd, LOCK_UN);
      close (fd);
    }
}

gboolean
mar_audit_write_head_file (MarStore  *store,
                           GError   **error)
{
  g_autofree char *path = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *file_hash = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 seq = 0, file_seq = -1;
  gboolean ok = TRUE;
  int lock;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (!mar_store_in_transaction (store), FALSE);

  path = mar_audit_dup_head_path (store);
  lock = lock_head (path);
  if (lock < 0)
    {
      int saved = errno;

      g_set_error (error, MAR_AUDIT_ERROR, MAR_AUDIT_ERROR_HEAD_FILE,
                   _("The head file %s could not be locked: %s"), path, g_strerror (saved));
      return FALSE;
    }

  if (!mar_audit_get_head (store, &seq, &hash, error))
    {
      unlock_head (lock);
      return FALSE;
    }

  if (mar_audit_read_head_file (path, &file_seq, &file_hash, &local_error))
    {
      g_autofree char *hash_there = NULL;

      /* Already there (another process wrote it), or beyond the
       * database: that is for verify to report, not to paper over. */
      if (file_seq >= seq)
        {
          unlock_head (lock);
          return TRUE;
        }
      /* Moving on is only for a head file that names an entry of this
       * chain: after a database was put back from an older copy, the
       * entry the file names is another one, and writing over the file
       * would erase the evidence. */
      if (!entry_hash (store, file_seq, &hash_there, error))
        {
          unlock_head (lock);
          return FALSE;
        }
      if (g_strcmp0 (hash_there, file_hash) != 0)
        {
          g_message ("The record's head file names an entry this database does not hold; "
                     "'marctl audit verify' reports it");
          unlock_head (lock);
          return TRUE;
        }
    }
  else if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      /* The file is made before the first entry commits (see
       * mar_audit_append), so it can only be missing later if someone
       * removed it: do not hide that. */
      if (seq > 1)
        {
          g_message ("The record's head file is missing while the record has entries; "
                     "'marctl audit verify' reports it");
          unlock_head (lock);
          return TRUE;
        }
    }
  else if (!g_error_matches (local_error, MAR_AUDIT_ERROR, MAR_AUDIT_ERROR_HEAD_FILE))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      unlock_head (lock);
      return FALSE;
    }
  else
    {
      /* Not a head file: leave it for verify to report. */
      unlock_head (lock);
      return TRUE;
    }

  ok = write_head (path, seq, hash, error);
  unlock_head (lock);
  return ok;
}

/* Makes the head file (sequence 0) before the first entry can commit, so
 * that afterwards a missing file always means a removed one. */
static gboolean
ensure_head_file (MarStore  *store,
                  GError   **error)
{
  g_autofree char *path = mar_audit_dup_head_path (store);
  gboolean ok;
  int lock;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  lock = lock_head (path);
  if (lock < 0)
    {
      int saved = errno;

      g_set_error (error, MAR_AUDIT_ERROR, MAR_AUDIT_ERROR_HEAD_FILE,
                   _("The head file %s could not be locked: %s"), path, g_strerror (saved));
      return FALSE;
    }
  ok = g_file_test (path, G_FILE_TEST_EXISTS) || write_head (path, 0, MAR_AUDIT_GENESIS_HASH, error);
  unlock_head (lock);
  return ok;
}

/* Appending ----------------------------------------------------------------- */

gboolean
mar_audit_append (MarStore       *store,
                  MarAuditEntry  *entry,
                  GError        **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  g_autofree char *head_hash = NULL;
  gint64 head_seq;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (entry != NULL && entry->kind != NULL && entry->payload != NULL, FALSE);
  g_return_val_if_fail (entry->performer_id != NULL, FALSE);
  g_return_val_if_fail (mar_store_in_transaction (store), FALSE);

  if (!mar_audit_get_head (store, &head_seq, &head_hash, error))
    return FALSE;
  if (head_seq == 0 && !ensure_head_file (store, error))
    return FALSE;

  if (entry->uuid == NULL)
    entry->uuid = g_uuid_string_random ();
  entry->seq = head_seq + 1;
  g_free (entry->prev_hash);
  entry->prev_hash = g_steal_pointer (&head_hash);
  g_free (entry->hash);
  entry->hash = mar_audit_entry_compute_hash (entry);

  stmt = mar_store_prepare (store,
                            "INSERT INTO record_entries (" ENTRY_COLUMNS ") "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry->seq);
  bind_text (stmt, 2, entry->uuid);
  bind_text (stmt, 3, entry->kind);
  sqlite3_bind_int64 (stmt, 4, entry->at);
  sqlite3_bind_int64 (stmt, 5, entry->recorded_at);
  bind_text (stmt, 6, entry->performer_id);
  bind_text (stmt, 7, entry->witness_id);
  bind_text (stmt, 8, entry->patient_id);
  bind_id (stmt, 9, entry->infusion_id);
  bind_id (stmt, 10, entry->corrects_seq);
  bind_text (stmt, 11, entry->payload);
  bind_text (stmt, 12, entry->prev_hash);
  bind_text (stmt, 13, entry->hash);
  return mar_store_run (store, stmt, error);
}

char *
mar_audit_dup_terminal_id (MarStore  *store,
                           GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  char *id;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);

  id = mar_store_dup_setting (store, SETTING_TERMINAL_ID, &local_error);
  if (id != NULL)
    return id;
  if (!g_error_matches (local_error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  id = g_uuid_string_random ();
  if (!mar_store_set_setting (store, SETTING_TERMINAL_ID, id, error))
    {
      g_free (id);
      return NULL;
    }
  return id;
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_detail (JsonBuilder *builder,
            const char  *type,
            const char  *value)
{
  json_builder_begin_object (builder);
  add_string_member (builder, "type", type);
  add_string_member (builder, "valueString", value);
  json_builder_end_object (builder);
}

gboolean
mar_audit_queue_head (MarStore   *store,
                      JsonNode   *agent,
                      gint64      now,
                      gint64     *outbox_seq,
                      GError    **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) resource = NULL;
  g_autofree char *terminal = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *seq_text = NULL;
  g_autofree char *recorded = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  gint64 seq;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (mar_store_in_transaction (store), FALSE);

  terminal = mar_audit_dup_terminal_id (store, error);
  if (terminal == NULL || !mar_audit_get_head (store, &seq, &hash, error))
    return FALSE;
  seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
  recorded = mar_time_format_utc (now);

  /* FHIR-PROFILE.md: the server keeps an anchor that a truncated local
   * chain cannot match. R4's AuditEvent has no identifier element, so the
   * queue's UUID travels as a detail; a repeated push of the same head is
   * harmless (same sequence, same hash). */
  json_builder_begin_object (builder);
  add_string_member (builder, "resourceType", "AuditEvent");
  json_builder_set_member_name (builder, "type");
  json_builder_begin_object (builder);
  add_string_member (builder, "system", "urn:bedside-mar:audit");
  add_string_member (builder, "code", "record-chain-head");
  add_string_member (builder, "display", "Administration record chain head");
  json_builder_end_object (builder);
  add_string_member (builder, "action", "C");
  add_string_member (builder, "recorded", recorded);
  add_string_member (builder, "outcome", "0");

  json_builder_set_member_name (builder, "agent");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "who");
  if (agent != NULL)
    json_builder_add_value (builder, json_node_copy (agent));
  else
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "identifier");
      json_builder_begin_object (builder);
      add_string_member (builder, "system", "urn:bedside-mar:terminal");
      add_string_member (builder, "value", terminal);
      json_builder_end_object (builder);
      add_string_member (builder, "display", "Bedside MAR terminal");
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "requestor");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "source");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "observer");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "identifier");
  json_builder_begin_object (builder);
  add_string_member (builder, "system", "urn:bedside-mar:terminal");
  add_string_member (builder, "value", terminal);
  json_builder_end_object (builder);
  add_string_member (builder, "display", "Bedside MAR terminal");
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "entity");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "what");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "identifier");
  json_builder_begin_object (builder);
  add_string_member (builder, "system", "urn:bedside-mar:record-chain");
  add_string_member (builder, "value", terminal);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "detail");
  json_builder_begin_array (builder);
  add_detail (builder, "sequence", seq_text);
  add_detail (builder, "hash", hash);
  add_detail (builder, "queue-uuid", uuid);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  resource = json_builder_get_root (builder);
  return mar_outbox_enqueue (store, "AuditEvent", uuid, MAR_OUTBOX_CREATE, NULL, NULL,
                             resource, now, outbox_seq, error);
}

gboolean
mar_audit_commit (MarStore  *store,
                  GError   **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);

  if (!mar_store_commit (store, error))
    return FALSE;
  if (mar_store_in_transaction (store))
    return TRUE;  /* a nested commit: the outermost one writes the head */
  if (!mar_audit_write_head_file (store, &local_error))
    g_message ("The record's head file could not be updated (it lags, which verify "
               "accepts): %s", local_error->message);
  return TRUE;
}

/* Verifying ------------------------------------------------------------------- */

/* Numbers go into messages as text: a format macro cannot be in a
 * translatable string. */
static char *
seq_text (gint64 seq)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, seq);
}

static void
report_problem (MarAuditReport  *report,
                MarAuditProblem  problem,
                gint64           first_bad,
                char            *message)
{
  report->problem = problem;
  report->first_bad_seq = first_bad;
  g_free (report->message);
  report->message = message;
}

gboolean
mar_audit_verify (MarStore        *store,
                  const char      *head_path,
                  MarAuditReport  *report,
                  GError         **error)
{
  g_autofree char *default_path = NULL;
  g_autofree char *head_hash = NULL;
  g_autofree char *prev_hash = g_strdup (MAR_AUDIT_GENESIS_HASH);
  g_autofree char *hash_at_head = NULL;
  g_autoptr(GError) head_error = NULL;
  gboolean have_head;
  gint64 expected = 1;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  memset (report, 0, sizeof *report);
  report->head_seq = -1;
  if (head_path == NULL)
    head_path = default_path = mar_audit_dup_head_path (store);

  /* The file first, then the database: the file never leads the
   * database, so a writer committing meanwhile cannot make a sound record
   * look cut short. */
  have_head = mar_audit_read_head_file (head_path, &report->head_seq, &head_hash, &head_error);
  if (!have_head)
    report->head_seq = -1;

  if (!mar_store_begin_read (store, error))
    return FALSE;
  {
    g_autoptr(MarStmt) stmt = mar_store_prepare (store,
                                                 "SELECT " ENTRY_COLUMNS " FROM record_entries ORDER BY seq",
                                                 error);

    if (stmt == NULL)
      {
        mar_store_rollback (store);
        return FALSE;
      }
    while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
      {
        g_autoptr(MarAuditEntry) entry = read_entry (stmt);
        g_autofree char *computed = NULL;

        report->entries++;
        report->last_seq = entry->seq;
        if (report->problem != MAR_AUDIT_INTACT)
          continue;

        if (entry->seq != expected)
          {
            g_autofree char *first = seq_text (expected);
            g_autofree char *last = seq_text (entry->seq - 1);
            g_autofree char *before = seq_text (expected - 1);
            g_autofree char *after = seq_text (entry->seq);

            report_problem (report, MAR_AUDIT_ENTRY_MISSING, expected,
                            expected + 1 == entry->seq
                            ? g_strdup_printf (_("Entry %s is missing: the record goes from entry %s "
                                                 "to entry %s"), first, before, after)
                            : g_strdup_printf (_("Entries %s to %s are missing: the record goes from "
                                                 "entry %s to entry %s"), first, last, before, after));
            continue;
          }
        if (g_strcmp0 (entry->prev_hash, prev_hash) != 0)
          {
            g_autofree char *this = seq_text (entry->seq);
            g_autofree char *before = seq_text (entry->seq - 1);

            report_problem (report, MAR_AUDIT_ENTRY_OUT_OF_PLACE, entry->seq,
                            entry->seq == 1
                            ? g_strdup (_("Entry 1 is not the start of the record: it names a "
                                          "previous entry"))
                            : g_strdup_printf (_("Entry %s does not follow entry %s: entries were "
                                                 "moved, replaced, or one of them was changed and "
                                                 "rehashed"), this, before));
            continue;
          }
        computed = mar_audit_entry_compute_hash (entry);
        if (g_strcmp0 (computed, entry->hash) != 0)
          {
            g_autofree char *this = seq_text (entry->seq);

            report_problem (report, MAR_AUDIT_ENTRY_CHANGED, entry->seq,
                            g_strdup_printf (_("Entry %s (%s) was changed after it was written: its "
                                               "content no longer matches its hash"),
                                             this, entry->kind));
            continue;
          }
        if (have_head && entry->seq == report->head_seq)
          hash_at_head = g_strdup (entry->hash);
        g_free (prev_hash);
        prev_hash = g_strdup (entry->hash);
        expected++;
      }
  }
  mar_store_rollback (store);
  if (rc < 0)
    return FALSE;

  if (report->problem != MAR_AUDIT_INTACT)
    return TRUE;

  if (!have_head)
    {
      if (g_error_matches (head_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_autofree char *count = seq_text (report->last_seq);

          if (report->last_seq > 0)
            report_problem (report, MAR_AUDIT_HEAD_MISSING, report->last_seq,
                            g_strdup_printf (_("The head file %s is missing, though the record has "
                                               "%s entries: it cannot be told whether entries were "
                                               "removed from the end"),
                                             head_path, count));
        }
      else
        report_problem (report, MAR_AUDIT_HEAD_UNREADABLE, report->last_seq > 0 ? report->last_seq : 1,
                        g_strdup_printf (_("The head file cannot be read: %s"), head_error->message));
      return TRUE;
    }

  if (report->head_seq > report->last_seq)
    {
      g_autofree char *last = seq_text (report->last_seq);
      g_autofree char *head = seq_text (report->head_seq);

      report_problem (report, MAR_AUDIT_TRUNCATED, report->last_seq + 1,
                      g_strdup_printf (_("The record ends at entry %s, but the head file says it "
                                         "reached entry %s: entries were removed from the end, or "
                                         "the database was replaced by an older copy"),
                                       last, head));
      return TRUE;
    }

  if (report->head_seq == 0)
    {
      if (g_strcmp0 (head_hash, MAR_AUDIT_GENESIS_HASH) != 0)
        report_problem (report, MAR_AUDIT_HEAD_MISMATCH, 1,
                        g_strdup (_("The head file names the start of the record with a wrong hash")));
      return TRUE;
    }

  if (g_strcmp0 (hash_at_head, head_hash) != 0)
    {
      g_autofree char *head = seq_text (report->head_seq);

      report_problem (report, MAR_AUDIT_HEAD_MISMATCH, report->head_seq,
                      g_strdup_printf (_("Entry %s does not match the head file: the record was "
                                         "replaced or rewritten at or before that entry"), head));
    }
  return TRUE;
}
