/* store-test-util.c — fixtures shared by the store and import tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "store-test-util.h"

char *
test_make_folder (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("mar-store-test-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

void
test_remove_folder (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_remove (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_chmod (child, 0700);
      test_remove_folder (child);
    }
  g_rmdir (path);
}

static sqlite3 *
open_raw (const char *path,
          int         flags)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, flags, NULL);

  if (rc != SQLITE_OK)
    g_error ("cannot open %s: %s", path, sqlite3_errstr (rc));
  sqlite3_busy_timeout (db, 5000);
  return db;
}

char *
test_database_digest (const char *path,
                      guint      *rows)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = open_raw (path, SQLITE_OPEN_READONLY);
  sqlite3_stmt *stmt = NULL;
  guint n_rows = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT name FROM sqlite_schema WHERE type = 'table' "
                                       "AND name NOT LIKE 'sqlite_%' ORDER BY name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);

  for (guint t = 0; t < tables->len; t++)
    {
      const char *table = g_ptr_array_index (tables, t);
      /* Table names come from sqlite_schema, not from input. */
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1, 2", table);
      int n_columns;

      g_checksum_update (checksum, (const guchar *) table, -1);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      n_columns = sqlite3_column_count (stmt);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          n_rows++;
          for (int c = 0; c < n_columns; c++)
            {
              const char *name = sqlite3_column_name (stmt, c);
              const unsigned char *text;

              if (strcmp (name, "stored_at") == 0 || strcmp (name, "updated_at") == 0)
                continue;
              text = sqlite3_column_text (stmt, c);
              g_checksum_update (checksum, (const guchar *) name, -1);
              g_checksum_update (checksum, text != NULL ? text : (const guchar *) "\x01NULL", -1);
              g_checksum_update (checksum, (const guchar *) "\x1f", 1);
            }
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);

  if (rows != NULL)
    *rows = n_rows;
  return g_strdup (g_checksum_get_string (checksum));
}

void
test_database_exec (const char *path,
                    const char *sql)
{
  sqlite3 *db = open_raw (path, SQLITE_OPEN_READWRITE);
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

GBytes *
test_file_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

char *
test_data_path (const char *first,
                ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *relative = NULL;
  va_list args;

  va_start (args, first);
  for (const char *part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  relative = g_build_filenamev ((char **) parts->pdata);
  return g_test_build_filename (G_TEST_DIST, "data", relative, NULL);
}
