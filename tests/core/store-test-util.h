/* store-test-util.h — fixtures shared by the store and import tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new empty folder under the test's temporary directory. */
char   *test_make_folder      (void);
/* Removes @path and everything below it. */
void    test_remove_folder    (const char *path);
/* A digest of every row of every table of the database at @path (read
 * through its own connection), leaving out the columns that hold the
 * terminal's clock (stored_at, updated_at): two caches with the same
 * content have the same digest. Also gives the total row count. */
char   *test_database_digest  (const char *path,
                               guint      *rows);
/* Runs one SQL statement on its own connection (for what the store API
 * must not do: damage, lock or age a database). */
void    test_database_exec    (const char *path,
                               const char *sql);
/* The bytes of a file, for byte-for-byte comparisons. */
GBytes *test_file_bytes       (const char *path);
/* A file under tests/data (G_TEST_DIST). */
char   *test_data_path        (const char *first,
                               ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
