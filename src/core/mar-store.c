/* mar-store.c — the terminal's SQLite cache
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "mar-barcode.h"
#include "mar-store.h"
#include "mar-store-private.h"
#include "mar-store-schema.h"

struct _MarStore
{
  GObject     parent_instance;

  sqlite3    *db;
  char       *path;
  gboolean    read_only;
  int         schema_version;
  int         busy_timeout_ms;
  guint       transaction_depth;

  /* SQL text (static strings, keyed by address) → prepared statement. */
  GHashTable *statements;

  /* PractitionerRole code mapping: the setting text it was parsed from
   * (NULL: defaults) and "system|code" → MarRole. */
  char       *role_codes_text;
  GHashTable *role_codes;
};

G_DEFINE_TYPE (MarStore, mar_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (mar-store-error-quark, mar_store_error)

/* A cached statement is reset, not finalized, when it goes out of scope. */
void
mar_stmt_release (MarStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */

static void
set_sqlite_error (const char  *path,
                  sqlite3     *db,
                  int          rc,
                  int          busy_timeout_ms,
                  GError     **error)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_BUSY,
                   _("The database at %s is in use by another program (the Bedside MAR app, "
                     "marctl or the sync service) and stayed locked for %.1f s: try again; "
                     "nothing was changed"),
                   path, busy_timeout_ms / 1000.0);
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_CORRUPT,
                   _("The file %s is not a Bedside MAR database, or it is damaged (%s): "
                     "restore it from a backup, or move it aside so a new cache is built "
                     "by the next sync; nothing was changed"),
                   path, detail);
      break;

    case SQLITE_READONLY:
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_READ_ONLY,
                   _("The database at %s cannot be written (%s): check that the file and "
                     "its folder are writable by this user; nothing was changed"),
                   path, detail);
      break;

    case SQLITE_FULL:
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_FULL,
                   _("The disk holding %s is full: free some space and try again; "
                     "nothing was changed"),
                   path);
      break;

    case SQLITE_IOERR:
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_IO,
                   _("The disk failed while reading or writing %s (%s): have the disk "
                     "checked; nothing was changed"),
                   path, detail);
      break;

    case SQLITE_CONSTRAINT:
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_CONSTRAINT,
                   _("A change broke a rule of the database at %s (%s); nothing was changed"),
                   path, detail);
      break;

    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_CANT_OPEN,
                   _("The database at %s cannot be opened (%s): check that its folder "
                     "exists and that this user may use it"),
                   path, detail);
      break;

    default:
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_FAILED,
                   _("The database at %s failed (%s)"), path, detail);
      break;
    }
}

static void
store_set_error (MarStore  *self,
                 int        rc,
                 GError   **error)
{
  set_sqlite_error (self->path, self->db, rc, self->busy_timeout_ms, error);
}

/* ------------------------------------------------------------------ */
/* Statements                                                          */

static MarStmt *
store_prepare (MarStore    *self,
               const char  *sql,
               GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      /* Cached statements are keyed by their SQL literal; a statement
       * still stepping here would be a nesting bug in this file. */
      g_warn_if_fail (!sqlite3_stmt_busy (stmt));
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      store_set_error (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

/* SQLITE_ROW or SQLITE_DONE; -1 with @error set. */
static int
store_step (MarStore      *self,
            sqlite3_stmt  *stmt,
            GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;
  store_set_error (self, rc, error);
  return -1;
}

/* Runs a statement without results (bound by the caller). */
static gboolean
store_run (MarStore      *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc;

  while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
    ;
  return rc == SQLITE_DONE;
}

static gboolean
store_exec (MarStore    *self,
            const char  *sql,
            GError     **error)
{
  g_autoptr(MarStmt) stmt = store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  return store_run (self, stmt, error);
}

/* Private API for the other modules of the core (mar-store-private.h). */

MarStmt *
mar_store_prepare (MarStore    *self,
                   const char  *sql,
                   GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  return store_prepare (self, sql, error);
}

int
mar_store_step (MarStore      *self,
                sqlite3_stmt  *stmt,
                GError       **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), -1);
  return store_step (self, stmt, error);
}

gboolean
mar_store_run (MarStore      *self,
               sqlite3_stmt  *stmt,
               GError       **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  return store_run (self, stmt, error);
}

gboolean
mar_store_exec (MarStore    *self,
                const char  *sql,
                GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  return store_exec (self, sql, error);
}

void
mar_store_set_sqlite_error (MarStore  *self,
                            int        rc,
                            GError   **error)
{
  g_return_if_fail (MAR_IS_STORE (self));
  store_set_error (self, rc, error);
}

sqlite3 *
mar_store_get_handle (MarStore *self)
{
  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  return self->db;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_time (sqlite3_stmt *stmt,
           int           index,
           gint64        t)
{
  if (t != MAR_TIME_UNSET)
    sqlite3_bind_int64 (stmt, index, t);
  else
    sqlite3_bind_null (stmt, index);
}

/* Binds value at @index and unit at @index + 1. */
static void
bind_quantity (sqlite3_stmt      *stmt,
               int                index,
               const MarQuantity *quantity)
{
  if (quantity->set)
    {
      sqlite3_bind_double (stmt, index, quantity->value);
      sqlite3_bind_text (stmt, index + 1, quantity->unit, -1, SQLITE_TRANSIENT);
    }
  else
    {
      sqlite3_bind_null (stmt, index);
      sqlite3_bind_null (stmt, index + 1);
    }
}

static const char *
column_get (sqlite3_stmt *stmt,
            int           index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}

static gint64
column_time (sqlite3_stmt *stmt,
             int           index)
{
  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return MAR_TIME_UNSET;
  return sqlite3_column_int64 (stmt, index);
}

static gboolean
column_bool (sqlite3_stmt *stmt,
             int           index)
{
  return sqlite3_column_int (stmt, index) != 0;
}

static void
column_quantity (sqlite3_stmt *stmt,
                 int           index,
                 MarQuantity  *quantity)
{
  memset (quantity, 0, sizeof *quantity);
  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return;
  mar_quantity_set (quantity, sqlite3_column_double (stmt, index), column_get (stmt, index + 1));
}

static void
column_ratio (sqlite3_stmt *stmt,
              int           index,
              MarRatio     *ratio)
{
  column_quantity (stmt, index, &ratio->numerator);
  column_quantity (stmt, index + 2, &ratio->denominator);
}

/* ------------------------------------------------------------------ */
/* Code normalisation for the look-up columns                          */

/* The catalog's look-up keys are computed by the same rules the barcode
 * parser applies to scans, so a scanned GTIN or NDC finds its product. */
static char *
normalise_gtin14 (const char *gtin)
{
  return gtin != NULL ? mar_gtin_normalize (gtin, NULL) : NULL;
}

static char *
normalise_ndc10 (const char *ndc)
{
  return ndc != NULL ? mar_ndc_to_ndc10 (ndc) : NULL;
}

/* ------------------------------------------------------------------ */
/* Opening and migrations                                              */

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gboolean
file_has_content (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 && st.st_size > 0;
}

/* SQLite only notices a truncated file when it reads a missing page, which
 * may be long after opening, on the scan path. The header (SQLite file
 * format, section 1.3) says how many pages the file holds: check it now.
 * Skipped while a WAL or journal exists, since they may legitimately hold
 * pages not yet written back to the file. */
static gboolean
check_file_header (const char  *path,
                   GError     **error)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  guint8 header[100];
  GStatBuf st;
  FILE *file;
  gsize n;
  guint32 page_size, page_count;

  if (g_stat (path, &st) != 0 || st.st_size < (goffset) sizeof header)
    return TRUE;  /* empty: a new cache; tiny: SQLite says NOTADB */
  if (file_has_content (wal) || file_has_content (journal))
    return TRUE;

  file = g_fopen (path, "rb");
  if (file == NULL)
    return TRUE;  /* SQLite reports the open error itself */
  n = fread (header, 1, sizeof header, file);
  fclose (file);
  if (n != sizeof header || memcmp (header, "SQLite format 3", 16) != 0)
    return TRUE;  /* not a database: SQLite says NOTADB */

  page_size = ((guint32) header[16] << 8) | header[17];
  if (page_size == 1)
    page_size = 65536;
  page_count = read_be32 (header + 28);
  /* The in-header size is valid only when the change counter matches
   * "version-valid-for" (offsets 24 and 92). */
  if (read_be32 (header + 24) != read_be32 (header + 92))
    return TRUE;

  if ((guint64) page_size * page_count > (guint64) st.st_size)
    {
      /* Numbers as text: a format macro cannot be in a translatable string. */
      g_autofree char *have = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) st.st_size);
      g_autofree char *want = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) page_size * page_count);

      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_CORRUPT,
                   _("The database at %s is damaged: it was cut short (%s of %s bytes). "
                     "Restore it from a backup, or move it aside so a new cache is built by "
                     "the next sync; nothing was changed"),
                   path, have, want);
      return FALSE;
    }
  return TRUE;
}

static gboolean
store_read_int (MarStore    *self,
                const char  *sql,
                int         *value,
                GError     **error)
{
  g_autoptr(MarStmt) stmt = store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = store_step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  *value = rc == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : 0;
  return TRUE;
}

static gboolean
store_migrate (MarStore  *self,
               GError   **error)
{
  G_STATIC_ASSERT (G_N_ELEMENTS (mar_store_migrations) == MAR_STORE_SCHEMA_VERSION);

  for (;;)
    {
      int version;
      char *message = NULL;
      g_autofree char *set_version = NULL;
      int rc;

      if (!mar_store_begin (self, error))
        return FALSE;

      /* Read again under the write lock: another process (the app and the
       * sync service start together) may have migrated meanwhile. */
      if (!store_read_int (self, "PRAGMA user_version", &version, error))
        goto failed;
      if (version >= MAR_STORE_SCHEMA_VERSION)
        {
          mar_store_rollback (self);
          self->schema_version = version;
          return TRUE;
        }

      rc = sqlite3_exec (self->db, mar_store_migrations[version], NULL, NULL, &message);
      if (rc != SQLITE_OK)
        {
          g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_FAILED,
                       _("The database at %s could not be upgraded to schema %d (%s); "
                         "nothing was changed"),
                       self->path, version + 1, message != NULL ? message : sqlite3_errstr (rc));
          sqlite3_free (message);
          goto failed;
        }

      /* PRAGMA takes no bound parameters; the value is our own constant. */
      set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      rc = sqlite3_exec (self->db, set_version, NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        {
          store_set_error (self, rc, error);
          goto failed;
        }

      if (!mar_store_commit (self, error))
        return FALSE;
      g_debug ("Migrated the cache to schema %d", version + 1);
      continue;

    failed:
      mar_store_rollback (self);
      return FALSE;
    }
}

MarStore *
mar_store_open (const char         *path,
                MarStoreOpenFlags   flags,
                GError            **error)
{
  g_autoptr(MarStore) self = NULL;
  gboolean read_only = (flags & MAR_STORE_OPEN_READ_ONLY) != 0;
  int sqlite_flags;
  int version = 0;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_CANT_OPEN,
                   _("%s is a folder, not a database file: give the path of the database "
                     "file itself (e.g. %s/mar.db)"),
                   path, path);
      return NULL;
    }

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if ((flags & (MAR_STORE_OPEN_MUST_EXIST | MAR_STORE_OPEN_READ_ONLY)) != 0)
        {
          g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND,
                       _("There is no database at %s: check --db or BEDSIDE_MAR_DB, or "
                         "import data or sync first"),
                       path);
          return NULL;
        }
    }
  else if (!check_file_header (path, error))
    return NULL;

  self = g_object_new (MAR_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->read_only = read_only;

  /* A MarStore is used by one thread at a time (like a GObject without
   * locks), so SQLite's own per-call mutexes are not needed. */
  sqlite_flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite_flags |= SQLITE_OPEN_NOMUTEX;
  rc = sqlite3_open_v2 (path, &self->db, sqlite_flags, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (path, self->db, rc, self->busy_timeout_ms, error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, self->busy_timeout_ms);

  /* Read before anything writes: a file that is not a database, or one
   * from a newer Bedside MAR, must be left exactly as it was. Counting
   * the schema makes SQLite read and parse it now. */
  if (!store_read_int (self, "SELECT count(*) FROM sqlite_schema", &version, error) ||
      !store_read_int (self, "PRAGMA user_version", &version, error))
    return NULL;

  if (version > MAR_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NEWER_SCHEMA,
                   _("The database at %s was written by a newer Bedside MAR (schema %d, this "
                     "one knows %d): upgrade the app; nothing was changed"),
                   path, version, MAR_STORE_SCHEMA_VERSION);
      return NULL;
    }

  if (!read_only && sqlite3_db_readonly (self->db, "main") == 1)
    {
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_READ_ONLY,
                   _("The database at %s cannot be written by this user: check that the file "
                     "and its folder are writable by this user; nothing was changed"),
                   path);
      return NULL;
    }

  /* Connection settings (issue 3): foreign keys enforced; every commit
   * on disk before it is acknowledged (a lost record is a legal failure). */
  if (!store_exec (self, "PRAGMA foreign_keys = ON", error) ||
      !store_exec (self, "PRAGMA synchronous = FULL", error) ||
      !store_exec (self, "PRAGMA trusted_schema = OFF", error))
    return NULL;

  if (read_only)
    {
      if (version < MAR_STORE_SCHEMA_VERSION)
        {
          g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_READ_ONLY,
                       _("The database at %s has schema %d and needs an upgrade to %d, which "
                         "a read-only open cannot do: open it once with write access"),
                       path, version, MAR_STORE_SCHEMA_VERSION);
          return NULL;
        }
      self->schema_version = version;
      return g_steal_pointer (&self);
    }

  /* WAL lets the app read while the sync service writes; it is a property
   * of the file, so setting it again is harmless. */
  {
    g_autoptr(MarStmt) stmt = store_prepare (self, "PRAGMA journal_mode = WAL", error);
    const char *mode;

    if (stmt == NULL || store_step (self, stmt, error) != SQLITE_ROW)
      return NULL;
    mode = column_get (stmt, 0);
    if (g_strcmp0 (mode, "wal") != 0)
      {
        g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_FAILED,
                     _("The database at %s cannot use write-ahead logging (mode %s): keep it "
                       "on a local disk"),
                     path, mode != NULL ? mode : "?");
        return NULL;
      }
  }

  self->schema_version = version;
  if (version < MAR_STORE_SCHEMA_VERSION && !store_migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
mar_store_get_path (MarStore *self)
{
  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  return self->path;
}

gboolean
mar_store_is_read_only (MarStore *self)
{
  g_return_val_if_fail (MAR_IS_STORE (self), TRUE);
  return self->read_only;
}

int
mar_store_get_schema_version (MarStore *self)
{
  g_return_val_if_fail (MAR_IS_STORE (self), 0);
  return self->schema_version;
}

void
mar_store_set_busy_timeout (MarStore *self,
                            int       milliseconds)
{
  g_return_if_fail (MAR_IS_STORE (self));
  g_return_if_fail (milliseconds >= 0);

  self->busy_timeout_ms = milliseconds;
  if (self->db != NULL)
    sqlite3_busy_timeout (self->db, milliseconds);
}

/* ------------------------------------------------------------------ */
/* Transactions                                                        */

gboolean
mar_store_begin (MarStore  *self,
                 GError   **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);

  if (self->read_only)
    {
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_READ_ONLY,
                   _("The database at %s was opened for reading only; nothing was changed"),
                   self->path);
      return FALSE;
    }

  if (self->transaction_depth > 0 && sqlite3_get_autocommit (self->db))
    {
      /* SQLite rolled the outer transaction back after an error (disk
       * full, I/O): nothing may be written until the caller rolls back. */
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_FAILED,
                   _("The database at %s undid the current change after an error; "
                     "nothing was changed"),
                   self->path);
      return FALSE;
    }

  if (!store_exec (self, self->transaction_depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT mar_nested",
                   error))
    return FALSE;
  self->transaction_depth++;
  return TRUE;
}

gboolean
mar_store_commit (MarStore  *self,
                  GError   **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->transaction_depth > 0, FALSE);

  if (sqlite3_get_autocommit (self->db))
    {
      self->transaction_depth--;
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_FAILED,
                   _("The database at %s undid the current change after an error; "
                     "nothing was changed"),
                   self->path);
      return FALSE;
    }

  if (!store_exec (self, self->transaction_depth == 1 ? "COMMIT" : "RELEASE mar_nested", error))
    {
      /* A deferred foreign key fails at COMMIT and leaves the transaction
       * open: undo it, so a failed commit always means nothing changed. */
      mar_store_rollback (self);
      return FALSE;
    }
  self->transaction_depth--;
  return TRUE;
}

void
mar_store_rollback (MarStore *self)
{
  g_return_if_fail (MAR_IS_STORE (self));

  if (self->transaction_depth == 0)
    return;
  self->transaction_depth--;

  if (sqlite3_get_autocommit (self->db))
    return;  /* SQLite already rolled everything back */

  if (self->transaction_depth == 0)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  else
    sqlite3_exec (self->db, "ROLLBACK TO mar_nested; RELEASE mar_nested", NULL, NULL, NULL);
}

/* Ends a one-statement write begun with mar_store_begin(). */
static gboolean
store_finish (MarStore  *self,
              gboolean   ok,
              GError   **error)
{
  if (!ok)
    {
      mar_store_rollback (self);
      return FALSE;
    }
  return mar_store_commit (self, error);
}

gboolean
mar_store_begin_read (MarStore  *self,
                      GError   **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);

  /* Deferred: takes no write lock, only a snapshot (WAL). */
  if (!store_exec (self, self->transaction_depth == 0 ? "BEGIN" : "SAVEPOINT mar_nested", error))
    return FALSE;
  self->transaction_depth++;
  return TRUE;
}

/* Reads that take several statements run in one snapshot, so a sync
 * writing meanwhile cannot give an order without its times. */
static gboolean
store_read_begin (MarStore  *self,
                  gboolean  *started,
                  GError   **error)
{
  *started = self->transaction_depth == 0;
  if (!*started)
    return TRUE;
  return mar_store_begin_read (self, error);
}

static void
store_read_end (MarStore *self,
                gboolean  started)
{
  if (started)
    {
      /* Ending a read cannot lose anything: ignore how it ends. */
      if (!sqlite3_get_autocommit (self->db))
        sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
      self->transaction_depth--;
    }
}

gboolean
mar_store_in_transaction (MarStore *self)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  return self->transaction_depth > 0;
}

/* ------------------------------------------------------------------ */
/* Resource types → tables                                             */

typedef struct
{
  const char *resource_type;
  const char *exists_sql;
  const char *remove_sql;
  const char *meta_sql;
} ResourceTable;

/* Table names are constants of this file, never input. */
#define RESOURCE_TABLE(type, table) \
  { type, \
    "SELECT 1 FROM " table " WHERE id = ?1", \
    "UPDATE " table " SET removed = 1, stored_at = ?2 WHERE id = ?1 AND removed = 0", \
    "SELECT t.version_id, t.last_updated, j.json FROM " table " t " \
    "LEFT JOIN resource_json j ON j.resource_type = ?2 AND j.id = t.id WHERE t.id = ?1" }

enum {
  TABLE_PATIENTS,
  TABLE_LOCATIONS,
  TABLE_ENCOUNTERS,
  TABLE_WEIGHTS,
  TABLE_PRODUCTS,
  TABLE_ORDERS,
  TABLE_DISPENSES,
  TABLE_ALLERGIES,
  TABLE_STAFF,
  TABLE_STAFF_ROLES,
  TABLE_ADMINISTRATIONS,
};

static const ResourceTable resource_tables[] = {
  [TABLE_PATIENTS] = RESOURCE_TABLE ("Patient", "patients"),
  [TABLE_LOCATIONS] = RESOURCE_TABLE ("Location", "locations"),
  [TABLE_ENCOUNTERS] = RESOURCE_TABLE ("Encounter", "encounters"),
  [TABLE_WEIGHTS] = RESOURCE_TABLE ("Observation", "weights"),
  [TABLE_PRODUCTS] = RESOURCE_TABLE ("Medication", "products"),
  [TABLE_ORDERS] = RESOURCE_TABLE ("MedicationRequest", "orders"),
  [TABLE_DISPENSES] = RESOURCE_TABLE ("MedicationDispense", "dispenses"),
  [TABLE_ALLERGIES] = RESOURCE_TABLE ("AllergyIntolerance", "allergies"),
  [TABLE_STAFF] = RESOURCE_TABLE ("Practitioner", "staff"),
  [TABLE_STAFF_ROLES] = RESOURCE_TABLE ("PractitionerRole", "staff_roles"),
  [TABLE_ADMINISTRATIONS] = RESOURCE_TABLE ("MedicationAdministration", "administrations"),
};

static const ResourceTable *
resource_table_lookup (const char *resource_type)
{
  for (guint i = 0; i < G_N_ELEMENTS (resource_tables); i++)
    if (g_strcmp0 (resource_tables[i].resource_type, resource_type) == 0)
      return &resource_tables[i];
  return NULL;
}

static gboolean
unknown_resource_type (const char  *resource_type,
                       GError     **error)
{
  g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND,
               _("The cache keeps no resources of type %s"), resource_type);
  return FALSE;
}

gboolean
mar_store_has_resource (MarStore    *self,
                        const char  *resource_type,
                        const char  *id,
                        gboolean    *exists,
                        GError     **error)
{
  const ResourceTable *table;
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (resource_type != NULL && id != NULL && exists != NULL, FALSE);

  if ((table = resource_table_lookup (resource_type)) == NULL)
    return unknown_resource_type (resource_type, error);
  if ((stmt = store_prepare (self, table->exists_sql, error)) == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  if ((rc = store_step (self, stmt, error)) < 0)
    return FALSE;
  *exists = rc == SQLITE_ROW;
  return TRUE;
}

char *
mar_store_dup_resource_json (MarStore    *self,
                             const char  *resource_type,
                             const char  *id,
                             GError     **error)
{
  const ResourceTable *table;
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (resource_type != NULL && id != NULL, NULL);

  if ((table = resource_table_lookup (resource_type)) == NULL)
    {
      unknown_resource_type (resource_type, error);
      return NULL;
    }
  if ((stmt = store_prepare (self, "SELECT json FROM resource_json WHERE resource_type = ?1 AND id = ?2",
                            error)) == NULL)
    return NULL;
  bind_text (stmt, 1, table->resource_type);
  bind_text (stmt, 2, id);
  if ((rc = store_step (self, stmt, error)) < 0)
    return NULL;
  if (rc == SQLITE_DONE || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    {
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND,
                   _("The cache holds no %s with that id"), resource_type);
      return NULL;
    }
  return mar_store_column_dup (stmt, 0);
}

gboolean
mar_store_mark_removed (MarStore    *self,
                        const char  *resource_type,
                        const char  *id,
                        gboolean    *changed,
                        GError     **error)
{
  const ResourceTable *table;
  gboolean ok;

  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (resource_type != NULL && id != NULL, FALSE);

  if ((table = resource_table_lookup (resource_type)) == NULL)
    return unknown_resource_type (resource_type, error);

  if (!mar_store_begin (self, error))
    return FALSE;
  {
    g_autoptr(MarStmt) stmt = store_prepare (self, table->remove_sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        bind_text (stmt, 1, id);
        sqlite3_bind_int64 (stmt, 2, now_seconds ());
        ok = store_run (self, stmt, error);
        if (ok && changed != NULL)
          *changed = sqlite3_changes (self->db) > 0;
      }
  }
  return store_finish (self, ok, error);
}

/* ------------------------------------------------------------------ */
/* Versions                                                            */

static gboolean
parse_version_number (const char *version,
                      guint64    *number)
{
  if (version == NULL || *version == '\0' || strlen (version) > 18)
    return FALSE;
  for (const char *p = version; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  *number = g_ascii_strtoull (version, NULL, 10);
  return TRUE;
}

/* > 0 when the incoming resource is newer than the cached row, 0 when it is
 * the same version, < 0 when older. meta.versionId orders versions of one
 * server when both are numbers (HAPI, Epic); otherwise meta.lastUpdated
 * does (the server's clock, Medplum's UUID versions). Without either, a
 * resource that differs from the cached one replaces it: a file without
 * meta has no other way to be corrected. */
static int
compare_versions (const char *version,
                  gint64      last_updated,
                  const char *json,
                  const char *cached_version,
                  gint64      cached_last_updated,
                  const char *cached_json)
{
  guint64 a, b;

  if (parse_version_number (version, &a) && parse_version_number (cached_version, &b))
    return a > b ? 1 : a < b ? -1 : 0;

  if (last_updated != MAR_TIME_UNSET && cached_last_updated != MAR_TIME_UNSET &&
      last_updated != cached_last_updated)
    return last_updated > cached_last_updated ? 1 : -1;

  if (version != NULL && cached_version != NULL && strcmp (version, cached_version) == 0)
    return 0;

  if (g_strcmp0 (version, cached_version) == 0 && g_strcmp0 (json, cached_json) == 0)
    return 0;

  return 1;
}

static const MarResourceInfo no_info = { MAR_TIME_UNSET, NULL };

/* Decides whether a row is written: CREATED or UPDATED go ahead. */
static gboolean
store_check_version (MarStore               *self,
                     guint                   table,
                     const char             *id,
                     const char             *version,
                     const MarResourceInfo  *info,
                     MarStoreChange         *change,
                     GError                **error)
{
  g_autoptr(MarStmt) stmt = store_prepare (self, resource_tables[table].meta_sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  bind_text (stmt, 2, resource_tables[table].resource_type);
  if ((rc = store_step (self, stmt, error)) < 0)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      *change = MAR_STORE_CHANGE_CREATED;
      return TRUE;
    }

  rc = compare_versions (version, info->last_updated, info->json,
                         column_get (stmt, 0), column_time (stmt, 1), column_get (stmt, 2));
  *change = rc > 0 ? MAR_STORE_CHANGE_UPDATED
          : rc == 0 ? MAR_STORE_CHANGE_UNCHANGED
          : MAR_STORE_CHANGE_OLDER;
  return TRUE;
}

/* The resource's JSON, beside its row (mar-store-schema.h says why). A row
 * written without JSON (made on this terminal) keeps none. */
static gboolean
store_write_json (MarStore    *self,
                  guint        table,
                  const char  *id,
                  const char  *json,
                  GError     **error)
{
  g_autoptr(MarStmt) stmt = store_prepare (self,
    json != NULL
    ? "INSERT INTO resource_json (resource_type, id, json) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (resource_type, id) DO UPDATE SET json = excluded.json"
    : "DELETE FROM resource_json WHERE resource_type = ?1 AND id = ?2",
    error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, resource_tables[table].resource_type);
  bind_text (stmt, 2, id);
  if (json != NULL)
    bind_text (stmt, 3, json);
  return store_run (self, stmt, error);
}

/* A newer version of a quarantined resource has been stored: the
 * quarantine no longer holds its patient back (FHIR-PROFILE.md). */
static gboolean
store_resolve_quarantine (MarStore    *self,
                          guint        table,
                          const char  *id,
                          GError     **error)
{
  g_autoptr(MarStmt) stmt = store_prepare (self,
    "UPDATE quarantine SET resolved_at = ?3 "
    "WHERE resource_type = ?1 AND resource_id = ?2 AND resolved_at IS NULL", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, resource_tables[table].resource_type);
  bind_text (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, now_seconds ());
  return store_run (self, stmt, error);
}

/* Binds the columns every FHIR row starts with: ?1 id, ?2 version_id,
 * ?3 last_updated, ?4 removed, ?5 stored_at. */
static void
bind_row_header (sqlite3_stmt          *stmt,
                 const char            *id,
                 const char            *version,
                 gboolean               removed,
                 const MarResourceInfo *info)
{
  bind_text (stmt, 1, id);
  bind_text (stmt, 2, version);
  bind_time (stmt, 3, info->last_updated);
  sqlite3_bind_int (stmt, 4, removed ? 1 : 0);
  sqlite3_bind_int64 (stmt, 5, now_seconds ());
}

#define ROW_HEADER_COLUMNS "id, version_id, last_updated, removed, stored_at"
#define ROW_HEADER_UPDATE \
  "version_id = excluded.version_id, last_updated = excluded.last_updated, " \
  "removed = excluded.removed, stored_at = excluded.stored_at"

typedef gboolean (*WriteRowFunc) (MarStore               *self,
                                  gconstpointer           row,
                                  const MarResourceInfo  *info,
                                  GError                **error);

/* One logical change: check the version, write the row and its lists,
 * lift a quarantine, all in one transaction. */
static gboolean
store_upsert (MarStore               *self,
              guint                   table,
              const char             *id,
              const char             *version,
              gconstpointer           row,
              WriteRowFunc            write_row,
              const MarResourceInfo  *info,
              MarStoreChange         *change,
              GError                **error)
{
  MarStoreChange result = MAR_STORE_CHANGE_UNCHANGED;

  if (info == NULL)
    info = &no_info;
  if (id == NULL || *id == '\0')
    {
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_CONSTRAINT,
                   _("A %s without an id cannot be stored; nothing was changed"),
                   resource_tables[table].resource_type);
      return FALSE;
    }

  if (!mar_store_begin (self, error))
    return FALSE;

  if (!store_check_version (self, table, id, version, info, &result, error))
    goto failed;

  if (result == MAR_STORE_CHANGE_CREATED || result == MAR_STORE_CHANGE_UPDATED)
    {
      if (!write_row (self, row, info, error) ||
          !store_write_json (self, table, id, info->json, error) ||
          !store_resolve_quarantine (self, table, id, error))
        goto failed;
    }

  if (!mar_store_commit (self, error))
    return FALSE;
  if (change != NULL)
    *change = result;
  return TRUE;

failed:
  mar_store_rollback (self);
  return FALSE;
}

static gboolean
delete_children (MarStore    *self,
                 const char  *sql,
                 const char  *parent_id,
                 GError     **error)
{
  g_autoptr(MarStmt) stmt = store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, parent_id);
  return store_run (self, stmt, error);
}

static gboolean
insert_codings (MarStore         *self,
                const char       *delete_sql,
                const char       *insert_sql,
                const char       *parent_id,
                const GPtrArray  *codings,
                GError          **error)
{
  if (!delete_children (self, delete_sql, parent_id, error))
    return FALSE;

  for (guint i = 0; codings != NULL && i < codings->len; i++)
    {
      const MarCoding *coding = g_ptr_array_index (codings, i);
      g_autoptr(MarStmt) stmt = store_prepare (self, insert_sql, error);

      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, parent_id);
      sqlite3_bind_int (stmt, 2, i);
      bind_text (stmt, 3, coding->system);
      bind_text (stmt, 4, coding->code);
      bind_text (stmt, 5, coding->display);
      if (!store_run (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Writes                                                              */

static gboolean
has_suffix_nocase (const char *text,
                   const char *suffix)
{
  gsize length, suffix_length;

  if (text == NULL)
    return FALSE;
  length = strlen (text);
  suffix_length = strlen (suffix);
  return length >= suffix_length &&
         g_ascii_strcasecmp (text + length - suffix_length, suffix) == 0;
}

static const char *
identifier_kind (const MarIdentifier *identifier)
{
  /* FHIR-PROFILE.md, Patient: type MR = MRN; a system ending in "gsrn" = GS1 GSRN. */
  if (g_strcmp0 (identifier->type_code, "MR") == 0)
    return "mrn";
  if (has_suffix_nocase (identifier->system, "gsrn"))
    return "gsrn";
  return NULL;
}

static gboolean
insert_patient_identifier (MarStore    *self,
                           const char  *patient_id,
                           guint        seq,
                           const char  *kind,
                           const char  *type_code,
                           const char  *system,
                           const char  *value,
                           GError     **error)
{
  g_autoptr(MarStmt) stmt = store_prepare (self,
    "INSERT INTO patient_identifiers (patient_id, seq, kind, type_code, system, value) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, patient_id);
  sqlite3_bind_int (stmt, 2, seq);
  bind_text (stmt, 3, kind);
  bind_text (stmt, 4, type_code);
  bind_text (stmt, 5, system);
  bind_text (stmt, 6, value);
  return store_run (self, stmt, error);
}

static gboolean
write_patient (MarStore               *self,
               gconstpointer           row,
               const MarResourceInfo  *info,
               GError                **error)
{
  const MarPatient *patient = row;
  gboolean mrn_listed = FALSE, gsrn_listed = FALSE;
  guint seq = 0;

  {
    g_autoptr(MarStmt) stmt = store_prepare (self,
      "INSERT INTO patients (" ROW_HEADER_COLUMNS ", mrn, gsrn, family, given, birth_date, "
      "  gender, active) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
      "ON CONFLICT (id) DO UPDATE SET " ROW_HEADER_UPDATE ", mrn = excluded.mrn, "
      "  gsrn = excluded.gsrn, family = excluded.family, given = excluded.given, "
      "  birth_date = excluded.birth_date, gender = excluded.gender, active = excluded.active",
      error);

    if (stmt == NULL)
      return FALSE;
    bind_row_header (stmt, patient->id, patient->version, patient->removed, info);
    bind_text (stmt, 6, patient->mrn);
    bind_text (stmt, 7, patient->gsrn);
    bind_text (stmt, 8, patient->family);
    bind_text (stmt, 9, patient->given);
    bind_text (stmt, 10, patient->birth_date);
    bind_text (stmt, 11, patient->gender);
    sqlite3_bind_int (stmt, 12, patient->active ? 1 : 0);
    if (!store_run (self, stmt, error))
      return FALSE;
  }

  if (!delete_children (self, "DELETE FROM patient_identifiers WHERE patient_id = ?1",
                        patient->id, error))
    return FALSE;

  for (guint i = 0; patient->identifiers != NULL && i < patient->identifiers->len; i++)
    {
      const MarIdentifier *identifier = g_ptr_array_index (patient->identifiers, i);
      const char *kind = identifier_kind (identifier);

      if (identifier->value == NULL)
        continue;
      mrn_listed |= g_strcmp0 (kind, "mrn") == 0 && g_strcmp0 (identifier->value, patient->mrn) == 0;
      gsrn_listed |= g_strcmp0 (kind, "gsrn") == 0 && g_strcmp0 (identifier->value, patient->gsrn) == 0;
      if (!insert_patient_identifier (self, patient->id, seq++, kind, identifier->type_code,
                                      identifier->system, identifier->value, error))
        return FALSE;
    }

  /* A patient made by hand (tests, marctl) may give only mrn/gsrn. */
  if (patient->mrn != NULL && !mrn_listed &&
      !insert_patient_identifier (self, patient->id, seq++, "mrn", "MR", NULL, patient->mrn, error))
    return FALSE;
  if (patient->gsrn != NULL && !gsrn_listed &&
      !insert_patient_identifier (self, patient->id, seq++, "gsrn", NULL, NULL, patient->gsrn, error))
    return FALSE;

  return TRUE;
}

gboolean
mar_store_upsert_patient (MarStore               *self,
                          const MarPatient       *patient,
                          const MarResourceInfo  *info,
                          MarStoreChange         *change,
                          GError                **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (patient != NULL, FALSE);

  return store_upsert (self, TABLE_PATIENTS, patient->id, patient->version, patient,
                       write_patient, info, change, error);
}

static gboolean
write_location (MarStore               *self,
                gconstpointer           row,
                const MarResourceInfo  *info,
                GError                **error)
{
  const MarLocation *location = row;
  g_autoptr(MarStmt) stmt = store_prepare (self,
    "INSERT INTO locations (" ROW_HEADER_COLUMNS ", name, part_of, physical_type, status) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (id) DO UPDATE SET " ROW_HEADER_UPDATE ", name = excluded.name, "
    "  part_of = excluded.part_of, physical_type = excluded.physical_type, "
    "  status = excluded.status",
    error);

  if (stmt == NULL)
    return FALSE;
  bind_row_header (stmt, location->id, location->version, location->removed, info);
  bind_text (stmt, 6, location->name);
  bind_text (stmt, 7, location->part_of_id);
  bind_text (stmt, 8, location->physical_type);
  bind_text (stmt, 9, location->status);
  return store_run (self, stmt, error);
}

gboolean
mar_store_upsert_location (MarStore               *self,
                           const MarLocation      *location,
                           const MarResourceInfo  *info,
                           MarStoreChange         *change,
                           GError                **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (location != NULL, FALSE);

  return store_upsert (self, TABLE_LOCATIONS, location->id, location->version, location,
                       write_location, info, change, error);
}

static gboolean
write_encounter (MarStore               *self,
                 gconstpointer           row,
                 const MarResourceInfo  *info,
                 GError                **error)
{
  const MarEncounter *encounter = row;
  g_autoptr(MarStmt) stmt = store_prepare (self,
    "INSERT INTO encounters (" ROW_HEADER_COLUMNS ", patient_id, status, period_start, "
    "  period_end, location_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT (id) DO UPDATE SET " ROW_HEADER_UPDATE ", patient_id = excluded.patient_id, "
    "  status = excluded.status, period_start = excluded.period_start, "
    "  period_end = excluded.period_end, location_id = excluded.location_id",
    error);

  if (stmt == NULL)
    return FALSE;
  bind_row_header (stmt, encounter->id, encounter->version, encounter->removed, info);
  bind_text (stmt, 6, encounter->patient_id);
  bind_text (stmt, 7, encounter->status);
  bind_time (stmt, 8, encounter->start);
  bind_time (stmt, 9, encounter->end);
  bind_text (stmt, 10, encounter->location_id);
  return store_run (self, stmt, error);
}

gboolean
mar_store_upsert_encounter (MarStore               *self,
                            const MarEncounter     *encounter,
                            const MarResourceInfo  *info,
                            MarStoreChange         *change,
                            GError                **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (encounter != NULL, FALSE);

  return store_upsert (self, TABLE_ENCOUNTERS, encounter->id, encounter->version, encounter,
                       write_encounter, info, change, error);
}

static gboolean
write_weight (MarStore               *self,
              gconstpointer           row,
              const MarResourceInfo  *info,
              GError                **error)
{
  const MarWeight *weight = row;
  g_autoptr(MarStmt) stmt = store_prepare (self,
    "INSERT INTO weights (" ROW_HEADER_COLUMNS ", patient_id, status, value_kg, effective) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (id) DO UPDATE SET " ROW_HEADER_UPDATE ", patient_id = excluded.patient_id, "
    "  status = excluded.status, value_kg = excluded.value_kg, effective = excluded.effective",
    error);

  if (stmt == NULL)
    return FALSE;
  bind_row_header (stmt, weight->id, weight->version, weight->removed, info);
  bind_text (stmt, 6, weight->patient_id);
  bind_text (stmt, 7, weight->status);
  if (weight->weight.set)
    sqlite3_bind_double (stmt, 8, weight->weight.value);
  else
    sqlite3_bind_null (stmt, 8);
  bind_time (stmt, 9, weight->effective);
  return store_run (self, stmt, error);
}

gboolean
mar_store_upsert_weight (MarStore               *self,
                         const MarWeight        *weight,
                         const MarResourceInfo  *info,
                         MarStoreChange         *change,
                         GError                **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (weight != NULL, FALSE);
  g_return_val_if_fail (weight->effective != MAR_TIME_UNSET, FALSE);
  g_return_val_if_fail (weight->weight.set == FALSE || g_strcmp0 (weight->weight.unit, "kg") == 0, FALSE);

  return store_upsert (self, TABLE_WEIGHTS, weight->id, weight->version, weight,
                       write_weight, info, change, error);
}

static gboolean
write_product (MarStore               *self,
               gconstpointer           row,
               const MarResourceInfo  *info,
               GError                **error)
{
  const MarProduct *product = row;
  g_autofree char *owner_type = NULL;
  g_autofree char *owner_id = NULL;
  g_autofree char *ndc10 = normalise_ndc10 (product->ndc);

  /* "<owner type>/<owner id>#<contained id>" (mar-model.h). */
  if (!product->catalog)
    {
      const char *hash = strchr (product->id, '#');
      const char *slash = strchr (product->id, '/');

      if (hash != NULL && slash != NULL && slash < hash)
        {
          owner_type = g_strndup (product->id, slash - product->id);
          owner_id = g_strndup (slash + 1, hash - slash - 1);
        }
    }

  {
    g_autoptr(MarStmt) stmt = store_prepare (self,
      "INSERT INTO products (" ROW_HEADER_COLUMNS ", catalog, owner_type, owner_id, gtin, ndc, "
      "  ndc10, name, form_system, form_code, form_display, amount_value, amount_unit, "
      "  amount_per_value, amount_per_unit) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
      "  ?18, ?19) "
      "ON CONFLICT (id) DO UPDATE SET " ROW_HEADER_UPDATE ", catalog = excluded.catalog, "
      "  owner_type = excluded.owner_type, owner_id = excluded.owner_id, gtin = excluded.gtin, "
      "  ndc = excluded.ndc, ndc10 = excluded.ndc10, name = excluded.name, "
      "  form_system = excluded.form_system, form_code = excluded.form_code, "
      "  form_display = excluded.form_display, amount_value = excluded.amount_value, "
      "  amount_unit = excluded.amount_unit, amount_per_value = excluded.amount_per_value, "
      "  amount_per_unit = excluded.amount_per_unit",
      error);

    if (stmt == NULL)
      return FALSE;
    bind_row_header (stmt, product->id, product->version, product->removed, info);
    sqlite3_bind_int (stmt, 6, product->catalog ? 1 : 0);
    bind_text (stmt, 7, owner_type);
    bind_text (stmt, 8, owner_id);
    bind_text (stmt, 9, product->gtin);
    bind_text (stmt, 10, product->ndc);
    bind_text (stmt, 11, ndc10);
    bind_text (stmt, 12, product->name);
    bind_text (stmt, 13, product->form_system);
    bind_text (stmt, 14, product->form_code);
    bind_text (stmt, 15, product->form_display);
    bind_quantity (stmt, 16, &product->amount.numerator);
    bind_quantity (stmt, 18, &product->amount.denominator);
    if (!store_run (self, stmt, error))
      return FALSE;
  }

  if (!delete_children (self, "DELETE FROM product_codes WHERE product_id = ?1", product->id, error) ||
      !delete_children (self, "DELETE FROM product_ingredients WHERE product_id = ?1", product->id, error))
    return FALSE;

  for (guint i = 0; product->codes != NULL && i < product->codes->len; i++)
    {
      const MarCoding *coding = g_ptr_array_index (product->codes, i);
      g_autoptr(MarStmt) stmt = store_prepare (self,
        "INSERT INTO product_codes (product_id, seq, system, code, display, gtin14, ndc10) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
      g_autofree char *gtin14 = NULL;
      g_autofree char *code_ndc10 = NULL;

      if (stmt == NULL)
        return FALSE;
      if (g_strcmp0 (coding->system, MAR_SYSTEM_GTIN) == 0)
        gtin14 = normalise_gtin14 (coding->code);
      else if (g_strcmp0 (coding->system, MAR_SYSTEM_NDC) == 0)
        code_ndc10 = normalise_ndc10 (coding->code);
      bind_text (stmt, 1, product->id);
      sqlite3_bind_int (stmt, 2, i);
      bind_text (stmt, 3, coding->system);
      bind_text (stmt, 4, coding->code);
      bind_text (stmt, 5, coding->display);
      bind_text (stmt, 6, gtin14);
      bind_text (stmt, 7, code_ndc10);
      if (!store_run (self, stmt, error))
        return FALSE;
    }

  /* A product made by hand may give only gtin/ndc. */
  if (product->codes == NULL || product->codes->len == 0)
    {
      g_autofree char *gtin14 = normalise_gtin14 (product->gtin);
      guint seq = 0;

      if (gtin14 != NULL || ndc10 != NULL)
        {
          const char *sql =
            "INSERT INTO product_codes (product_id, seq, system, code, display, gtin14, ndc10) "
            "VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6)";

          if (gtin14 != NULL)
            {
              g_autoptr(MarStmt) stmt = store_prepare (self, sql, error);

              if (stmt == NULL)
                return FALSE;
              bind_text (stmt, 1, product->id);
              sqlite3_bind_int (stmt, 2, seq++);
              bind_text (stmt, 3, MAR_SYSTEM_GTIN);
              bind_text (stmt, 4, product->gtin);
              bind_text (stmt, 5, gtin14);
              bind_text (stmt, 6, NULL);
              if (!store_run (self, stmt, error))
                return FALSE;
            }
          if (ndc10 != NULL)
            {
              g_autoptr(MarStmt) stmt = store_prepare (self, sql, error);

              if (stmt == NULL)
                return FALSE;
              bind_text (stmt, 1, product->id);
              sqlite3_bind_int (stmt, 2, seq++);
              bind_text (stmt, 3, MAR_SYSTEM_NDC);
              bind_text (stmt, 4, product->ndc);
              bind_text (stmt, 5, NULL);
              bind_text (stmt, 6, ndc10);
              if (!store_run (self, stmt, error))
                return FALSE;
            }
        }
    }

  for (guint i = 0; product->ingredients != NULL && i < product->ingredients->len; i++)
    {
      const MarIngredient *ingredient = g_ptr_array_index (product->ingredients, i);
      g_autoptr(MarStmt) stmt = store_prepare (self,
        "INSERT INTO product_ingredients (product_id, seq, system, code, display, "
        "  strength_value, strength_unit, strength_per_value, strength_per_unit) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);

      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, product->id);
      sqlite3_bind_int (stmt, 2, i);
      bind_text (stmt, 3, ingredient->system);
      bind_text (stmt, 4, ingredient->code);
      bind_text (stmt, 5, ingredient->display);
      bind_quantity (stmt, 6, &ingredient->strength.numerator);
      bind_quantity (stmt, 8, &ingredient->strength.denominator);
      if (!store_run (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
mar_store_upsert_product (MarStore               *self,
                          const MarProduct       *product,
                          const MarResourceInfo  *info,
                          MarStoreChange         *change,
                          GError                **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (product != NULL, FALSE);

  return store_upsert (self, TABLE_PRODUCTS, product->id, product->version, product,
                       write_product, info, change, error);
}

static gboolean
write_order (MarStore               *self,
             gconstpointer           row,
             const MarResourceInfo  *info,
             GError                **error)
{
  const MarOrder *order = row;
  guint seq = 0;

  {
    g_autoptr(MarStmt) stmt = store_prepare (self,
      "INSERT INTO orders (" ROW_HEADER_COLUMNS ", status, intent, priority, patient_id, "
      "  encounter_id, authored_on, dosage_text, medication_display, product_id, route_system, "
      "  route_code, route_display, frequency, period, period_unit, duration, duration_unit, "
      "  count, bounds_start, bounds_end, as_needed, max_dose_value, max_dose_unit, "
      "  max_dose_per_value, max_dose_per_unit, dose_value, dose_unit, dose_high_value, "
      "  dose_high_unit, rate_value, rate_unit, rate_high_value, rate_high_unit) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
      "  ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, "
      "  ?34, ?35, ?36, ?37, ?38) "
      "ON CONFLICT (id) DO UPDATE SET " ROW_HEADER_UPDATE ", status = excluded.status, "
      "  intent = excluded.intent, priority = excluded.priority, "
      "  patient_id = excluded.patient_id, encounter_id = excluded.encounter_id, "
      "  authored_on = excluded.authored_on, dosage_text = excluded.dosage_text, "
      "  medication_display = excluded.medication_display, product_id = excluded.product_id, "
      "  route_system = excluded.route_system, route_code = excluded.route_code, "
      "  route_display = excluded.route_display, frequency = excluded.frequency, "
      "  period = excluded.period, period_unit = excluded.period_unit, "
      "  duration = excluded.duration, duration_unit = excluded.duration_unit, "
      "  count = excluded.count, bounds_start = excluded.bounds_start, "
      "  bounds_end = excluded.bounds_end, as_needed = excluded.as_needed, "
      "  max_dose_value = excluded.max_dose_value, max_dose_unit = excluded.max_dose_unit, "
      "  max_dose_per_value = excluded.max_dose_per_value, "
      "  max_dose_per_unit = excluded.max_dose_per_unit, dose_value = excluded.dose_value, "
      "  dose_unit = excluded.dose_unit, dose_high_value = excluded.dose_high_value, "
      "  dose_high_unit = excluded.dose_high_unit, rate_value = excluded.rate_value, "
      "  rate_unit = excluded.rate_unit, rate_high_value = excluded.rate_high_value, "
      "  rate_high_unit = excluded.rate_high_unit",
      error);

    if (stmt == NULL)
      return FALSE;
    bind_row_header (stmt, order->id, order->version, order->removed, info);
    bind_text (stmt, 6, mar_order_status_to_string (order->status));
    bind_text (stmt, 7, order->intent);
    bind_text (stmt, 8, order->priority);
    bind_text (stmt, 9, order->patient_id);
    bind_text (stmt, 10, order->encounter_id);
    bind_time (stmt, 11, order->authored_on);
    bind_text (stmt, 12, order->text);
    bind_text (stmt, 13, order->medication_display);
    bind_text (stmt, 14, order->medication_product_id);
    bind_text (stmt, 15, order->route_system);
    bind_text (stmt, 16, order->route_code);
    bind_text (stmt, 17, order->route_display);
    sqlite3_bind_int (stmt, 18, order->frequency);
    sqlite3_bind_double (stmt, 19, order->period);
    bind_text (stmt, 20, order->period_unit[0] != '\0' ? order->period_unit : NULL);
    sqlite3_bind_double (stmt, 21, order->duration);
    bind_text (stmt, 22, order->duration_unit[0] != '\0' ? order->duration_unit : NULL);
    sqlite3_bind_int (stmt, 23, order->count);
    bind_time (stmt, 24, order->bounds_start);
    bind_time (stmt, 25, order->bounds_end);
    sqlite3_bind_int (stmt, 26, order->as_needed ? 1 : 0);
    bind_quantity (stmt, 27, &order->max_dose_per_period.numerator);
    bind_quantity (stmt, 29, &order->max_dose_per_period.denominator);
    bind_quantity (stmt, 31, &order->dose);
    bind_quantity (stmt, 33, &order->dose_high);
    bind_quantity (stmt, 35, &order->rate);
    bind_quantity (stmt, 37, &order->rate_high);
    if (!store_run (self, stmt, error))
      return FALSE;
  }

  /* A referenced Medication supplies codes and ingredients when read. */
  if (!insert_codings (self, "DELETE FROM order_codes WHERE order_id = ?1",
                       "INSERT INTO order_codes (order_id, seq, system, code, display) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)",
                       order->id,
                       order->medication_product_id == NULL ? order->medication_codes : NULL,
                       error))
    return FALSE;

  if (!delete_children (self, "DELETE FROM order_times WHERE order_id = ?1", order->id, error))
    return FALSE;

  for (guint pass = 0; pass < 2; pass++)
    {
      const GArray *values = pass == 0 ? order->events : order->times_of_day;

      seq = 0;

      for (guint i = 0; values != NULL && i < values->len; i++)
        {
          g_autoptr(MarStmt) stmt = store_prepare (self,
            "INSERT INTO order_times (order_id, seq, kind, value) VALUES (?1, ?2, ?3, ?4)", error);

          if (stmt == NULL)
            return FALSE;
          bind_text (stmt, 1, order->id);
          sqlite3_bind_int (stmt, 2, seq++);
          bind_text (stmt, 3, pass == 0 ? "event" : "time_of_day");
          sqlite3_bind_int64 (stmt, 4, pass == 0 ? g_array_index (values, gint64, i)
                                                 : g_array_index (values, int, i));
          if (!store_run (self, stmt, error))
            return FALSE;
        }
    }

  return TRUE;
}

gboolean
mar_store_upsert_order (MarStore               *self,
                        const MarOrder         *order,
                        const MarResourceInfo  *info,
                        MarStoreChange         *change,
                        GError                **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (order != NULL, FALSE);

  return store_upsert (self, TABLE_ORDERS, order->id, order->version, order,
                       write_order, info, change, error);
}

static gboolean
write_dispense (MarStore               *self,
                gconstpointer           row,
                const MarResourceInfo  *info,
                GError                **error)
{
  const MarDispense *dispense = row;
  g_autoptr(MarStmt) stmt = store_prepare (self,
    "INSERT INTO dispenses (" ROW_HEADER_COLUMNS ", label, status, patient_id, order_id, "
    "  product_id, beyond_use, lot, when_prepared, quantity_value, quantity_unit) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
    "ON CONFLICT (id) DO UPDATE SET " ROW_HEADER_UPDATE ", label = excluded.label, "
    "  status = excluded.status, patient_id = excluded.patient_id, "
    "  order_id = excluded.order_id, product_id = excluded.product_id, "
    "  beyond_use = excluded.beyond_use, lot = excluded.lot, "
    "  when_prepared = excluded.when_prepared, quantity_value = excluded.quantity_value, "
    "  quantity_unit = excluded.quantity_unit",
    error);

  if (stmt == NULL)
    return FALSE;
  bind_row_header (stmt, dispense->id, dispense->version, dispense->removed, info);
  bind_text (stmt, 6, dispense->label);
  bind_text (stmt, 7, dispense->status);
  bind_text (stmt, 8, dispense->patient_id);
  bind_text (stmt, 9, dispense->order_id);
  bind_text (stmt, 10, dispense->product_id);
  bind_text (stmt, 11, dispense->beyond_use);
  bind_text (stmt, 12, dispense->lot);
  bind_time (stmt, 13, dispense->when_prepared);
  bind_quantity (stmt, 14, &dispense->quantity);
  return store_run (self, stmt, error);
}

gboolean
mar_store_upsert_dispense (MarStore               *self,
                           const MarDispense      *dispense,
                           const MarResourceInfo  *info,
                           MarStoreChange         *change,
                           GError                **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (dispense != NULL, FALSE);

  return store_upsert (self, TABLE_DISPENSES, dispense->id, dispense->version, dispense,
                       write_dispense, info, change, error);
}

static gboolean
write_allergy (MarStore               *self,
               gconstpointer           row,
               const MarResourceInfo  *info,
               GError                **error)
{
  const MarAllergy *allergy = row;

  {
    g_autoptr(MarStmt) stmt = store_prepare (self,
      "INSERT INTO allergies (" ROW_HEADER_COLUMNS ", patient_id, clinical_status, "
      "  verification_status, text, criticality, category, reactions) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
      "ON CONFLICT (id) DO UPDATE SET " ROW_HEADER_UPDATE ", patient_id = excluded.patient_id, "
      "  clinical_status = excluded.clinical_status, "
      "  verification_status = excluded.verification_status, text = excluded.text, "
      "  criticality = excluded.criticality, category = excluded.category, "
      "  reactions = excluded.reactions",
      error);

    if (stmt == NULL)
      return FALSE;
    bind_row_header (stmt, allergy->id, allergy->version, allergy->removed, info);
    bind_text (stmt, 6, allergy->patient_id);
    bind_text (stmt, 7, allergy->clinical_status);
    bind_text (stmt, 8, allergy->verification_status);
    bind_text (stmt, 9, allergy->text);
    bind_text (stmt, 10, allergy->criticality);
    bind_text (stmt, 11, allergy->category);
    bind_text (stmt, 12, allergy->reactions);
    if (!store_run (self, stmt, error))
      return FALSE;
  }

  return insert_codings (self, "DELETE FROM allergy_codings WHERE allergy_id = ?1",
                         "INSERT INTO allergy_codings (allergy_id, seq, system, code, display) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)",
                         allergy->id, allergy->codings, error);
}

gboolean
mar_store_upsert_allergy (MarStore               *self,
                          const MarAllergy       *allergy,
                          const MarResourceInfo  *info,
                          MarStoreChange         *change,
                          GError                **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (allergy != NULL, FALSE);

  return store_upsert (self, TABLE_ALLERGIES, allergy->id, allergy->version, allergy,
                       write_allergy, info, change, error);
}

static gboolean
write_staff (MarStore               *self,
             gconstpointer           row,
             const MarResourceInfo  *info,
             GError                **error)
{
  const MarStaff *staff = row;
  /* pin_hash, failed_pin_count and locked_until are the terminal's own
   * (issue 4): an update from the server never touches them. */
  g_autoptr(MarStmt) stmt = store_prepare (self,
    "INSERT INTO staff (" ROW_HEADER_COLUMNS ", badge, name, active) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT (id) DO UPDATE SET " ROW_HEADER_UPDATE ", badge = excluded.badge, "
    "  name = excluded.name, active = excluded.active",
    error);

  if (stmt == NULL)
    return FALSE;
  bind_row_header (stmt, staff->id, staff->version, staff->removed, info);
  bind_text (stmt, 6, staff->badge);
  bind_text (stmt, 7, staff->name);
  sqlite3_bind_int (stmt, 8, staff->active ? 1 : 0);
  return store_run (self, stmt, error);
}

gboolean
mar_store_upsert_staff (MarStore               *self,
                        const MarStaff         *staff,
                        const MarResourceInfo  *info,
                        MarStoreChange         *change,
                        GError                **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (staff != NULL, FALSE);

  return store_upsert (self, TABLE_STAFF, staff->id, staff->version, staff,
                       write_staff, info, change, error);
}

static gboolean
write_staff_role (MarStore               *self,
                  gconstpointer           row,
                  const MarResourceInfo  *info,
                  GError                **error)
{
  const MarStaffRole *role = row;

  {
    g_autoptr(MarStmt) stmt = store_prepare (self,
      "INSERT INTO staff_roles (" ROW_HEADER_COLUMNS ", staff_id, location_id, active) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT (id) DO UPDATE SET " ROW_HEADER_UPDATE ", staff_id = excluded.staff_id, "
      "  location_id = excluded.location_id, active = excluded.active",
      error);

    if (stmt == NULL)
      return FALSE;
    bind_row_header (stmt, role->id, role->version, role->removed, info);
    bind_text (stmt, 6, role->staff_id);
    bind_text (stmt, 7, role->location_id);
    sqlite3_bind_int (stmt, 8, role->active ? 1 : 0);
    if (!store_run (self, stmt, error))
      return FALSE;
  }

  return insert_codings (self, "DELETE FROM staff_role_codes WHERE role_id = ?1",
                         "INSERT INTO staff_role_codes (role_id, seq, system, code, display) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)",
                         role->id, role->codes, error);
}

gboolean
mar_store_upsert_staff_role (MarStore               *self,
                             const MarStaffRole     *role,
                             const MarResourceInfo  *info,
                             MarStoreChange         *change,
                             GError                **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (role != NULL, FALSE);

  return store_upsert (self, TABLE_STAFF_ROLES, role->id, role->version, role,
                       write_staff_role, info, change, error);
}

static gboolean
write_administration (MarStore               *self,
                      gconstpointer           row,
                      const MarResourceInfo  *info,
                      GError                **error)
{
  const MarAdministration *administration = row;
  g_autoptr(MarStmt) stmt = store_prepare (self,
    "INSERT INTO administrations (" ROW_HEADER_COLUMNS ", source, patient_id, order_id, "
    "  order_version, status, start_time, end_time, due_time, bag_id, product_id, gtin, "
    "  dose_value, dose_unit, rate_value, rate_unit, partial, performer_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
    "  ?18, ?19, ?20, ?21, ?22) "
    "ON CONFLICT (id) DO UPDATE SET " ROW_HEADER_UPDATE ", source = excluded.source, "
    "  patient_id = excluded.patient_id, order_id = excluded.order_id, "
    "  order_version = excluded.order_version, status = excluded.status, "
    "  start_time = excluded.start_time, end_time = excluded.end_time, "
    "  due_time = excluded.due_time, bag_id = excluded.bag_id, "
    "  product_id = excluded.product_id, gtin = excluded.gtin, "
    "  dose_value = excluded.dose_value, dose_unit = excluded.dose_unit, "
    "  rate_value = excluded.rate_value, rate_unit = excluded.rate_unit, "
    "  partial = excluded.partial, performer_id = excluded.performer_id",
    error);

  if (stmt == NULL)
    return FALSE;
  bind_row_header (stmt, administration->id, administration->version, administration->removed, info);
  bind_text (stmt, 6, administration->source);
  bind_text (stmt, 7, administration->patient_id);
  bind_text (stmt, 8, administration->order_id);
  bind_text (stmt, 9, administration->order_version);
  bind_text (stmt, 10, administration->status);
  bind_time (stmt, 11, administration->start);
  bind_time (stmt, 12, administration->end);
  bind_time (stmt, 13, administration->due_time);
  bind_text (stmt, 14, administration->bag_id);
  bind_text (stmt, 15, administration->product_id);
  bind_text (stmt, 16, administration->gtin);
  bind_quantity (stmt, 17, &administration->dose);
  bind_quantity (stmt, 19, &administration->rate);
  sqlite3_bind_int (stmt, 21, administration->partial ? 1 : 0);
  bind_text (stmt, 22, administration->performer_id);
  return store_run (self, stmt, error);
}

gboolean
mar_store_upsert_administration (MarStore                *self,
                                 const MarAdministration *administration,
                                 const MarResourceInfo   *info,
                                 MarStoreChange          *change,
                                 GError                 **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (administration != NULL, FALSE);
  g_return_val_if_fail (administration->start != MAR_TIME_UNSET, FALSE);

  return store_upsert (self, TABLE_ADMINISTRATIONS, administration->id, administration->version,
                       administration, write_administration, info, change, error);
}

/* ------------------------------------------------------------------ */
/* Reads                                                               */

/* The scan-path reads avoid ORDER BY on child rows (each would cost a
 * sorter per query): a child row goes to the index its seq column gives,
 * and gaps (which a hand-edited database could leave) are closed after. */
static void
ptr_array_put (GPtrArray      *array,
               guint           seq,
               gpointer        item,
               GDestroyNotify  destroy)
{
  if (seq >= array->len)
    g_ptr_array_set_size (array, seq + 1);
  if (g_ptr_array_index (array, seq) != NULL)
    {
      /* The same child row again, through a join of two parents. */
      destroy (item);
      return;
    }
  array->pdata[seq] = item;
}

static void
ptr_array_close_gaps (GPtrArray *array)
{
  for (guint i = array->len; i > 0; i--)
    if (g_ptr_array_index (array, i - 1) == NULL)
      g_ptr_array_remove_index (array, i - 1);
}

static void
set_not_found (GError     **error,
               const char  *message)
{
  g_set_error_literal (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND, message);
}

#define PATIENT_SELECT \
  "SELECT p.id, p.version_id, p.mrn, p.gsrn, p.family, p.given, p.birth_date, p.gender, " \
  "  p.active, p.removed, p.data_incomplete, " \
  "  EXISTS (SELECT 1 FROM quarantine q WHERE q.patient_id = p.id AND q.resolved_at IS NULL), " \
  "  e.id, e.location_id, l.id, l.name, l.part_of, l.physical_type, " \
  "  u.id, u.name, u.physical_type, u.part_of, uu.id, uu.name, " \
  "  w.value_kg, w.effective " \
  "FROM patients p " \
  "LEFT JOIN encounters e ON e.id = (" \
  "  SELECT id FROM encounters WHERE patient_id = p.id AND status = 'in-progress' " \
  "    AND removed = 0 ORDER BY period_start DESC LIMIT 1) " \
  "LEFT JOIN locations l ON l.id = e.location_id " \
  "LEFT JOIN locations u ON u.id = l.part_of " \
  "LEFT JOIN locations uu ON uu.id = u.part_of " \
  "LEFT JOIN weights w ON w.id = (" \
  "  SELECT id FROM weights WHERE patient_id = p.id AND removed = 0 AND value_kg IS NOT NULL " \
  "    AND status IN ('final', 'amended', 'corrected') ORDER BY effective DESC LIMIT 1) "

static void
read_patient_location (sqlite3_stmt *stmt,
                       MarPatient   *patient)
{
  const char *location_id = column_get (stmt, 13);
  const char *part_of = column_get (stmt, 16);

  if (location_id == NULL)
    return;

  /* FHIR-PROFILE.md, Location: bed → unit. A location inside another is
   * the bed and its parent the unit (skipping a room: a bed's partOf may be
   * its room, whose partOf is the ward). A location with no parent is the
   * unit itself (the encounter names no bed). */
  if (part_of != NULL)
    {
      patient->bed_id = g_strdup (location_id);
      patient->bed_name = mar_store_column_dup (stmt, 15);
      if (g_strcmp0 (column_get (stmt, 20), "ro") == 0 && column_get (stmt, 21) != NULL)
        {
          patient->unit_id = mar_store_column_dup (stmt, 21);
          patient->unit_name = mar_store_column_dup (stmt, 23);
        }
      else
        {
          patient->unit_id = g_strdup (part_of);
          patient->unit_name = mar_store_column_dup (stmt, 19);
        }
    }
  else if (column_get (stmt, 14) != NULL &&
           g_strcmp0 (column_get (stmt, 17), "bd") != 0 &&
           g_strcmp0 (column_get (stmt, 17), "ro") != 0)
    {
      patient->unit_id = g_strdup (location_id);
      patient->unit_name = mar_store_column_dup (stmt, 15);
    }
  else
    {
      patient->bed_id = g_strdup (location_id);
      patient->bed_name = mar_store_column_dup (stmt, 15);
    }
}

static MarPatient *
get_patient_in_snapshot (MarStore    *self,
                         const char  *id,
                         GError     **error)
{
  g_autoptr(MarPatient) patient = NULL;
  int rc;

  {
    g_autoptr(MarStmt) stmt = store_prepare (self, PATIENT_SELECT "WHERE p.id = ?1", error);

    if (stmt == NULL)
      return NULL;
    bind_text (stmt, 1, id);
    if ((rc = store_step (self, stmt, error)) < 0)
      return NULL;
    if (rc == SQLITE_DONE)
      {
        set_not_found (error, _("No patient in this terminal's cache has that id"));
        return NULL;
      }

    patient = mar_patient_new ();
    patient->id = mar_store_column_dup (stmt, 0);
    patient->version = mar_store_column_dup (stmt, 1);
    patient->mrn = mar_store_column_dup (stmt, 2);
    patient->gsrn = mar_store_column_dup (stmt, 3);
    patient->family = mar_store_column_dup (stmt, 4);
    patient->given = mar_store_column_dup (stmt, 5);
    patient->birth_date = mar_store_column_dup (stmt, 6);
    patient->gender = mar_store_column_dup (stmt, 7);
    patient->active = column_bool (stmt, 8);
    patient->removed = column_bool (stmt, 9);
    patient->data_incomplete = column_bool (stmt, 10);
    patient->data_rejected = column_bool (stmt, 11);
    patient->encounter_id = mar_store_column_dup (stmt, 12);
    read_patient_location (stmt, patient);
    if (sqlite3_column_type (stmt, 24) != SQLITE_NULL)
      {
        mar_quantity_set (&patient->weight, sqlite3_column_double (stmt, 24), "kg");
        patient->weight_time = column_time (stmt, 25);
      }
  }

  {
    g_autoptr(MarStmt) stmt = store_prepare (self,
      "SELECT system, value, type_code FROM patient_identifiers WHERE patient_id = ?1 ORDER BY seq",
      error);

    if (stmt == NULL)
      return NULL;
    bind_text (stmt, 1, id);
    while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
      g_ptr_array_add (patient->identifiers,
                       mar_identifier_new (column_get (stmt, 0), column_get (stmt, 1),
                                           column_get (stmt, 2)));
    if (rc < 0)
      return NULL;
  }

  return g_steal_pointer (&patient);
}

MarPatient *
mar_store_get_patient (MarStore    *self,
                       const char  *id,
                       GError     **error)
{
  gboolean started;
  MarPatient *result;

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!store_read_begin (self, &started, error))
    return NULL;
  result = get_patient_in_snapshot (self, id, error);
  store_read_end (self, started);
  return result;
}

GPtrArray *
mar_store_list_unit_patients (MarStore    *self,
                              const char  *unit_id,
                              GError     **error)
{
  g_autoptr(GPtrArray) patients = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_patient_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  gboolean started;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);

  if (!store_read_begin (self, &started, error))
    return NULL;

  {
    /* The same bed → (room →) unit walk as read_patient_location(): the
     * encounter's location is the unit itself, a bed in it, or a bed in
     * one of its rooms. Ordered by bed name, as beds are numbered on the
     * ward; the patient id breaks ties so the order never changes. */
    g_autoptr(MarStmt) stmt = store_prepare (self,
      "SELECT p.id FROM patients p "
      "JOIN encounters e ON e.id = ("
      "  SELECT id FROM encounters WHERE patient_id = p.id AND status = 'in-progress' "
      "    AND removed = 0 ORDER BY period_start DESC LIMIT 1) "
      "LEFT JOIN locations l ON l.id = e.location_id "
      "LEFT JOIN locations u ON u.id = l.part_of "
      "WHERE p.removed = 0 AND p.active = 1 AND ("
      "  ?1 IS NULL OR e.location_id = ?1 OR l.part_of = ?1 "
      "  OR (u.physical_type = 'ro' AND u.part_of = ?1)) "
      "ORDER BY l.name IS NULL, l.name, p.id", error);

    if (stmt == NULL)
      {
        store_read_end (self, started);
        return NULL;
      }
    bind_text (stmt, 1, unit_id);
    while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
      g_ptr_array_add (ids, mar_store_column_dup (stmt, 0));
    if (rc < 0)
      {
        store_read_end (self, started);
        return NULL;
      }
  }

  for (guint i = 0; i < ids->len; i++)
    {
      MarPatient *patient = get_patient_in_snapshot (self, g_ptr_array_index (ids, i), error);

      if (patient == NULL)
        {
          store_read_end (self, started);
          return NULL;
        }
      g_ptr_array_add (patients, patient);
    }

  store_read_end (self, started);
  return g_steal_pointer (&patients);
}

/* A wristband must name one patient: among the non-removed patients with
 * that identifier, one active patient wins; several active ones are an
 * identity problem IT must fix (never a guess). */
static MarPatient *
find_patient_in_snapshot (MarStore    *self,
                          const char  *sql,
                          const char  *value,
                          GError     **error)
{
  g_autofree char *active_id = NULL;
  g_autofree char *inactive_id = NULL;
  guint n_active = 0;
  int rc;

  {
    g_autoptr(MarStmt) stmt = store_prepare (self, sql, error);

    if (stmt == NULL)
      return NULL;
    bind_text (stmt, 1, value);
    while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
      {
        const char *id = column_get (stmt, 0);

        /* One patient may list the same value twice (two systems). */
        if (column_bool (stmt, 1))
          {
            if (active_id == NULL)
              active_id = g_strdup (id);
            if (n_active == 0 || strcmp (active_id, id) != 0)
              n_active++;
          }
        else if (inactive_id == NULL)
          inactive_id = g_strdup (id);
      }
    if (rc < 0)
      return NULL;
  }

  if (n_active > 1)
    {
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_AMBIGUOUS,
                   _("That identifier belongs to %u active patients in this terminal's cache: "
                     "IT must correct the patient records before it can be used"),
                   n_active);
      return NULL;
    }
  if (active_id != NULL)
    return mar_store_get_patient (self, active_id, error);
  if (inactive_id != NULL)
    return mar_store_get_patient (self, inactive_id, error);

  set_not_found (error, _("No patient in this terminal's cache has that identifier"));
  return NULL;
}

static MarPatient *
find_patient (MarStore    *self,
              const char  *sql,
              const char  *value,
              GError     **error)
{
  gboolean started;
  MarPatient *result;

  if (!store_read_begin (self, &started, error))
    return NULL;
  result = find_patient_in_snapshot (self, sql, value, error);
  store_read_end (self, started);
  return result;
}

#define FIND_PATIENT_SQL(condition) \
  "SELECT p.id, p.active FROM patient_identifiers i " \
  "JOIN patients p ON p.id = i.patient_id " \
  "WHERE i.value = ?1 " condition " AND p.removed = 0"

MarPatient *
mar_store_find_patient_by_mrn (MarStore    *self,
                               const char  *mrn,
                               GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (mrn != NULL, NULL);

  return find_patient (self, FIND_PATIENT_SQL ("AND i.kind = 'mrn'"), mrn, error);
}

MarPatient *
mar_store_find_patient_by_gsrn (MarStore    *self,
                                const char  *gsrn,
                                GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (gsrn != NULL, NULL);

  return find_patient (self, FIND_PATIENT_SQL ("AND i.kind = 'gsrn'"), gsrn, error);
}

MarPatient *
mar_store_find_patient_by_identifier (MarStore    *self,
                                      const char  *value,
                                      GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (value != NULL, NULL);

  return find_patient (self, FIND_PATIENT_SQL (""), value, error);
}

/* Products: the row, then its codes and ingredients, for every product a
 * query names, in three statements whatever their number (no N+1). */

#define PRODUCT_COLUMNS \
  "p.id, p.version_id, p.catalog, p.removed, p.gtin, p.ndc, p.name, p.form_system, " \
  "p.form_code, p.form_display, p.amount_value, p.amount_unit, p.amount_per_value, " \
  "p.amount_per_unit"

static MarProduct *
read_product_row (sqlite3_stmt *stmt)
{
  MarProduct *product = mar_product_new ();

  product->id = mar_store_column_dup (stmt, 0);
  product->version = mar_store_column_dup (stmt, 1);
  product->catalog = column_bool (stmt, 2);
  product->removed = column_bool (stmt, 3);
  product->gtin = mar_store_column_dup (stmt, 4);
  product->ndc = mar_store_column_dup (stmt, 5);
  product->name = mar_store_column_dup (stmt, 6);
  product->form_system = mar_store_column_dup (stmt, 7);
  product->form_code = mar_store_column_dup (stmt, 8);
  product->form_display = mar_store_column_dup (stmt, 9);
  column_ratio (stmt, 10, &product->amount);
  return product;
}

static MarIngredient *
read_ingredient_row (sqlite3_stmt *stmt,
                     int           first)
{
  MarIngredient *ingredient = mar_ingredient_new ();

  ingredient->system = mar_store_column_dup (stmt, first);
  ingredient->code = mar_store_column_dup (stmt, first + 1);
  ingredient->display = mar_store_column_dup (stmt, first + 2);
  column_ratio (stmt, first + 3, &ingredient->strength);
  return ingredient;
}

static int
compare_products (gconstpointer a,
                  gconstpointer b)
{
  return g_strcmp0 ((*(const MarProduct * const *) a)->id, (*(const MarProduct * const *) b)->id);
}

/* Runs the three product statements bound to @key, in one snapshot.
 * @products receives the products, by id. */
static gboolean
load_products_in_snapshot (MarStore    *self,
                           const char  *rows_sql,
                           const char  *codes_sql,
                           const char  *ingredients_sql,
                           const char  *key,
                           gint64       since,
                           GPtrArray   *products,
                           GError     **error)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  int rc;

  {
    g_autoptr(MarStmt) stmt = store_prepare (self, rows_sql, error);

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, key);
    if (sqlite3_bind_parameter_count (stmt) >= 2)
      sqlite3_bind_int64 (stmt, 2, since);
    while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
      {
        MarProduct *product;

        if (g_hash_table_contains (by_id, column_get (stmt, 0)))
          continue;  /* two orders, one product */
        product = read_product_row (stmt);
        g_ptr_array_add (products, product);
        g_hash_table_insert (by_id, product->id, product);
      }
    if (rc < 0)
      return FALSE;
  }

  if (products->len == 0)
    return TRUE;

  {
    g_autoptr(MarStmt) stmt = store_prepare (self, codes_sql, error);

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, key);
    if (sqlite3_bind_parameter_count (stmt) >= 2)
      sqlite3_bind_int64 (stmt, 2, since);
    while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
      {
        MarProduct *product = g_hash_table_lookup (by_id, column_get (stmt, 0));

        if (product != NULL)
          ptr_array_put (product->codes, sqlite3_column_int (stmt, 1),
                         mar_coding_new (column_get (stmt, 2), column_get (stmt, 3),
                                         column_get (stmt, 4)),
                         (GDestroyNotify) mar_coding_free);
      }
    if (rc < 0)
      return FALSE;
  }

  {
    g_autoptr(MarStmt) stmt = store_prepare (self, ingredients_sql, error);

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, key);
    if (sqlite3_bind_parameter_count (stmt) >= 2)
      sqlite3_bind_int64 (stmt, 2, since);
    while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
      {
        MarProduct *product = g_hash_table_lookup (by_id, column_get (stmt, 0));

        if (product != NULL)
          ptr_array_put (product->ingredients, sqlite3_column_int (stmt, 1),
                         read_ingredient_row (stmt, 2), (GDestroyNotify) mar_ingredient_free);
      }
    if (rc < 0)
      return FALSE;
  }

  for (guint i = 0; i < products->len; i++)
    {
      MarProduct *product = g_ptr_array_index (products, i);

      ptr_array_close_gaps (product->codes);
      ptr_array_close_gaps (product->ingredients);
    }
  g_ptr_array_sort (products, compare_products);
  return TRUE;
}

static gboolean
load_products (MarStore    *self,
               const char  *rows_sql,
               const char  *codes_sql,
               const char  *ingredients_sql,
               const char  *key,
               gint64       since,
               GPtrArray   *products,
               GError     **error)
{
  gboolean started, ok;

  if (!store_read_begin (self, &started, error))
    return FALSE;
  ok = load_products_in_snapshot (self, rows_sql, codes_sql, ingredients_sql, key, since, products, error);
  store_read_end (self, started);
  return ok;
}

#define PRODUCT_CODES_SQL(from_where) \
  "SELECT c.product_id, c.seq, c.system, c.code, c.display FROM " from_where
#define PRODUCT_INGREDIENTS_SQL(from_where) \
  "SELECT c.product_id, c.seq, c.system, c.code, c.display, c.strength_value, c.strength_unit, " \
  "  c.strength_per_value, c.strength_per_unit FROM " from_where

MarProduct *
mar_store_get_product (MarStore    *self,
                       const char  *id,
                       GError     **error)
{
  g_autoptr(GPtrArray) products = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_product_free);

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!load_products (self,
                      "SELECT " PRODUCT_COLUMNS " FROM products p WHERE p.id = ?1",
                      PRODUCT_CODES_SQL ("product_codes c WHERE c.product_id = ?1"),
                      PRODUCT_INGREDIENTS_SQL ("product_ingredients c WHERE c.product_id = ?1"),
                      id, 0, products, error))
    return NULL;
  if (products->len == 0)
    {
      set_not_found (error, _("No product in this terminal's catalog has that id"));
      return NULL;
    }
  return g_ptr_array_steal_index (products, 0);
}

static MarProduct *
find_catalog_product_in_snapshot (MarStore    *self,
                                  const char  *sql,
                                  const char  *key,
                                  GError     **error)
{
  g_autofree char *id = NULL;
  guint n = 0;
  int rc;

  {
    g_autoptr(MarStmt) stmt = store_prepare (self, sql, error);

    if (stmt == NULL)
      return NULL;
    bind_text (stmt, 1, key);
    while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
      {
        if (n++ == 0)
          id = mar_store_column_dup (stmt, 0);
      }
    if (rc < 0)
      return NULL;
  }

  if (n > 1)
    {
      g_set_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_AMBIGUOUS,
                   _("That product code names %u products in this terminal's catalog: IT must "
                     "correct the catalog before it can be used"),
                   n);
      return NULL;
    }
  if (id == NULL)
    {
      set_not_found (error, _("No product in this terminal's catalog has that code"));
      return NULL;
    }
  return mar_store_get_product (self, id, error);
}

static MarProduct *
find_catalog_product (MarStore    *self,
                      const char  *sql,
                      const char  *key,
                      GError     **error)
{
  gboolean started;
  MarProduct *result;

  if (!store_read_begin (self, &started, error))
    return NULL;
  result = find_catalog_product_in_snapshot (self, sql, key, error);
  store_read_end (self, started);
  return result;
}

MarProduct *
mar_store_find_product_by_gtin (MarStore    *self,
                                const char  *gtin,
                                GError     **error)
{
  g_autofree char *gtin14 = NULL;

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (gtin != NULL, NULL);

  if ((gtin14 = normalise_gtin14 (gtin)) == NULL)
    {
      set_not_found (error, _("That is not a valid GTIN, so no product has it"));
      return NULL;
    }
  return find_catalog_product (self,
    "SELECT DISTINCT p.id FROM product_codes c JOIN products p ON p.id = c.product_id "
    "WHERE c.gtin14 = ?1 AND p.catalog = 1 AND p.removed = 0 ORDER BY p.id",
    gtin14, error);
}

MarProduct *
mar_store_find_product_by_ndc (MarStore    *self,
                               const char  *ndc,
                               GError     **error)
{
  g_autofree char *ndc10 = NULL;

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (ndc != NULL, NULL);

  if ((ndc10 = normalise_ndc10 (ndc)) == NULL)
    {
      set_not_found (error, _("That is not an NDC this terminal can read, so no product has it"));
      return NULL;
    }
  return find_catalog_product (self,
    "SELECT DISTINCT p.id FROM product_codes c JOIN products p ON p.id = c.product_id "
    "WHERE c.ndc10 = ?1 AND p.catalog = 1 AND p.removed = 0 ORDER BY p.id",
    ndc10, error);
}

GPtrArray *
mar_store_list_order_products (MarStore    *self,
                               const char  *patient_id,
                               GError     **error)
{
  g_autoptr(GPtrArray) products = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_product_free);

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  /* Joins from the patient's orders (not IN (subquery), whose ephemeral
   * tables cost more than the rows); a product two orders share comes
   * twice and is kept once. */
#define FROM_ORDERS(table) \
  "orders o JOIN " table " ON c.product_id = o.product_id WHERE o.patient_id = ?1 AND o.removed = 0"
  if (!load_products (self,
                      "SELECT " PRODUCT_COLUMNS " FROM orders o JOIN products p ON p.id = o.product_id "
                      "WHERE o.patient_id = ?1 AND o.removed = 0",
                      PRODUCT_CODES_SQL (FROM_ORDERS ("product_codes c")),
                      PRODUCT_INGREDIENTS_SQL (FROM_ORDERS ("product_ingredients c")),
                      patient_id, 0, products, error))
    return NULL;
#undef FROM_ORDERS

  return g_steal_pointer (&products);
}

GPtrArray *
mar_store_list_administration_products (MarStore    *self,
                                        const char  *patient_id,
                                        gint64       since,
                                        GError     **error)
{
  g_autoptr(GPtrArray) products = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_product_free);

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  /* The same administrations mar_store_list_administrations() returns:
   * started or ended since @since, or still running. */
#define FROM_ADMINISTRATIONS(table) \
  "administrations a JOIN " table " ON c.product_id = a.product_id " \
  "WHERE a.patient_id = ?1 AND a.removed = 0 AND " \
  "(a.start_time >= ?2 OR a.end_time >= ?2 OR a.status IN ('in-progress', 'on-hold'))"
  if (!load_products (self,
                      "SELECT " PRODUCT_COLUMNS " FROM administrations a JOIN products p ON p.id = a.product_id "
                      "WHERE a.patient_id = ?1 AND a.removed = 0 AND "
                      "(a.start_time >= ?2 OR a.end_time >= ?2 OR a.status IN ('in-progress', 'on-hold'))",
                      PRODUCT_CODES_SQL (FROM_ADMINISTRATIONS ("product_codes c")),
                      PRODUCT_INGREDIENTS_SQL (FROM_ADMINISTRATIONS ("product_ingredients c")),
                      patient_id, since, products, error))
    return NULL;
#undef FROM_ADMINISTRATIONS

  return g_steal_pointer (&products);
}

/* Orders: rows, codes (the order's own, or its product's), ingredients (its
 * product's) and times, in five statements for all of a patient's orders. */

#define ORDER_COLUMNS \
  "o.id, o.version_id, o.status, o.intent, o.priority, o.patient_id, o.encounter_id, " \
  "o.authored_on, o.dosage_text, o.medication_display, o.product_id, o.route_system, " \
  "o.route_code, o.route_display, o.frequency, o.period, o.period_unit, o.duration, " \
  "o.duration_unit, o.count, o.bounds_start, o.bounds_end, o.as_needed, o.max_dose_value, " \
  "o.max_dose_unit, o.max_dose_per_value, o.max_dose_per_unit, o.dose_value, o.dose_unit, " \
  "o.dose_high_value, o.dose_high_unit, o.rate_value, o.rate_unit, o.rate_high_value, " \
  "o.rate_high_unit, o.removed"

static MarOrder *
read_order_row (sqlite3_stmt *stmt)
{
  MarOrder *order = mar_order_new ();

  order->id = mar_store_column_dup (stmt, 0);
  order->version = mar_store_column_dup (stmt, 1);
  order->status = mar_order_status_from_string (column_get (stmt, 2));
  order->intent = mar_store_column_dup (stmt, 3);
  order->priority = mar_store_column_dup (stmt, 4);
  order->patient_id = mar_store_column_dup (stmt, 5);
  order->encounter_id = mar_store_column_dup (stmt, 6);
  order->authored_on = column_time (stmt, 7);
  order->text = mar_store_column_dup (stmt, 8);
  order->medication_display = mar_store_column_dup (stmt, 9);
  order->medication_product_id = mar_store_column_dup (stmt, 10);
  order->route_system = mar_store_column_dup (stmt, 11);
  order->route_code = mar_store_column_dup (stmt, 12);
  order->route_display = mar_store_column_dup (stmt, 13);
  order->frequency = sqlite3_column_int (stmt, 14);
  order->period = sqlite3_column_double (stmt, 15);
  g_strlcpy (order->period_unit, column_get (stmt, 16) ? column_get (stmt, 16) : "",
             sizeof order->period_unit);
  order->duration = sqlite3_column_double (stmt, 17);
  g_strlcpy (order->duration_unit, column_get (stmt, 18) ? column_get (stmt, 18) : "",
             sizeof order->duration_unit);
  order->count = sqlite3_column_int (stmt, 19);
  order->bounds_start = column_time (stmt, 20);
  order->bounds_end = column_time (stmt, 21);
  order->as_needed = column_bool (stmt, 22);
  column_ratio (stmt, 23, &order->max_dose_per_period);
  column_quantity (stmt, 27, &order->dose);
  column_quantity (stmt, 29, &order->dose_high);
  column_quantity (stmt, 31, &order->rate);
  column_quantity (stmt, 33, &order->rate_high);
  order->removed = column_bool (stmt, 35);
  return order;
}

typedef struct
{
  const char *rows;
  const char *own_codes;
  const char *product_codes;
  const char *ingredients;
  const char *times;
} OrderQueries;

#define ORDER_QUERIES(where) \
  { \
    "SELECT " ORDER_COLUMNS " FROM orders o WHERE " where, \
    "SELECT o.id, c.seq, c.system, c.code, c.display FROM orders o " \
    "  JOIN order_codes c ON c.order_id = o.id WHERE " where, \
    "SELECT o.id, c.seq, c.system, c.code, c.display FROM orders o " \
    "  JOIN product_codes c ON c.product_id = o.product_id WHERE " where, \
    "SELECT o.id, c.seq, c.system, c.code, c.display, c.strength_value, c.strength_unit, " \
    "  c.strength_per_value, c.strength_per_unit FROM orders o " \
    "  JOIN product_ingredients c ON c.product_id = o.product_id WHERE " where, \
    "SELECT o.id, c.kind, c.seq, c.value FROM orders o " \
    "  JOIN order_times c ON c.order_id = o.id WHERE " where, \
  }

static int
compare_orders (gconstpointer a,
                gconstpointer b)
{
  const MarOrder *x = *(const MarOrder * const *) a;
  const MarOrder *y = *(const MarOrder * const *) b;

  if (x->authored_on != y->authored_on)
    return x->authored_on < y->authored_on ? -1 : 1;
  return g_strcmp0 (x->id, y->id);
}

static const OrderQueries orders_of_patient = ORDER_QUERIES ("o.patient_id = ?1 AND o.removed = 0");
static const OrderQueries order_by_id = ORDER_QUERIES ("o.id = ?1");

static gboolean
load_orders_in_snapshot (MarStore            *self,
                         const OrderQueries  *queries,
                         const char          *key,
                         GPtrArray           *orders,
                         GError             **error)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  const char *coding_queries[] = { queries->own_codes, queries->product_codes };
  int rc;

  {
    g_autoptr(MarStmt) stmt = store_prepare (self, queries->rows, error);

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, key);
    while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
      {
        MarOrder *order = read_order_row (stmt);

        g_ptr_array_add (orders, order);
        g_hash_table_insert (by_id, order->id, order);
      }
    if (rc < 0)
      return FALSE;
  }

  if (orders->len == 0)
    return TRUE;

  for (guint q = 0; q < G_N_ELEMENTS (coding_queries); q++)
    {
      g_autoptr(MarStmt) stmt = store_prepare (self, coding_queries[q], error);

      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, key);
      while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
        {
          MarOrder *order = g_hash_table_lookup (by_id, column_get (stmt, 0));

          if (order != NULL)
            ptr_array_put (order->medication_codes, sqlite3_column_int (stmt, 1),
                           mar_coding_new (column_get (stmt, 2), column_get (stmt, 3),
                                           column_get (stmt, 4)),
                           (GDestroyNotify) mar_coding_free);
        }
      if (rc < 0)
        return FALSE;
    }

  {
    g_autoptr(MarStmt) stmt = store_prepare (self, queries->ingredients, error);

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, key);
    while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
      {
        MarOrder *order = g_hash_table_lookup (by_id, column_get (stmt, 0));

        if (order != NULL)
          ptr_array_put (order->ingredients, sqlite3_column_int (stmt, 1),
                         read_ingredient_row (stmt, 2), (GDestroyNotify) mar_ingredient_free);
      }
    if (rc < 0)
      return FALSE;
  }

  {
    g_autoptr(MarStmt) stmt = store_prepare (self, queries->times, error);

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, key);
    while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
      {
        MarOrder *order = g_hash_table_lookup (by_id, column_get (stmt, 0));
        guint seq = sqlite3_column_int (stmt, 2);

        if (order == NULL)
          continue;
        /* seq counts within each kind (mar-store-schema.h). */
        if (g_strcmp0 (column_get (stmt, 1), "event") == 0)
          {
            if (seq >= order->events->len)
              g_array_set_size (order->events, seq + 1);
            g_array_index (order->events, gint64, seq) = sqlite3_column_int64 (stmt, 3);
          }
        else
          {
            if (seq >= order->times_of_day->len)
              g_array_set_size (order->times_of_day, seq + 1);
            g_array_index (order->times_of_day, int, seq) = sqlite3_column_int (stmt, 3);
          }
      }
    if (rc < 0)
      return FALSE;
  }

  for (guint i = 0; i < orders->len; i++)
    {
      MarOrder *order = g_ptr_array_index (orders, i);

      ptr_array_close_gaps (order->medication_codes);
      ptr_array_close_gaps (order->ingredients);
    }
  /* The order a MAR lists them in: as prescribed. */
  g_ptr_array_sort (orders, compare_orders);
  return TRUE;
}

static gboolean
load_orders (MarStore            *self,
             const OrderQueries  *queries,
             const char          *key,
             GPtrArray           *orders,
             GError             **error)
{
  gboolean started, ok;

  if (!store_read_begin (self, &started, error))
    return FALSE;
  ok = load_orders_in_snapshot (self, queries, key, orders, error);
  store_read_end (self, started);
  return ok;
}

GPtrArray *
mar_store_list_orders (MarStore    *self,
                       const char  *patient_id,
                       GError     **error)
{
  g_autoptr(GPtrArray) orders = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_order_free);

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  if (!load_orders (self, &orders_of_patient, patient_id, orders, error))
    return NULL;
  return g_steal_pointer (&orders);
}

MarOrder *
mar_store_get_order (MarStore    *self,
                     const char  *id,
                     GError     **error)
{
  g_autoptr(GPtrArray) orders = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_order_free);

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!load_orders (self, &order_by_id, id, orders, error))
    return NULL;
  if (orders->len == 0)
    {
      set_not_found (error, _("No order in this terminal's cache has that id"));
      return NULL;
    }
  return g_ptr_array_steal_index (orders, 0);
}

#define DISPENSE_SELECT \
  "SELECT id, version_id, label, status, patient_id, order_id, product_id, beyond_use, lot, " \
  "  when_prepared, quantity_value, quantity_unit, removed FROM dispenses "

static MarDispense *
read_dispense (MarStore    *self,
               const char  *sql,
               const char  *key,
               GError     **error)
{
  g_autoptr(MarStmt) stmt = store_prepare (self, sql, error);
  MarDispense *dispense;
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  if ((rc = store_step (self, stmt, error)) < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error, _("No pharmacy bag label in this terminal's cache has that code"));
      return NULL;
    }

  dispense = mar_dispense_new ();
  dispense->id = mar_store_column_dup (stmt, 0);
  dispense->version = mar_store_column_dup (stmt, 1);
  dispense->label = mar_store_column_dup (stmt, 2);
  dispense->status = mar_store_column_dup (stmt, 3);
  dispense->patient_id = mar_store_column_dup (stmt, 4);
  dispense->order_id = mar_store_column_dup (stmt, 5);
  dispense->product_id = mar_store_column_dup (stmt, 6);
  dispense->beyond_use = mar_store_column_dup (stmt, 7);
  dispense->lot = mar_store_column_dup (stmt, 8);
  dispense->when_prepared = column_time (stmt, 9);
  column_quantity (stmt, 10, &dispense->quantity);
  dispense->removed = column_bool (stmt, 12);

  if (store_step (self, stmt, NULL) == SQLITE_ROW)
    {
      /* A label is printed once per bag: two dispenses with one label is
       * a pharmacy error, never a guess. */
      mar_dispense_free (dispense);
      g_set_error_literal (error, MAR_STORE_ERROR, MAR_STORE_ERROR_AMBIGUOUS,
                           _("That pharmacy label belongs to more than one bag in this "
                             "terminal's cache: the pharmacy must correct it before it can "
                             "be used"));
      return NULL;
    }
  return dispense;
}

MarDispense *
mar_store_find_dispense_by_label (MarStore    *self,
                                  const char  *label,
                                  GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (label != NULL, NULL);

  return read_dispense (self, DISPENSE_SELECT "WHERE label = ?1 AND removed = 0", label, error);
}

MarDispense *
mar_store_get_dispense (MarStore    *self,
                        const char  *id,
                        GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return read_dispense (self, DISPENSE_SELECT "WHERE id = ?1", id, error);
}

/* Staff roles: PractitionerRole codes → MarRole, by a setting or by these
 * defaults (docs/fhir-import.md). */
static const struct
{
  const char *key;
  MarRole     role;
} default_role_codes[] = {
  { "http://terminology.hl7.org/CodeSystem/practitioner-role|nurse", MAR_ROLE_NURSE },
  { "http://terminology.hl7.org/CodeSystem/practitioner-role|ict", MAR_ROLE_IT },
  { "urn:bedside-mar:role|nurse", MAR_ROLE_NURSE },
  { "urn:bedside-mar:role|charge", MAR_ROLE_CHARGE_NURSE },
  /* The demo ward's and docs/fhir-import.md's spelling. */
  { "urn:bedside-mar:role|charge-nurse", MAR_ROLE_CHARGE_NURSE },
  { "urn:bedside-mar:role|it", MAR_ROLE_IT },
};

static GHashTable *
role_codes_parse (const char *text)
{
  GHashTable *codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;
  static const char * const names[] = { "nurse", "charge", "it" };
  static const MarRole roles[] = { MAR_ROLE_NURSE, MAR_ROLE_CHARGE_NURSE, MAR_ROLE_IT };

  if (text == NULL)
    goto defaults;

  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_warning ("The setting %s is not a JSON object; using the default role codes",
                 MAR_STORE_SETTING_ROLE_CODES);
      goto defaults;
    }

  object = json_node_get_object (root);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonNode *node = json_object_get_member (object, names[i]);
      JsonArray *array;

      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        continue;
      array = json_node_get_array (node);
      for (guint j = 0; j < json_array_get_length (array); j++)
        {
          JsonNode *element = json_array_get_element (array, j);

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            g_hash_table_insert (codes, g_strdup (json_node_get_string (element)),
                                 GINT_TO_POINTER (roles[i]));
        }
    }
  return codes;

defaults:
  for (guint i = 0; i < G_N_ELEMENTS (default_role_codes); i++)
    g_hash_table_insert (codes, g_strdup (default_role_codes[i].key),
                         GINT_TO_POINTER (default_role_codes[i].role));
  return codes;
}

/* The setting is read each time (another process may change it) and
 * parsed again only when its text changed. */
static GHashTable *
store_get_role_codes (MarStore  *self,
                      GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = mar_store_dup_setting (self, MAR_STORE_SETTING_ROLE_CODES, &local_error);

  if (text == NULL && !g_error_matches (local_error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (self->role_codes == NULL || g_strcmp0 (text, self->role_codes_text) != 0)
    {
      g_clear_pointer (&self->role_codes, g_hash_table_unref);
      g_free (self->role_codes_text);
      self->role_codes_text = g_steal_pointer (&text);
      self->role_codes = role_codes_parse (self->role_codes_text);
    }
  return self->role_codes;
}

/* The staff member's role: the highest of their active PractitionerRoles
 * (charge nurse, then nurse, then IT). */
static gboolean
read_staff_role (MarStore    *self,
                 MarStaff    *staff,
                 GError     **error)
{
  GHashTable *codes = store_get_role_codes (self, error);
  g_autoptr(MarStmt) stmt = NULL;
  static const int rank[] = {
    [MAR_ROLE_NONE] = 0, [MAR_ROLE_IT] = 1, [MAR_ROLE_NURSE] = 2, [MAR_ROLE_CHARGE_NURSE] = 3,
  };
  int rc;

  if (codes == NULL)
    return FALSE;
  stmt = store_prepare (self,
    "SELECT c.system, c.code FROM staff_roles r JOIN staff_role_codes c ON c.role_id = r.id "
    "WHERE r.staff_id = ?1 AND r.removed = 0 AND r.active = 1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, staff->id);
  staff->role = MAR_ROLE_NONE;
  while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
    {
      g_autofree char *key = g_strdup_printf ("%s|%s",
                                              column_get (stmt, 0) ? column_get (stmt, 0) : "",
                                              column_get (stmt, 1) ? column_get (stmt, 1) : "");
      gpointer value;

      if (g_hash_table_lookup_extended (codes, key, NULL, &value) &&
          rank[GPOINTER_TO_INT (value)] > rank[staff->role])
        staff->role = GPOINTER_TO_INT (value);
    }
  return rc == SQLITE_DONE;
}

#define STAFF_SELECT "SELECT id, version_id, badge, name, active, removed FROM staff "

static MarStaff *
read_staff_in_snapshot (MarStore    *self,
                        const char  *sql,
                        const char  *key,
                        GError     **error)
{
  g_autoptr(MarStaff) staff = NULL;
  gboolean several;
  int rc;

  {
    g_autoptr(MarStmt) stmt = store_prepare (self, sql, error);

    if (stmt == NULL)
      return NULL;
    bind_text (stmt, 1, key);
    if ((rc = store_step (self, stmt, error)) < 0)
      return NULL;
    if (rc == SQLITE_DONE)
      {
        set_not_found (error, _("No member of staff in this terminal's cache has that badge"));
        return NULL;
      }
    staff = mar_staff_new ();
    staff->id = mar_store_column_dup (stmt, 0);
    staff->version = mar_store_column_dup (stmt, 1);
    staff->badge = mar_store_column_dup (stmt, 2);
    staff->name = mar_store_column_dup (stmt, 3);
    staff->active = column_bool (stmt, 4);
    staff->removed = column_bool (stmt, 5);
    several = store_step (self, stmt, NULL) == SQLITE_ROW;
  }

  if (several)
    {
      g_set_error_literal (error, MAR_STORE_ERROR, MAR_STORE_ERROR_AMBIGUOUS,
                           _("That badge belongs to more than one member of staff in this "
                             "terminal's cache: IT must correct it before it can be used"));
      return NULL;
    }
  if (!read_staff_role (self, staff, error))
    return NULL;
  return g_steal_pointer (&staff);
}

static MarStaff *
read_staff (MarStore    *self,
            const char  *sql,
            const char  *key,
            GError     **error)
{
  gboolean started;
  MarStaff *result;

  if (!store_read_begin (self, &started, error))
    return NULL;
  result = read_staff_in_snapshot (self, sql, key, error);
  store_read_end (self, started);
  return result;
}

MarStaff *
mar_store_find_staff_by_badge (MarStore    *self,
                               const char  *badge,
                               GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (badge != NULL, NULL);

  return read_staff (self, STAFF_SELECT "WHERE badge = ?1 AND removed = 0", badge, error);
}

MarStaff *
mar_store_get_staff (MarStore    *self,
                     const char  *id,
                     GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return read_staff (self, STAFF_SELECT "WHERE id = ?1", id, error);
}

MarStaffRole *
mar_store_get_staff_role (MarStore    *self,
                          const char  *id,
                          GError     **error)
{
  g_autoptr(MarStaffRole) role = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  {
    g_autoptr(MarStmt) stmt = store_prepare (self,
      "SELECT id, version_id, staff_id, location_id, active, removed FROM staff_roles "
      "WHERE id = ?1", error);

    if (stmt == NULL)
      return NULL;
    bind_text (stmt, 1, id);
    if ((rc = store_step (self, stmt, error)) < 0)
      return NULL;
    if (rc == SQLITE_DONE)
      {
        set_not_found (error, _("No staff role in this terminal's cache has that id"));
        return NULL;
      }
    role = mar_staff_role_new ();
    role->id = mar_store_column_dup (stmt, 0);
    role->version = mar_store_column_dup (stmt, 1);
    role->staff_id = mar_store_column_dup (stmt, 2);
    role->location_id = mar_store_column_dup (stmt, 3);
    role->active = column_bool (stmt, 4);
    role->removed = column_bool (stmt, 5);
  }

  {
    g_autoptr(MarStmt) stmt = store_prepare (self,
      "SELECT system, code, display FROM staff_role_codes WHERE role_id = ?1 ORDER BY seq", error);

    if (stmt == NULL)
      return NULL;
    bind_text (stmt, 1, id);
    while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
      g_ptr_array_add (role->codes, mar_coding_new (column_get (stmt, 0), column_get (stmt, 1),
                                                    column_get (stmt, 2)));
    if (rc < 0)
      return NULL;
  }

  return g_steal_pointer (&role);
}

/* Allergies: rows and codings in two statements. */
static gboolean
load_allergies_in_snapshot (MarStore    *self,
                            const char  *rows_sql,
                            const char  *codings_sql,
                            const char  *key,
                            GPtrArray   *allergies,
                            GError     **error)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  int rc;

  {
    g_autoptr(MarStmt) stmt = store_prepare (self, rows_sql, error);

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, key);
    while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
      {
        MarAllergy *allergy = mar_allergy_new ();

        allergy->id = mar_store_column_dup (stmt, 0);
        allergy->version = mar_store_column_dup (stmt, 1);
        allergy->patient_id = mar_store_column_dup (stmt, 2);
        allergy->clinical_status = mar_store_column_dup (stmt, 3);
        allergy->verification_status = mar_store_column_dup (stmt, 4);
        allergy->text = mar_store_column_dup (stmt, 5);
        allergy->criticality = mar_store_column_dup (stmt, 6);
        allergy->category = mar_store_column_dup (stmt, 7);
        allergy->reactions = mar_store_column_dup (stmt, 8);
        allergy->removed = column_bool (stmt, 9);
        g_ptr_array_add (allergies, allergy);
        g_hash_table_insert (by_id, allergy->id, allergy);
      }
    if (rc < 0)
      return FALSE;
  }

  if (allergies->len == 0)
    return TRUE;

  {
    g_autoptr(MarStmt) stmt = store_prepare (self, codings_sql, error);

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, key);
    while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
      {
        MarAllergy *allergy = g_hash_table_lookup (by_id, column_get (stmt, 0));

        if (allergy != NULL)
          ptr_array_put (allergy->codings, sqlite3_column_int (stmt, 1),
                         mar_coding_new (column_get (stmt, 2), column_get (stmt, 3),
                                         column_get (stmt, 4)),
                         (GDestroyNotify) mar_coding_free);
      }
    if (rc < 0)
      return FALSE;
  }

  for (guint i = 0; i < allergies->len; i++)
    ptr_array_close_gaps (((MarAllergy *) g_ptr_array_index (allergies, i))->codings);
  return TRUE;
}

static gboolean
load_allergies (MarStore    *self,
                const char  *rows_sql,
                const char  *codings_sql,
                const char  *key,
                GPtrArray   *allergies,
                GError     **error)
{
  gboolean started, ok;

  if (!store_read_begin (self, &started, error))
    return FALSE;
  ok = load_allergies_in_snapshot (self, rows_sql, codings_sql, key, allergies, error);
  store_read_end (self, started);
  return ok;
}

#define ALLERGY_COLUMNS \
  "a.id, a.version_id, a.patient_id, a.clinical_status, a.verification_status, a.text, " \
  "a.criticality, a.category, a.reactions, a.removed"

GPtrArray *
mar_store_list_allergies (MarStore    *self,
                          const char  *patient_id,
                          GError     **error)
{
  g_autoptr(GPtrArray) allergies = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_allergy_free);

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  if (!load_allergies (self,
                       "SELECT " ALLERGY_COLUMNS " FROM allergies a "
                       "WHERE a.patient_id = ?1 AND a.removed = 0 ORDER BY a.id",
                       "SELECT a.id, c.seq, c.system, c.code, c.display FROM allergies a "
                       "JOIN allergy_codings c ON c.allergy_id = a.id "
                       "WHERE a.patient_id = ?1 AND a.removed = 0",
                       patient_id, allergies, error))
    return NULL;
  return g_steal_pointer (&allergies);
}

MarAllergy *
mar_store_get_allergy (MarStore    *self,
                       const char  *id,
                       GError     **error)
{
  g_autoptr(GPtrArray) allergies = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_allergy_free);

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!load_allergies (self,
                       "SELECT " ALLERGY_COLUMNS " FROM allergies a WHERE a.id = ?1",
                       "SELECT c.allergy_id, c.seq, c.system, c.code, c.display FROM allergy_codings c "
                       "WHERE c.allergy_id = ?1",
                       id, allergies, error))
    return NULL;
  if (allergies->len == 0)
    {
      set_not_found (error, _("No allergy in this terminal's cache has that id"));
      return NULL;
    }
  return g_ptr_array_steal_index (allergies, 0);
}

#define ADMINISTRATION_COLUMNS \
  "id, version_id, source, patient_id, order_id, order_version, status, start_time, end_time, " \
  "due_time, bag_id, product_id, gtin, dose_value, dose_unit, rate_value, rate_unit, partial, " \
  "performer_id, removed"

static MarAdministration *
read_administration_row (sqlite3_stmt *stmt)
{
  MarAdministration *administration = mar_administration_new ();

  administration->id = mar_store_column_dup (stmt, 0);
  administration->version = mar_store_column_dup (stmt, 1);
  administration->source = mar_store_column_dup (stmt, 2);
  administration->patient_id = mar_store_column_dup (stmt, 3);
  administration->order_id = mar_store_column_dup (stmt, 4);
  administration->order_version = mar_store_column_dup (stmt, 5);
  administration->status = mar_store_column_dup (stmt, 6);
  administration->start = column_time (stmt, 7);
  administration->end = column_time (stmt, 8);
  administration->due_time = column_time (stmt, 9);
  administration->bag_id = mar_store_column_dup (stmt, 10);
  administration->product_id = mar_store_column_dup (stmt, 11);
  administration->gtin = mar_store_column_dup (stmt, 12);
  column_quantity (stmt, 13, &administration->dose);
  column_quantity (stmt, 15, &administration->rate);
  administration->partial = column_bool (stmt, 17);
  administration->performer_id = mar_store_column_dup (stmt, 18);
  administration->removed = column_bool (stmt, 19);
  return administration;
}

static int
compare_administrations (gconstpointer a,
                         gconstpointer b)
{
  const MarAdministration *x = *(const MarAdministration * const *) a;
  const MarAdministration *y = *(const MarAdministration * const *) b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return g_strcmp0 (x->id, y->id);
}

/* Runs @sql (bound to @key and, if it has a ?2, @since), drops repeated
 * rows (a UNION ALL of index ranges may meet one row twice) and sorts by
 * start: in C, cheaper than SQLite's sorter for a few rows. */
static GPtrArray *
list_administrations (MarStore    *self,
                      const char  *sql,
                      const char  *key,
                      gint64       since,
                      GError     **error)
{
  g_autoptr(GPtrArray) administrations =
    g_ptr_array_new_with_free_func ((GDestroyNotify) mar_administration_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(MarStmt) stmt = store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, since);
  while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
    {
      MarAdministration *administration;

      if (g_hash_table_contains (seen, column_get (stmt, 0)))
        continue;
      administration = read_administration_row (stmt);
      g_hash_table_add (seen, administration->id);
      g_ptr_array_add (administrations, administration);
    }
  if (rc < 0)
    return NULL;
  g_ptr_array_sort (administrations, compare_administrations);
  return g_steal_pointer (&administrations);
}

GPtrArray *
mar_store_list_administrations (MarStore    *self,
                                const char  *patient_id,
                                gint64       since,
                                GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  /* Three index ranges rather than one OR, so a patient with a long
   * history costs no more than one with a short one. */
  return list_administrations (self,
    "SELECT " ADMINISTRATION_COLUMNS " FROM administrations "
    "  WHERE patient_id = ?1 AND removed = 0 AND start_time >= ?2 "
    "UNION ALL "
    "SELECT " ADMINISTRATION_COLUMNS " FROM administrations "
    "  WHERE patient_id = ?1 AND removed = 0 AND end_time >= ?2 "
    "UNION ALL "
    "SELECT " ADMINISTRATION_COLUMNS " FROM administrations "
    "  WHERE patient_id = ?1 AND removed = 0 AND status IN ('in-progress', 'on-hold')",
    patient_id, since, error);
}

GPtrArray *
mar_store_list_administrations_by_bag (MarStore    *self,
                                       const char  *bag_id,
                                       GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (bag_id != NULL, NULL);

  return list_administrations (self,
    "SELECT " ADMINISTRATION_COLUMNS " FROM administrations "
    "WHERE bag_id = ?1 AND removed = 0",
    bag_id, 0, error);
}

MarAdministration *
mar_store_get_administration (MarStore    *self,
                              const char  *id,
                              GError     **error)
{
  g_autoptr(GPtrArray) found = NULL;

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  found = list_administrations (self,
    "SELECT " ADMINISTRATION_COLUMNS " FROM administrations WHERE id = ?1", id, 0, error);
  if (found == NULL)
    return NULL;
  if (found->len == 0)
    {
      set_not_found (error, _("No administration in this terminal's cache has that id"));
      return NULL;
    }
  return g_ptr_array_steal_index (found, 0);
}

MarLocation *
mar_store_get_location (MarStore    *self,
                        const char  *id,
                        GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  MarLocation *location;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = store_prepare (self,
    "SELECT id, version_id, name, part_of, physical_type, status, removed FROM locations "
    "WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, id);
  if ((rc = store_step (self, stmt, error)) < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error, _("No location in this terminal's cache has that id"));
      return NULL;
    }
  location = mar_location_new ();
  location->id = mar_store_column_dup (stmt, 0);
  location->version = mar_store_column_dup (stmt, 1);
  location->name = mar_store_column_dup (stmt, 2);
  location->part_of_id = mar_store_column_dup (stmt, 3);
  location->physical_type = mar_store_column_dup (stmt, 4);
  location->status = mar_store_column_dup (stmt, 5);
  location->removed = column_bool (stmt, 6);
  return location;
}

MarEncounter *
mar_store_get_encounter (MarStore    *self,
                         const char  *id,
                         GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  MarEncounter *encounter;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = store_prepare (self,
    "SELECT id, version_id, patient_id, status, period_start, period_end, location_id, removed "
    "FROM encounters WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, id);
  if ((rc = store_step (self, stmt, error)) < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error, _("No encounter in this terminal's cache has that id"));
      return NULL;
    }
  encounter = mar_encounter_new ();
  encounter->id = mar_store_column_dup (stmt, 0);
  encounter->version = mar_store_column_dup (stmt, 1);
  encounter->patient_id = mar_store_column_dup (stmt, 2);
  encounter->status = mar_store_column_dup (stmt, 3);
  encounter->start = column_time (stmt, 4);
  encounter->end = column_time (stmt, 5);
  encounter->location_id = mar_store_column_dup (stmt, 6);
  encounter->removed = column_bool (stmt, 7);
  return encounter;
}

MarWeight *
mar_store_get_latest_weight (MarStore    *self,
                             const char  *patient_id,
                             GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  MarWeight *weight;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  stmt = store_prepare (self,
    "SELECT id, version_id, patient_id, status, value_kg, effective FROM weights "
    "WHERE patient_id = ?1 AND removed = 0 AND value_kg IS NOT NULL "
    "  AND status IN ('final', 'amended', 'corrected') "
    "ORDER BY effective DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, patient_id);
  if ((rc = store_step (self, stmt, error)) < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error, _("This terminal's cache holds no body weight for the patient"));
      return NULL;
    }
  weight = mar_weight_new ();
  weight->id = mar_store_column_dup (stmt, 0);
  weight->version = mar_store_column_dup (stmt, 1);
  weight->patient_id = mar_store_column_dup (stmt, 2);
  weight->status = mar_store_column_dup (stmt, 3);
  mar_quantity_set (&weight->weight, sqlite3_column_double (stmt, 4), "kg");
  weight->effective = column_time (stmt, 5);
  return weight;
}

/* ------------------------------------------------------------------ */
/* Sync bookkeeping and settings                                       */

static gboolean
read_clock (MarStore    *self,
            const char  *sql,
            gint64      *when,
            GError     **error)
{
  g_autoptr(MarStmt) stmt = store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  if ((rc = store_step (self, stmt, error)) < 0)
    return FALSE;
  *when = rc == SQLITE_ROW ? column_time (stmt, 0) : MAR_TIME_UNSET;
  return TRUE;
}

gboolean
mar_store_get_last_sync (MarStore  *self,
                         gint64    *when,
                         GError   **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (when != NULL, FALSE);

  return read_clock (self, "SELECT last_sync FROM sync_clock WHERE id = 1", when, error);
}

gboolean
mar_store_get_last_import (MarStore  *self,
                           gint64    *when,
                           GError   **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (when != NULL, FALSE);

  return read_clock (self, "SELECT last_import FROM sync_clock WHERE id = 1", when, error);
}

/* A one-statement write of a time (?1) in its own transaction. */
static gboolean
store_write_clock (MarStore    *self,
                   const char  *sql,
                   gint64       when,
                   GError     **error)
{
  gboolean ok;

  if (!mar_store_begin (self, error))
    return FALSE;
  {
    g_autoptr(MarStmt) stmt = store_prepare (self, sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        bind_time (stmt, 1, when);
        ok = store_run (self, stmt, error);
      }
  }
  return store_finish (self, ok, error);
}

gboolean
mar_store_set_last_sync (MarStore  *self,
                         gint64     when,
                         GError   **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);

  return store_write_clock (self, "UPDATE sync_clock SET last_sync = ?1 WHERE id = 1", when, error);
}

gboolean
mar_store_record_import (MarStore  *self,
                         gint64     when,
                         GError   **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);

  /* RULES.md, CACHE_STALE: an import counts as a sync at import time. */
  return store_write_clock (self,
                            "UPDATE sync_clock SET last_sync = ?1, last_import = ?1 WHERE id = 1",
                            when, error);
}

char *
mar_store_dup_watermark (MarStore    *self,
                         const char  *resource_type,
                         GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (resource_type != NULL, NULL);

  stmt = store_prepare (self, "SELECT watermark FROM sync_watermarks WHERE resource_type = ?1",
                        error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, resource_type);
  if ((rc = store_step (self, stmt, error)) < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error, _("Nothing of this type has been pulled from the server yet"));
      return NULL;
    }
  return mar_store_column_dup (stmt, 0);
}

gboolean
mar_store_set_watermark (MarStore    *self,
                         const char  *resource_type,
                         const char  *watermark,
                         GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (resource_type != NULL && watermark != NULL, FALSE);

  gboolean ok;

  if (!mar_store_begin (self, error))
    return FALSE;
  {
    g_autoptr(MarStmt) stmt = store_prepare (self,
      "INSERT INTO sync_watermarks (resource_type, watermark, updated_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (resource_type) DO UPDATE SET watermark = excluded.watermark, "
      "  updated_at = excluded.updated_at", error);

    ok = stmt != NULL;
    if (ok)
      {
        bind_text (stmt, 1, resource_type);
        bind_text (stmt, 2, watermark);
        sqlite3_bind_int64 (stmt, 3, now_seconds ());
        ok = store_run (self, stmt, error);
      }
  }
  return store_finish (self, ok, error);
}

gboolean
mar_store_quarantine (MarStore    *self,
                      const char  *resource_type,
                      const char  *resource_id,
                      const char  *version,
                      const char  *patient_id,
                      const char  *reason,
                      const char  *json,
                      gint64       received,
                      GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (resource_type != NULL && reason != NULL, FALSE);

  if (!mar_store_begin (self, error))
    return FALSE;
  {
    g_autoptr(MarStmt) stmt = store_prepare (self,
      "INSERT INTO quarantine (resource_type, resource_id, version_id, patient_id, reason, "
      "  raw_json, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);

    ok = stmt != NULL;
    if (ok)
      {
        bind_text (stmt, 1, resource_type);
        bind_text (stmt, 2, resource_id);
        bind_text (stmt, 3, version);
        bind_text (stmt, 4, patient_id);
        bind_text (stmt, 5, reason);
        bind_text (stmt, 6, json);
        sqlite3_bind_int64 (stmt, 7, received);
        ok = store_run (self, stmt, error);
      }
  }
  return store_finish (self, ok, error);
}

void
mar_quarantined_free (MarQuarantined *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->resource_type);
  g_free (entry->resource_id);
  g_free (entry->version);
  g_free (entry->patient_id);
  g_free (entry->reason);
  g_free (entry);
}

/* A text column as a newly allocated string; NULL for SQL NULL. */
char *
mar_store_column_dup (MarStmt *stmt,
                      int      index)
{
  const unsigned char *text = sqlite3_column_text (stmt, index);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

GPtrArray *
mar_store_list_quarantined (MarStore  *self,
                            GError   **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_quarantined_free);
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);

  stmt = store_prepare (self,
    "SELECT id, resource_type, resource_id, version_id, patient_id, reason, received_at "
    "FROM quarantine WHERE resolved_at IS NULL ORDER BY received_at, id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = store_step (self, stmt, error)) == SQLITE_ROW)
    {
      MarQuarantined *entry = g_new0 (MarQuarantined, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->resource_type = mar_store_column_dup (stmt, 1);
      entry->resource_id = mar_store_column_dup (stmt, 2);
      entry->version = mar_store_column_dup (stmt, 3);
      entry->patient_id = mar_store_column_dup (stmt, 4);
      entry->reason = mar_store_column_dup (stmt, 5);
      entry->received = sqlite3_column_int64 (stmt, 6);
      g_ptr_array_add (entries, entry);
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&entries);
}

gboolean
mar_store_set_patient_data_incomplete (MarStore    *self,
                                       const char  *patient_id,
                                       gboolean     incomplete,
                                       GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (patient_id != NULL, FALSE);

  gboolean ok;

  if (!mar_store_begin (self, error))
    return FALSE;
  {
    g_autoptr(MarStmt) stmt = store_prepare (self,
      "UPDATE patients SET data_incomplete = ?2 WHERE id = ?1", error);

    ok = stmt != NULL;
    if (ok)
      {
        bind_text (stmt, 1, patient_id);
        sqlite3_bind_int (stmt, 2, incomplete ? 1 : 0);
        ok = store_run (self, stmt, error);
      }
  }
  return store_finish (self, ok, error);
}

char *
mar_store_dup_setting (MarStore    *self,
                       const char  *key,
                       GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = store_prepare (self, "SELECT value FROM settings WHERE key = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  if ((rc = store_step (self, stmt, error)) < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      set_not_found (error, _("That setting is not set on this terminal"));
      return NULL;
    }
  return mar_store_column_dup (stmt, 0);
}

gboolean
mar_store_set_setting (MarStore    *self,
                       const char  *key,
                       const char  *value,
                       GError     **error)
{
  g_return_val_if_fail (MAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL && value != NULL, FALSE);

  gboolean ok;

  if (!mar_store_begin (self, error))
    return FALSE;
  {
    g_autoptr(MarStmt) stmt = store_prepare (self,
      "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
      error);

    ok = stmt != NULL;
    if (ok)
      {
        bind_text (stmt, 1, key);
        bind_text (stmt, 2, value);
        sqlite3_bind_int64 (stmt, 3, now_seconds ());
        ok = store_run (self, stmt, error);
      }
  }
  return store_finish (self, ok, error);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
mar_store_finalize (GObject *object)
{
  MarStore *self = MAR_STORE (object);

  if (self->transaction_depth > 0 && self->db != NULL)
    {
      g_warning ("A store was closed with a transaction open; it is rolled back");
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->role_codes, g_hash_table_unref);
  g_free (self->role_codes_text);
  g_free (self->path);

  G_OBJECT_CLASS (mar_store_parent_class)->finalize (object);
}

static void
mar_store_class_init (MarStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mar_store_finalize;
}

static void
mar_store_init (MarStore *self)
{
  self->busy_timeout_ms = MAR_STORE_BUSY_TIMEOUT_MS;
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                            (GDestroyNotify) sqlite3_finalize);
}
